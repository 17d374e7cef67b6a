using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Muxly.Storage;

/// <summary>
/// One Muxly database file. Every operation opens its own short-lived connection (no pooling, so no handle outlives
/// a command), with foreign keys on, WAL, and a busy timeout; writes that read first run in <c>BEGIN IMMEDIATE</c>.
/// The exceptions are kept by long-running hosts and closed when their owner ends: a <see cref="DatabaseChangeWatch"/>,
/// and a <see cref="KeepConnectionOnThisThread"/> scope, inside which every operation on the thread shares one
/// connection (a scheduler's webhook runs: opening and configuring a connection costs more than most of their queries).
/// </summary>
public sealed class MuxlyDatabase
{
    /// <summary>How long a statement waits for another process's lock before giving up.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(60);

    // Paths whose migration checksums this process has already verified against a given migration list (the key holds
    // both): later opens with the same list only read user_version; another list is checked again.
    private static readonly ConcurrentDictionary<string, bool> VerifiedPaths = new(StringComparer.Ordinal);

    // One write lock per file for the whole process, however many MuxlyDatabase objects open it.
    private static readonly ConcurrentDictionary<string, object> WriteGates = new(StringComparer.Ordinal);

    // The thread's kept connection, while a KeepConnectionOnThisThread scope is open on it.
    [ThreadStatic]
    private static KeptConnection? t_kept;

    private static int s_keptOpen;

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    private readonly string _connectionString;
    private readonly MigrationRunner _migrations;
    private readonly string _verifiedKey;
    private readonly object _writeGate;

    private MuxlyDatabase(string path, IReadOnlyList<Migration> migrations)
    {
        Path = path;
        _migrations = new MigrationRunner(migrations);
        _verifiedKey = path + "\n" + string.Join(",", migrations.Select(m => m.Checksum));
        _writeGate = WriteGates.GetOrAdd(System.IO.Path.GetFullPath(path), _ => new object());
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>
    /// Opens (creating if needed) and migrates the database at <paramref name="path"/>. Refuses, without changing it,
    /// a file that is not SQLite, is read-only, or holds a schema newer than this engine or an edited migration.
    /// </summary>
    public static MuxlyDatabase Open(string path, IReadOnlyList<Migration>? migrations = null, bool migrate = true)
    {
        var database = new MuxlyDatabase(path, migrations ?? Migration.Embedded);
        database.CheckFile(create: true);
        if (migrate)
        {
            database.EnsureMigrated();
        }

        return database;
    }

    /// <summary>Opens an existing database without applying migrations (for inspection and explicit updates).</summary>
    public static MuxlyDatabase OpenExisting(string path, IReadOnlyList<Migration>? migrations = null)
    {
        var database = new MuxlyDatabase(path, migrations ?? Migration.Embedded);
        database.CheckFile(create: false);
        return database;
    }

    public int LatestKnownVersion => _migrations.LatestVersion;

    public MigrationStatus GetMigrationStatus() => Run(connection => _migrations.GetStatus(connection, Path));

    /// <summary>Applies pending migrations; returns those this call applied.</summary>
    public IReadOnlyList<Migration> ApplyMigrations()
    {
        var applied = Run(connection => _migrations.ApplyPending(connection, Path));
        VerifiedPaths[_verifiedKey] = true;
        return applied;
    }

    /// <summary>Runs read-only work on a fresh connection.</summary>
    public T Read<T>(Func<SqliteConnection, T> work) => Run(work);

    /// <summary>
    /// Runs a query and hands its rows over one at a time, as the caller takes them, on a connection kept until the
    /// enumeration ends (or is disposed early). A listing of 10,000 objects written to the pipeline as they are read
    /// never holds them all at once, so they die young instead of being promoted through every GC generation. The
    /// read's snapshot stays open meanwhile, which in WAL mode (what every connection asks for) holds no writer off,
    /// here or in other processes. Where the file system refused WAL, the rows are read first and the snapshot closed,
    /// since there a reader would block the writers downstream in the same pipeline.
    /// </summary>
    public IEnumerable<T> ReadEach<T>(string sql, Func<SqliteDataReader, T> map) => ReadEach(connection => Rows(connection, sql, map));

    /// <summary>
    /// The same for work of several statements: <paramref name="read"/> runs inside one read transaction, so every
    /// statement it runs sees the same snapshot, and its items are handed over as the caller takes them.
    /// </summary>
    public IEnumerable<T> ReadEach<T>(Func<SqliteConnection, IEnumerable<T>> read)
    {
        using var connection = Translated(OpenConfigured);
        var writeAheadLogged = Translated(() => IsWriteAheadLogged(connection));
        Translated(() => Execute(connection, "BEGIN"));
        if (!writeAheadLogged)
        {
            // Without WAL an open read would hold off writers further down the same pipeline: read all, then end it.
            var all = Translated(() => read(connection).ToList());
            Translated(() => Execute(connection, "COMMIT"));
            foreach (var item in all)
            {
                yield return item;
            }

            yield break;
        }

        // Closing the connection ends the read transaction, also when the caller stops early.
        using var items = Translated(() => read(connection).GetEnumerator());
        while (Translated(items.MoveNext))
        {
            yield return items.Current;
        }
    }

    private static int Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private static IEnumerable<T> Rows<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return map(reader);
        }
    }

    /// <summary>
    /// Runs work that reads then writes inside one <c>BEGIN IMMEDIATE</c> transaction. Writers in this process take
    /// turns on a lock for the file first: SQLite's busy handler would make a writer that finds the file locked sleep
    /// and poll (for up to 100 ms a time), which under many concurrent writers (webhook calls and the runs they start)
    /// costs far more than the writes. Other processes are still waited for by the busy timeout.
    /// </summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        lock (_writeGate)
        {
            return Run(connection =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                var result = work(connection, transaction);
                transaction.Commit();
                return result;
            });
        }
    }

    public void Write(Action<SqliteConnection, SqliteTransaction> work) => Write<object?>((c, t) =>
    {
        work(c, t);
        return null;
    });

    /// <summary>A watch on commits from any connection (<see cref="DatabaseChangeWatch"/>); dispose it to close its connection.</summary>
    public DatabaseChangeWatch WatchChanges() => new(OpenConfigured);

    /// <summary>
    /// A configured connection for a caller that keeps it across many reads and disposes it (the webhook listener's
    /// trigger cache): the one exception to a connection per operation, so only for hot read paths.
    /// </summary>
    internal SqliteConnection OpenKeptConnection()
    {
        try
        {
            return OpenConfigured();
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>
    /// Until the scope is disposed, operations on this database made on this thread share one connection, opened at
    /// the first and closed with the scope. An operation made while the kept connection is busy (one store call made
    /// inside another's work) opens its own, as outside a scope. Inside an open scope on the thread (for any
    /// database), this returns a scope that does nothing: the outer one owns the connection.
    /// </summary>
    /// <remarks>
    /// For a host that makes many operations in a row on one thread and ends at a known point (a scheduler's webhook
    /// worker, one run's action): the connection lives no longer than the scope. A connection that failed is dropped
    /// and the next operation opens a new one.
    /// </remarks>
    public IDisposable KeepConnectionOnThisThread()
    {
        if (t_kept is { IsDisposed: false })
        {
            return KeptConnection.Nested;
        }

        return t_kept = new KeptConnection(this);
    }

    /// <summary>How many kept connections are open in this process (tests check that scopes close theirs).</summary>
    internal static int KeptConnectionsOpen => Volatile.Read(ref s_keptOpen);

    /// <summary>An online, consistent copy: <c>VACUUM INTO</c> reads one snapshot while other processes keep writing.</summary>
    public void BackupTo(string destination)
    {
        Run<object?>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $destination";
            command.Parameters.AddWithValue("$destination", destination);
            command.ExecuteNonQuery();
            return null;
        });
    }

    /// <summary>The file's size plus its write-ahead log.</summary>
    public long SizeInBytes
    {
        get
        {
            long size = 0;
            foreach (var file in new[] { Path, Path + "-wal" })
            {
                var info = new FileInfo(file);
                if (info.Exists)
                {
                    size += info.Length;
                }
            }

            return size;
        }
    }

    private void EnsureMigrated()
    {
        var version = Run(connection => ReadUserVersion(connection));
        if (version > _migrations.LatestVersion)
        {
            throw new MuxlyException(MuxlyErrorKind.DatabaseSchemaMismatch, "MuxlyDatabaseNewerThanModule",
                $"The database '{Path}' has schema version {version}, but this Muxly knows only versions up to {_migrations.LatestVersion}. " +
                "It was written by a newer Muxly; update the module. The database was not changed.", Path);
        }

        if (version == _migrations.LatestVersion && VerifiedPaths.ContainsKey(_verifiedKey))
        {
            return;
        }

        // Validate before applying: an edited or newer migration history must leave the file untouched.
        GetMigrationStatus();
        ApplyMigrations();
    }

    private static long ReadUserVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private T Run<T>(Func<SqliteConnection, T> work)
    {
        if (t_kept is { InUse: false } kept && kept.Serves(this))
        {
            return kept.Run(work);
        }

        try
        {
            using var connection = OpenConfigured();
            return work(connection);
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    private T Translated<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
    }

    private static bool IsWriteAheadLogged(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
    }

    private SqliteConnection OpenConfigured()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Configure(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        // busy_timeout first, so that switching to WAL on a brand-new file waits for a concurrent creator.
        command.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
        command.ExecuteNonQuery();
    }

    private void CheckFile(bool create)
    {
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (File.Exists(Path))
        {
            CheckExistingFile();
            return;
        }

        if (Directory.Exists(Path))
        {
            throw new MuxlyException(MuxlyErrorKind.InvalidArgument, "MuxlyDatabasePathIsFolder",
                $"The database path '{Path}' is a folder; give the path of a file.", Path);
        }

        if (!create)
        {
            throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyDatabaseNotFound",
                $"There is no database at '{Path}'. Connect-MuxlyDatabase -Path '{Path}' creates one.", Path);
        }

        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new MuxlyException(MuxlyErrorKind.DatabaseUnavailable, "MuxlyDatabaseFolderUnavailable",
                    $"Cannot create the folder '{folder}' for the database: {ex.Message}", Path, ex);
            }
        }
    }

    private void CheckExistingFile()
    {
        if (IsReadOnly(Path))
        {
            throw new MuxlyException(MuxlyErrorKind.DatabaseReadOnly, "MuxlyDatabaseReadOnly",
                $"The database file '{Path}' is read-only. Muxly needs to write to it; make it writable or choose another database.", Path);
        }

        Span<byte> header = stackalloc byte[16];
        int read;
        try
        {
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MuxlyException(MuxlyErrorKind.DatabaseUnavailable, "MuxlyDatabaseUnavailable",
                $"Cannot read the database file '{Path}': {ex.Message}", Path, ex);
        }

        // An empty file is a valid, new SQLite database; anything else must carry SQLite's header.
        if (read > 0 && (read < header.Length || !header.SequenceEqual(SqliteHeader)))
        {
            throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyDatabaseNotSqlite",
                $"The file '{Path}' is not a SQLite database. Muxly did not change it; choose another path.", Path);
        }
    }

    /// <summary>
    /// A file whose mode grants no one write access is treated as read-only even when the process could write it
    /// anyway (as root does): the owner said it must not change.
    /// </summary>
    private static bool IsReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly);
        }

        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        return (File.GetUnixFileMode(path) & anyWrite) == 0;
    }

    internal MuxlyException Translate(SqliteException ex) => ex.SqliteErrorCode switch
    {
        26 => new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyDatabaseNotSqlite",
            $"The file '{Path}' is not a SQLite database. Muxly did not change it; choose another path.", Path, ex),
        8 => new MuxlyException(MuxlyErrorKind.DatabaseReadOnly, "MuxlyDatabaseReadOnly",
            $"The database '{Path}' cannot be written: {ex.Message}", Path, ex),
        14 => new MuxlyException(MuxlyErrorKind.DatabaseUnavailable, "MuxlyDatabaseUnavailable",
            $"The database '{Path}' cannot be opened: {ex.Message}", Path, ex),
        5 or 6 => new MuxlyException(MuxlyErrorKind.DatabaseUnavailable, "MuxlyDatabaseBusy",
            $"The database '{Path}' stayed locked by another process for more than {BusyTimeout.TotalSeconds:0} s.", Path, ex),
        11 => new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyDatabaseCorrupt",
            $"The database '{Path}' is damaged: {ex.Message}", Path, ex),
        _ => new MuxlyException(MuxlyErrorKind.DatabaseError, "MuxlyDatabaseError",
            $"A database operation on '{Path}' failed: {ex.Message}", Path, ex),
    };

    /// <summary>The connection of a <see cref="KeepConnectionOnThisThread"/> scope; the scope itself.</summary>
    private sealed class KeptConnection : IDisposable
    {
        public static readonly IDisposable Nested = new NoScope();

        private readonly MuxlyDatabase _database;
        private SqliteConnection? _connection;
        private bool _disposed;

        public KeptConnection(MuxlyDatabase database)
        {
            _database = database;
        }

        public bool InUse { get; private set; }

        public bool IsDisposed => _disposed;

        /// <summary>The same file with the same options: a connection opened by another object for it serves as well.</summary>
        public bool Serves(MuxlyDatabase database) =>
            !_disposed && (ReferenceEquals(database, _database) || string.Equals(database._connectionString, _database._connectionString, StringComparison.Ordinal));

        public T Run<T>(Func<SqliteConnection, T> work)
        {
            InUse = true;
            try
            {
                if (_connection is null)
                {
                    _connection = _database.OpenConfigured();
                    Interlocked.Increment(ref s_keptOpen);
                }

                return work(_connection);
            }
            catch (SqliteException ex)
            {
                // Whatever state the failure left it in, the next operation starts on a fresh connection.
                CloseConnection();
                throw _database.Translate(ex);
            }
            finally
            {
                InUse = false;
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseConnection();
            if (ReferenceEquals(t_kept, this))
            {
                t_kept = null;
            }
        }

        private void CloseConnection()
        {
            if (_connection is not null)
            {
                _connection.Dispose();
                _connection = null;
                Interlocked.Decrement(ref s_keptOpen);
            }
        }

        private sealed class NoScope : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
