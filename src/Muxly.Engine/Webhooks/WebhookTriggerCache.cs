using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Muxly.Storage;

namespace Muxly.Webhooks;

/// <summary>
/// The listener's look-up of a trigger (with its job's state and its secrets) by path, without opening a connection
/// per request. Look-ups go through a few kept connections, each with its own remembered triggers, kept until the
/// configuration version (<c>config_version</c>, which triggers in the schema move on every write to a configuration
/// table by any connection, in this process or another, and nothing else moves) changes. So a trigger disabled,
/// rotated, deleted or re-pointed anywhere is seen by the next request, exactly as without the cache. Each look-up
/// first asks <c>PRAGMA data_version</c> (no table read) whether anything was committed since the last, and only then
/// reads the configuration version: under load the group commit and the runs commit every few milliseconds, and
/// re-reading the trigger and its secrets after each of those commits cost more than the rest of the request.
/// Several connections, not one behind a lock: concurrent requests do not queue for each other.
/// </summary>
internal sealed class WebhookTriggerCache : IDisposable
{
    /// <summary>Paths one connection remembers at most (unknown paths included, so a scan of random paths cannot grow it without end).</summary>
    public const int MaxEntries = 1024;

    private readonly MuxlyDatabase _database;
    private readonly ConcurrentBag<Reader> _idle = [];
    private long _reads;
    private volatile bool _disposed;

    public WebhookTriggerCache(MuxlyDatabase database)
    {
        _database = database;
    }

    public sealed record Entry(WebhookTrigger Trigger, IReadOnlyList<WebhookSecret> Secrets);

    /// <summary>How many look-ups went to the database (tests check that repeated ones do not).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The trigger at a normalised path as committed now, or null when there is none.</summary>
    public Entry? Find(string normalizedPath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _idle.TryTake(out var idle) ? idle : new Reader(_database);
        try
        {
            var entry = reader.Find(normalizedPath, ref _reads);
            if (_disposed)
            {
                reader.Dispose();
            }
            else
            {
                _idle.Add(reader);
            }

            return entry;
        }
        catch (SqliteException ex)
        {
            // A broken connection is dropped; the next look-up opens another.
            reader.Dispose();
            throw _database.Translate(ex);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    /// <summary>One kept connection and what was read on it at its current data version. Used by one request at a time.</summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _dataVersion;
        private readonly SqliteCommand _configVersion;
        private readonly Dictionary<string, Entry?> _entries = new(StringComparer.Ordinal);
        private long _dataVersionSeen = -1;
        private long _configVersionSeen = -1;

        public Reader(MuxlyDatabase database)
        {
            _connection = database.OpenKeptConnection();
            _dataVersion = _connection.CreateCommand();
            _dataVersion.CommandText = "PRAGMA data_version";
            _configVersion = _connection.CreateCommand();
            _configVersion.CommandText = ConfigVersion.Query;
        }

        public Entry? Find(string normalizedPath, ref long reads)
        {
            var dataVersion = Convert.ToInt64(_dataVersion.ExecuteScalar());
            if (dataVersion != _dataVersionSeen)
            {
                _dataVersionSeen = dataVersion;
                var configVersion = Convert.ToInt64(_configVersion.ExecuteScalar());
                if (configVersion != _configVersionSeen)
                {
                    _entries.Clear();
                    _configVersionSeen = configVersion;
                }
            }

            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            if (_entries.TryGetValue(normalizedPath, out var cached))
            {
                return cached;
            }

            Interlocked.Increment(ref reads);
            var read = WebhookTriggerStore.ReadForListener(_connection, normalizedPath);
            var entry = read is { } found ? new Entry(found.Trigger, found.Secrets) : null;
            _entries[normalizedPath] = entry;
            return entry;
        }

        public void Dispose()
        {
            _dataVersion.Dispose();
            _configVersion.Dispose();
            _connection.Dispose();
        }
    }
}
