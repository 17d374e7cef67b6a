using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Router.Records;
using Muxly.Router.Runs;

namespace Muxly.Destinations.Databases;

/// <summary>
/// Writes one run's records as rows of a SQLite table, through ONE prepared INSERT (or upsert) whose parameters are
/// rebound per row. Rows go in batches of <c>batch_size</c>, each in its own transaction: a row the database refuses
/// rolls back its batch (the rows written since the last commit, itself included), which is reported as a
/// <see cref="DeliveryException"/> carrying exactly those records; later records start a new batch. Disposing without
/// <see cref="Complete"/> rolls back the batch in progress; committed batches stay.
/// </summary>
internal sealed class SqliteTableWriter : IDestinationWriter, IDeliveryCheck
{
    private readonly DatabaseDestinationOptions _options;
    private readonly RunContext _context;
    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly List<JsonObject> _batch;
    private SqliteCommand? _insert;
    private SqliteParameter[] _parameters = [];
    private FieldPath[] _fields = [];
    private HashSet<string>? _unmappedColumns;
    private HashSet<string>? _warnedFields;
    private SqliteTransaction? _transaction;
    private long _written;
    private bool _completed;
    private bool _disposed;

    private SqliteTableWriter(DatabaseDestinationOptions options, RunContext context, string path, SqliteConnection connection)
    {
        _options = options;
        _context = context;
        _path = path;
        _connection = connection;
        _batch = new List<JsonObject>(Math.Min(options.BatchSize, 4096));
    }

    private string Where => $"the table '{_options.Table}' in '{_path}'";

    private string TheTable => $"The table '{_options.Table}' in '{_path}'";

    /// <summary>
    /// Opens (creating if missing) the database file, creates the table when it is missing and allowed and the columns
    /// are known, prepares the statement, and checks that the file can be written. Any of these failing is a
    /// MuxlyException here, before the run reads anything.
    /// </summary>
    public static SqliteTableWriter Open(DatabaseDestinationOptions options, RunContext context)
    {
        var path = options.ResolvePath(context);
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyDestinationFolderNotWritable",
                $"The folder '{folder}' of the database file does not exist. Nothing was written.", folder);
        }

        var created = !File.Exists(path) || new FileInfo(path).Length == 0;
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // the file is the user's: close it for real when the run ends
            DefaultTimeout = 30, // seconds a statement waits for another writer's lock
        }.ToString());
        var writer = new SqliteTableWriter(options, context, path, connection);
        try
        {
            writer.Guarded("open", () =>
            {
                connection.Open();
                writer.ChooseJournal(created);
                writer.PrepareForTable();
                connection.BeginTransaction().Rollback(); // takes the write lock once: a read-only file fails here
            });
            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    public void Write(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The database destination was already completed.");
        }

        if (_insert is null)
        {
            Guarded("create", () => DefineFromRecord(record));
        }

        if (_unmappedColumns is not null)
        {
            WarnAboutFieldsWithoutColumn(record);
        }

        try
        {
            for (var i = 0; i < _fields.Length; i++)
            {
                _parameters[i].Value = _fields[i].TryGet(record, out var value) ? SqliteValues.From(value) : DBNull.Value;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Text that cannot be read (half a surrogate pair, from an escape such as "\ud800" in the input): this record
            // fails alone, before any of it is written.
            throw new DeliveryException($"The record cannot be stored: {ex.Message}", [record], ex);
        }

        _batch.Add(record);
        try
        {
            if (_transaction is null)
            {
                _transaction = _connection.BeginTransaction();
                _insert!.Transaction = _transaction;
            }

            _insert!.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            throw FailBatch($"refused a row (record {_batch.Count} of the batch): {ex.Message}", ex);
        }

        if (_batch.Count >= _options.BatchSize)
        {
            Commit();
        }
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        _completed = true;
        Commit();
        _context.Log($"Wrote {_written} row(s) to {Where}.");
    }

    /// <summary>Test-MuxlyDestination: everything short of storing a row, since a test row would stay in someone's table.</summary>
    public string CheckDelivery() => _insert is null
        ? $"The database '{_path}' can be written; the table '{_options.Table}' will be created from the first record's fields."
        : $"{TheTable} takes rows in the columns {string.Join(", ", _parameters.Select(p => p.SourceColumn))} (checked without writing a row).";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _transaction?.Rollback();
        }
        catch (SqliteException ex)
        {
            _context.Warn($"Rolling back the unfinished batch in {Where} failed: {ex.Message}");
        }

        _transaction?.Dispose();
        _insert?.Dispose();
        _connection.Dispose();
    }

    private void Commit()
    {
        if (_transaction is null)
        {
            return;
        }

        try
        {
            _transaction.Commit();
        }
        catch (SqliteException ex)
        {
            throw FailBatch($"could not commit a batch: {ex.Message}", ex);
        }

        _transaction.Dispose();
        _transaction = null;
        _written += _batch.Count;
        _batch.Clear();
    }

    private DeliveryException FailBatch(string what, SqliteException ex)
    {
        var failed = _batch.ToArray();
        _batch.Clear();
        try
        {
            _transaction?.Rollback();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled the transaction back itself (a full disk, for example).
        }

        _transaction?.Dispose();
        _transaction = null;
        return new DeliveryException($"{TheTable} {what} The batch of {failed.Length} record(s) was rolled back.", failed, ex);
    }

    /// <summary>
    /// A database file the destination creates is put in WAL mode, as Muxly's own is; the journal mode of an existing
    /// file is its owner's choice and is left alone. In WAL mode this connection commits with synchronous=NORMAL: a
    /// commit costs no flush to disk (the checkpoint flushes), the file cannot be corrupted by a crash, and a power cut
    /// can lose only the last committed batches. Batches in rollback-journal mode pay a full flush per commit.
    /// </summary>
    private void ChooseJournal(bool created)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = created ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode";
        if (string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            command.CommandText = "PRAGMA synchronous = NORMAL";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Settles the columns from the mapping or the existing table; without either, the first record settles them.</summary>
    private void PrepareForTable()
    {
        var existing = TableColumns();
        if (existing.Count == 0 && !_options.CreateTable)
        {
            throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyDestinationTableMissing",
                $"The table '{_options.Table}' does not exist in '{_path}' and create_table is false. Create it, or set create_table to true.", _options.Table);
        }

        if (_options.Columns is { } mapping)
        {
            if (existing.Count == 0)
            {
                CreateTable(mapping.Select(c => c.Name).ToList());
            }
            else
            {
                var missing = mapping.Where(c => !existing.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).Select(c => c.Name).ToList();
                if (missing.Count > 0)
                {
                    throw Mismatch($"The table has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} (its columns: {string.Join(", ", existing)}).");
                }
            }

            Prepare(mapping);
        }
        else if (existing.Count > 0)
        {
            Prepare(existing.Select(name => new DatabaseColumn(name, TopLevelField(name))).ToList());
            _unmappedColumns = new HashSet<string>(existing, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>No mapping and no table: the first record's top-level fields are the columns, and the table is created from them.</summary>
    private void DefineFromRecord(JsonObject record)
    {
        var names = new List<string>(record.Count);
        foreach (var (name, _) in record)
        {
            if (!SqlIdentifier.IsPlain(name))
            {
                throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyDestinationColumnInvalid",
                    $"The table '{_options.Table}' would get its columns from the first record's fields, but {SqlIdentifier.Refusal(name)} Map the fields to columns with 'columns'.", name);
            }

            names.Add(name);
        }

        if (names.Count == 0)
        {
            throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyDestinationColumnInvalid",
                $"The table '{_options.Table}' would get its columns from the first record's fields, but the first record has none.", _options.Table);
        }

        CreateTable(names);
        Prepare(names.Select(name => new DatabaseColumn(name, FieldPath.Parse(name))).ToList());
        _unmappedColumns = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
    }

    private void WarnAboutFieldsWithoutColumn(JsonObject record)
    {
        foreach (var (name, _) in record)
        {
            if (!_unmappedColumns!.Contains(name) && (_warnedFields ??= new HashSet<string>(StringComparer.Ordinal)).Add(name))
            {
                _context.Warn($"Records have a field '{name}' that {Where} has no column for: it is not stored. Map the fields with 'columns' to choose.");
            }
        }
    }

    private List<string> TableColumns()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table)";
        command.Parameters.AddWithValue("$table", _options.Table);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Columns without a declared type keep each value's own storage class; the upsert key is the primary key.</summary>
    private void CreateTable(IReadOnlyList<string> columns)
    {
        CheckUpsertKey(columns);
        var definitions = columns.Select(c => SqlIdentifier.Quote(c) + (IsKey(c) ? " NOT NULL" : ""));
        var key = _options.UpsertKey.Count > 0 ? $", PRIMARY KEY ({string.Join(", ", _options.UpsertKey.Select(SqlIdentifier.Quote))})" : "";
        using var command = _connection.CreateCommand();
        command.CommandText = $"CREATE TABLE IF NOT EXISTS {SqlIdentifier.Quote(_options.Table)} ({string.Join(", ", definitions)}{key})";
        command.ExecuteNonQuery();
        _context.Log($"Created {Where} with the columns {string.Join(", ", columns)}.");
    }

    private void Prepare(IReadOnlyList<DatabaseColumn> columns)
    {
        CheckUpsertKey(columns.Select(c => c.Name).ToList());
        var names = string.Join(", ", columns.Select(c => SqlIdentifier.Quote(c.Name)));
        var values = string.Join(", ", columns.Select((_, i) => "$p" + i));
        var sql = $"INSERT INTO {SqlIdentifier.Quote(_options.Table)} ({names}) VALUES ({values})";
        if (_options.UpsertKey.Count > 0)
        {
            var updates = columns.Where(c => !IsKey(c.Name)).Select(c => $"{SqlIdentifier.Quote(c.Name)} = excluded.{SqlIdentifier.Quote(c.Name)}").ToList();
            sql += $" ON CONFLICT ({string.Join(", ", _options.UpsertKey.Select(SqlIdentifier.Quote))}) DO "
                + (updates.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", updates));
        }

        var command = _connection.CreateCommand();
        command.CommandText = sql;
        _parameters = columns.Select((c, i) => command.Parameters.Add(new SqliteParameter("$p" + i, DBNull.Value) { SourceColumn = c.Name })).ToArray();
        _fields = columns.Select(c => c.Field).ToArray();
        try
        {
            command.Prepare();
        }
        catch (SqliteException ex) when (_options.UpsertKey.Count > 0 && ex.Message.Contains("ON CONFLICT", StringComparison.OrdinalIgnoreCase))
        {
            command.Dispose();
            throw Mismatch($"An upsert on ({string.Join(", ", _options.UpsertKey)}) needs a PRIMARY KEY or UNIQUE index on exactly those columns, and the table has none. Add one (CREATE UNIQUE INDEX ...).");
        }

        _insert = command;
    }

    private void CheckUpsertKey(IReadOnlyList<string> columns)
    {
        foreach (var key in _options.UpsertKey)
        {
            if (!columns.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw Mismatch($"The upsert key column '{key}' is not among the columns ({string.Join(", ", columns)}).");
            }
        }
    }

    private bool IsKey(string column) => _options.UpsertKey.Contains(column, StringComparer.OrdinalIgnoreCase);

    /// <summary>A column read from the table names a top-level field as it is, dots and all.</summary>
    private static FieldPath TopLevelField(string column) =>
        SqlIdentifier.IsPlain(column) ? FieldPath.Parse(column) : FieldPath.Parse("$['" + column.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']");

    private MuxlyException Mismatch(string why) =>
        new(MuxlyErrorKind.OperationFailed, "MuxlyDestinationTableMismatch", $"{TheTable} does not fit the destination: {why} Nothing was written.", _options.Table);

    private void Guarded(string step, Action action)
    {
        try
        {
            action();
        }
        catch (SqliteException ex)
        {
            throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyDestinationDatabaseUnavailable",
                $"Could not {step} {Where}: {ex.Message} Nothing was written.", _path, ex);
        }
    }
}
