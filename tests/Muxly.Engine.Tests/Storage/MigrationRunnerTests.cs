using Muxly.Storage;
using Muxly.Tests.TestSupport;
using static Muxly.Tests.TestSupport.SqliteInspection;

namespace Muxly.Tests.Storage;

/// <summary>How <see cref="MuxlyDatabase.Open"/> applies, records and guards migrations.</summary>
public sealed class MigrationRunnerTests : IDisposable
{
    // Small migration histories of our own. The second one leaves a row behind each time it runs, so running it
    // twice would show.
    private static readonly Migration CreateLog = new(1, "create_log", "CREATE TABLE log (entry TEXT NOT NULL);");
    private static readonly Migration WriteLog = new(2, "write_log", "INSERT INTO log (entry) VALUES ('two');");
    private static readonly Migration AddNotes = new(3, "add_notes", "CREATE TABLE notes (text TEXT);");

    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_AppliesEmbeddedMigrationsInOrderAndRecordsTheirChecksums()
    {
        var database = _temp.Open();

        var status = database.GetMigrationStatus();

        Assert.Equal(Migration.Embedded.Select(m => (m.Version, m.Name, m.Checksum)),
            status.Applied.Select(a => (a.Version, a.Name, a.Checksum)));
        Assert.Empty(status.Pending);
        Assert.Equal(Migration.Embedded.Count, status.SchemaVersion);
        Assert.Equal(Migration.Embedded.Count, database.LatestKnownVersion);
        Assert.Equal((long)Migration.Embedded.Count, database.Read(connection => Scalar(connection, "PRAGMA user_version")));
    }

    [Fact]
    public void OpeningTwice_AppliesNothingTheSecondTime()
    {
        _temp.Open([CreateLog, WriteLog]);

        var again = _temp.Open([CreateLog, WriteLog]);

        Assert.Empty(again.ApplyMigrations());
        Assert.Equal(1L, again.Read(connection => Count(connection, "log")));
        Assert.Equal(2L, again.Read(connection => Count(connection, "schema_migrations")));
    }

    [Fact]
    public void Open_AppliesOnlyTheMigrationsAddedSinceLastTime()
    {
        _temp.Open([CreateLog]);

        var database = MuxlyDatabase.OpenExisting(_temp.FilePath, [CreateLog, WriteLog, AddNotes]);
        Assert.Equal([2, 3], database.GetMigrationStatus().Pending.Select(m => m.Version));

        var applied = database.ApplyMigrations();

        Assert.Equal([2, 3], applied.Select(m => m.Version));
        Assert.Equal(3L, database.Read(connection => Scalar(connection, "PRAGMA user_version")));
        Assert.Equal(1L, database.Read(connection => Count(connection, "log")));
    }

    [Fact]
    public void EditedMigration_IsRefusedAndTheFileIsLeftUnchanged()
    {
        _temp.Open([CreateLog, WriteLog]);
        var before = FileFingerprint(_temp.FilePath);
        var edited = WriteLog with { Sql = "INSERT INTO log (entry) VALUES ('edited');" };

        var error = MuxlyAssert.Fails("MuxlyMigrationChecksumMismatch", () => _temp.Open([CreateLog, edited]));

        Assert.Equal(MuxlyErrorKind.DatabaseSchemaMismatch, error.Kind);
        Assert.Equal(before, FileFingerprint(_temp.FilePath));
    }

    [Fact]
    public void EditedMigration_IsRefusedBeforeAnyNewMigrationIsApplied()
    {
        _temp.Open([CreateLog]);
        var before = FileFingerprint(_temp.FilePath);
        var edited = CreateLog with { Sql = "CREATE TABLE log (entry TEXT);" };

        MuxlyAssert.Fails("MuxlyMigrationChecksumMismatch", () => _temp.Open([edited, WriteLog]));

        Assert.Equal(before, FileFingerprint(_temp.FilePath));
    }

    [Fact]
    public void ChecksumIgnoresLineEndings_SoAWindowsCheckoutMatches()
    {
        var unix = new Migration(1, "x", "CREATE TABLE a (x);\nCREATE TABLE b (y);\n");
        var windows = unix with { Sql = "CREATE TABLE a (x);\r\nCREATE TABLE b (y);\r\n" };
        var different = unix with { Sql = "CREATE TABLE a (x);\nCREATE TABLE c (y);\n" };

        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.NotEqual(unix.Checksum, different.Checksum);
        Assert.Matches("^[0-9a-f]{64}$", unix.Checksum);
    }

    [Fact]
    public void DatabaseFromANewerEngine_IsRefusedAndLeftUnchanged()
    {
        _temp.Open([CreateLog, WriteLog]);
        var before = FileFingerprint(_temp.FilePath);

        var error = MuxlyAssert.Fails("MuxlyDatabaseNewerThanModule", () => _temp.Open([CreateLog]));

        Assert.Equal(MuxlyErrorKind.DatabaseSchemaMismatch, error.Kind);
        Assert.Equal(before, FileFingerprint(_temp.FilePath));
    }

    [Fact]
    public void DatabaseFromANewerEngine_IsReportedWhenOnlyInspected()
    {
        _temp.Open([CreateLog, WriteLog]);

        var database = MuxlyDatabase.OpenExisting(_temp.FilePath, [CreateLog]);

        MuxlyAssert.Fails("MuxlyDatabaseNewerThanModule", () => database.GetMigrationStatus());
        MuxlyAssert.Fails("MuxlyDatabaseNewerThanModule", () => database.ApplyMigrations());
    }

    [Fact]
    public void MigrationWithSqlError_IsRolledBackEntirely()
    {
        _temp.Open([CreateLog]);
        var broken = new Migration(2, "broken", """
            CREATE TABLE half_done (x TEXT);
            INSERT INTO log (entry) VALUES ('half');
            INSERT INTO no_such_table VALUES (1);
            """);

        var error = MuxlyAssert.Fails("MuxlyMigrationFailed", () => _temp.Open([CreateLog, broken]));

        Assert.Contains("0002_broken", error.Message);
        using var connection = _temp.ConnectRaw();
        Assert.DoesNotContain("half_done", TableNames(connection));
        Assert.Equal(0L, Count(connection, "log"));
        Assert.Equal(1L, Count(connection, "schema_migrations"));
        Assert.Equal(1L, Scalar(connection, "PRAGMA user_version"));
    }

    [Fact]
    public void FailedMigration_CanBeRetriedOnceFixed()
    {
        var broken = new Migration(2, "fix_me", "INSERT INTO nowhere VALUES (1);");
        MuxlyAssert.Fails("MuxlyMigrationFailed", () => _temp.Open([CreateLog, broken]));

        var database = _temp.Open([CreateLog, broken with { Sql = WriteLog.Sql }]);

        Assert.Equal(2, database.GetMigrationStatus().SchemaVersion);
        Assert.Equal(1L, database.Read(connection => Count(connection, "log")));
    }

    [Fact]
    public async Task ManyThreadsOpeningOneFreshDatabase_AllSucceedAndEachMigrationRunsOnce()
    {
        var opens = Enumerable.Range(0, 8).Select(_ => Task.Run(() => _temp.Open([CreateLog, WriteLog, AddNotes])));

        await Task.WhenAll(opens);

        using var connection = _temp.ConnectRaw();
        Assert.Equal(1L, Count(connection, "log"));
        Assert.Equal("1,2,3", Scalar(connection, "SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version)"));
    }

    [Fact]
    public async Task ManyThreadsApplyingMigrations_ShareTheWorkWithoutRepeatingIt()
    {
        var databases = Enumerable.Range(0, 8).Select(_ => MuxlyDatabase.Open(_temp.FilePath, [CreateLog, WriteLog, AddNotes], migrate: false)).ToList();

        var applied = await Task.WhenAll(databases.Select(database => Task.Run(() => database.ApplyMigrations())));

        Assert.Equal([1, 2, 3], applied.SelectMany(list => list).Select(m => m.Version).Order());
    }

    [Fact]
    public async Task ManyThreadsOpeningWithEmbeddedMigrations_AllSucceed()
    {
        var opens = Enumerable.Range(0, 8).Select(_ => Task.Run(() => MuxlyDatabase.Open(_temp.FilePath)));

        var databases = await Task.WhenAll(opens);

        Assert.All(databases, database => Assert.Empty(database.GetMigrationStatus().Pending));
        Assert.Equal((long)Migration.Embedded.Count, databases[0].Read(connection => Count(connection, "schema_migrations")));
    }
}
