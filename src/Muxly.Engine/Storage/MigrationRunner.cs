using Microsoft.Data.Sqlite;

namespace Muxly.Storage;

/// <summary>An applied migration as recorded in <c>schema_migrations</c>.</summary>
public sealed record AppliedMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt);

/// <summary>Where a database stands against the migrations this engine knows.</summary>
public sealed record MigrationStatus(
    IReadOnlyList<AppliedMigration> Applied,
    IReadOnlyList<Migration> Pending,
    int SchemaVersion,
    int LatestKnownVersion);

/// <summary>
/// Applies <c>migrations/*.sql</c> in order, each in its own <c>BEGIN IMMEDIATE</c> transaction, and records each
/// with a checksum. Several processes may start at once on a fresh file: the write lock and a re-read of what is
/// applied inside it make sure every migration runs exactly once.
/// </summary>
public sealed class MigrationRunner
{
    internal const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
        );
        """;

    private readonly IReadOnlyList<Migration> _migrations;

    public MigrationRunner(IReadOnlyList<Migration> migrations)
    {
        _migrations = migrations;
    }

    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>Reads what is applied and what is pending; refuses a database it must not touch.</summary>
    public MigrationStatus GetStatus(SqliteConnection connection, string databasePath)
    {
        var applied = ReadApplied(connection);
        Validate(applied, databasePath);
        var appliedVersions = applied.Select(a => a.Version).ToHashSet();
        var pending = _migrations.Where(m => !appliedVersions.Contains(m.Version)).ToList();
        return new MigrationStatus(applied, pending, applied.Count == 0 ? 0 : applied.Max(a => a.Version), LatestVersion);
    }

    /// <summary>Applies every pending migration and returns the ones this call applied.</summary>
    public IReadOnlyList<Migration> ApplyPending(SqliteConnection connection, string databasePath)
    {
        var appliedNow = new List<Migration>();
        foreach (var migration in _migrations)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, transaction, CreateHistoryTable);
            var applied = ReadApplied(connection, transaction);
            Validate(applied, databasePath);
            if (applied.Any(a => a.Version == migration.Version))
            {
                continue;
            }

            try
            {
                Execute(connection, transaction, migration.Sql);
            }
            catch (SqliteException ex)
            {
                throw new MuxlyException(MuxlyErrorKind.DatabaseError, "MuxlyMigrationFailed",
                    $"Migration {migration.Version:D4}_{migration.Name} failed on '{databasePath}' and was rolled back: {ex.Message}",
                    databasePath, ex);
            }

            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, checksum) VALUES ($v, $n, $c)";
                record.Parameters.AddWithValue("$v", migration.Version);
                record.Parameters.AddWithValue("$n", migration.Name);
                record.Parameters.AddWithValue("$c", migration.Checksum);
                record.ExecuteNonQuery();
            }

            // user_version lets every later open check the schema with one header read.
            Execute(connection, transaction, $"PRAGMA user_version = {migration.Version}");
            transaction.Commit();
            appliedNow.Add(migration);
        }

        return appliedNow;
    }

    private void Validate(IReadOnlyList<AppliedMigration> applied, string databasePath)
    {
        foreach (var entry in applied)
        {
            if (entry.Version > LatestVersion)
            {
                throw new MuxlyException(MuxlyErrorKind.DatabaseSchemaMismatch, "MuxlyDatabaseNewerThanModule",
                    $"The database '{databasePath}' has schema version {applied.Max(a => a.Version)}, but this Muxly knows only versions up to {LatestVersion}. " +
                    "It was written by a newer Muxly; update the module. The database was not changed.", databasePath);
            }

            var known = _migrations[entry.Version - 1];
            if (!string.Equals(known.Checksum, entry.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new MuxlyException(MuxlyErrorKind.DatabaseSchemaMismatch, "MuxlyMigrationChecksumMismatch",
                    $"Migration {known.Version:D4}_{known.Name} was changed after it was applied to '{databasePath}' " +
                    $"(recorded checksum {entry.Checksum[..Math.Min(12, entry.Checksum.Length)]}…, file {known.Checksum[..12]}…). " +
                    "Applied migrations must never be edited: restore the file and add a new migration instead. The database was not changed.",
                    databasePath);
            }
        }
    }

    private static List<AppliedMigration> ReadApplied(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
        if (Convert.ToInt64(exists.ExecuteScalar()) == 0)
        {
            return [];
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version";
        using var reader = command.ExecuteReader();
        var applied = new List<AppliedMigration>();
        while (reader.Read())
        {
            applied.Add(new AppliedMigration(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), SqliteValues.ReadTimestamp(reader, 3)));
        }

        return applied;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
