using Microsoft.Data.Sqlite;

namespace Muxly.Storage;

/// <summary>
/// Tells, for the price of one pragma, whether anyone committed to the database since the last look: SQLite's
/// <c>PRAGMA data_version</c> on one connection kept open for the purpose, which changes whenever another connection (in
/// this process or any other) commits. It says only that something changed, not what: the caller looks closer then.
/// </summary>
/// <remarks>
/// The one connection <see cref="MuxlyDatabase"/> keeps open beyond a command. It never holds a transaction, so it does
/// not stop checkpoints or writers. A failed look counts as a change and reopens the connection next time.
/// </remarks>
public sealed class DatabaseChangeWatch : IDisposable
{
    private readonly Func<SqliteConnection> _open;
    private SqliteConnection? _connection;
    private long? _lastVersion;

    internal DatabaseChangeWatch(Func<SqliteConnection> open)
    {
        _open = open;
    }

    /// <summary>True on the first look, and whenever another connection committed since the previous look.</summary>
    public bool HasChanged()
    {
        long version;
        try
        {
            _connection ??= _open();
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA data_version";
            version = Convert.ToInt64(command.ExecuteScalar());
        }
        catch (Exception ex) when (ex is SqliteException or MuxlyException)
        {
            Close();
            return true;
        }

        var changed = version != _lastVersion;
        _lastVersion = version;
        return changed;
    }

    public void Dispose() => Close();

    private void Close()
    {
        _connection?.Dispose();
        _connection = null;
        _lastVersion = null;
    }
}
