using Microsoft.Data.Sqlite;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using static Muxly.Tests.TestSupport.SqliteInspection;

namespace Muxly.Tests.Storage;

/// <summary>What a freshly opened database looks like: the seed schema, enforced foreign keys, WAL.</summary>
public sealed class MuxlyDatabaseSchemaTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public static TheoryData<string> SeedTables => new(SeedSchema.Tables.Keys);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_CreatesEveryOneOfTheNineSeedTables()
    {
        var database = _temp.Open();

        var tables = database.Read(TableNames);

        Assert.Equal(9, SeedSchema.Tables.Count);
        Assert.All(SeedSchema.Tables.Keys, table => Assert.Contains(table, tables));
    }

    [Theory]
    [MemberData(nameof(SeedTables))]
    public void SeedMigration_CreatesTableWithExactlyTheSeedColumns(string table)
    {
        var database = _temp.Open([Migration.Embedded[0]]);

        var columns = database.Read(connection => Columns(connection, table));

        Assert.Equal(SeedSchema.Tables[table], columns);
    }

    [Theory]
    [MemberData(nameof(SeedTables))]
    public void Open_KeepsSeedColumnsUnchangedAndAddsOnlyColumnsOlderInsertsCanOmit(string table)
    {
        var database = _temp.Open();

        var columns = database.Read(connection => Columns(connection, table));

        var seed = SeedSchema.Tables[table];
        Assert.Equal(seed, columns.Take(seed.Count));
        Assert.All(columns.Skip(seed.Count), added => Assert.True(!added.NotNull || added.Default is not null,
            $"{table}.{added.Name} was added NOT NULL without a default"));
    }

    [Theory]
    [MemberData(nameof(SeedTables))]
    public void Open_KeepsTheSeedForeignKeysWithOnDeleteCascade(string table)
    {
        var database = _temp.Open();

        var keys = database.Read(connection => ForeignKeys(connection, table));

        Assert.Equal(SeedSchema.ForeignKeys[table], keys);
    }

    [Fact]
    public void Open_PutsTheFileInWalModeForEveryClient()
    {
        _temp.Open();

        // Asked through a plain connection: WAL is a property of the file, not of the engine's connections.
        using var connection = _temp.ConnectRaw();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
    }

    [Fact]
    public void EveryEngineConnection_HasForeignKeysOn()
    {
        var database = _temp.Open();

        Assert.Equal(1L, database.Read(connection => Scalar(connection, "PRAGMA foreign_keys")));
        Assert.Equal(1L, database.Write((connection, _) => Scalar(connection, "PRAGMA foreign_keys")));
    }

    [Fact]
    public void InsertingRouteForMissingConnector_FailsBecauseForeignKeysAreEnforced()
    {
        var database = _temp.Open();

        var error = MuxlyAssert.Fails("MuxlyDatabaseError", () => database.Write((connection, transaction) =>
        {
            InsertRoute(connection, transaction, "r1", "route-1", connectorId: "no-such-connector");
        }));

        Assert.Equal(19, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(0L, database.Read(connection => Count(connection, "routes")));
    }

    [Fact]
    public void DeletingConnector_DeletesItsRoutesJobsAndWhatHangsOffTheJobs()
    {
        var store = _temp.OpenStore();
        var doomed = store.Connectors.Create(new ConnectorDefinition("doomed", "database", new(), new()), force: false).Item;
        var kept = store.Connectors.Create(new ConnectorDefinition("kept", "database", new(), new()), force: false).Item;
        store.Database.Write((connection, transaction) =>
        {
            InsertRoute(connection, transaction, "r1", "doomed-route", doomed.Id);
            InsertRoute(connection, transaction, "r2", "kept-route", kept.Id);
            InsertJobWithExecutionAndWebhook(connection, transaction, "j1", doomed.Id);
            InsertJobWithExecutionAndWebhook(connection, transaction, "j2", kept.Id);
        });

        store.Connectors.Delete(doomed.Id);

        store.Database.Read(connection =>
        {
            Assert.Equal("r2", Scalar(connection, "SELECT group_concat(id) FROM routes"));
            Assert.Equal("j2", Scalar(connection, "SELECT group_concat(id) FROM scheduler_jobs"));
            Assert.Equal("j2-run", Scalar(connection, "SELECT group_concat(id) FROM job_executions"));
            Assert.Equal("j2-hook", Scalar(connection, "SELECT group_concat(id) FROM webhook_triggers"));
            return 0;
        });
    }

    private static void InsertRoute(SqliteConnection connection, SqliteTransaction transaction, string id, string name, string connectorId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO routes (id, name, connector_id) VALUES ($id, $name, $connector)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$connector", connectorId);
        command.ExecuteNonQuery();
    }

    private static void InsertJobWithExecutionAndWebhook(SqliteConnection connection, SqliteTransaction transaction, string jobId, string connectorId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO scheduler_jobs (id, name, job_type, connector_id, action_type, action_params)
                VALUES ($job, $job, 'manual', $connector, 'fetch', '{}');
            INSERT INTO job_executions (id, job_id, start_time, status) VALUES ($job || '-run', $job, CURRENT_TIMESTAMP, 'succeeded');
            INSERT INTO webhook_triggers (id, job_id, endpoint_path) VALUES ($job || '-hook', $job, '/hooks/' || $job);
            """;
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$connector", connectorId);
        command.ExecuteNonQuery();
    }
}
