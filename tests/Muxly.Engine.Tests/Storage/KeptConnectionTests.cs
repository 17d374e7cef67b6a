using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Storage;

/// <summary>
/// A thread's kept connection (<see cref="MuxlyDatabase.KeepConnectionOnThisThread"/>): what a scheduler's webhook
/// worker uses instead of a connection per operation. A temporary table shows which connection an operation ran on:
/// it exists only on the connection that created it.
/// </summary>
public sealed class KeptConnectionTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly MuxlyDatabase _database;

    public KeptConnectionTests()
    {
        _database = _temp.Open();
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WithoutAScope_EachOperationHasAConnectionOfItsOwn()
    {
        CreateProbe(_database);

        Assert.False(ProbeVisible(_database));
    }

    [Fact]
    public void InsideAScope_OperationsShareOneConnection_AndDisposingTheScopeClosesIt()
    {
        using (_database.KeepConnectionOnThisThread())
        {
            CreateProbe(_database);
            Assert.True(ProbeVisible(_database));
            // Writes use it too, and a commit from it is seen by others.
            _database.Write((connection, transaction) => SqliteInspection.Execute(connection, "CREATE TEMP TABLE IF NOT EXISTS probe (x)"));
            new MuxlyStore(_database).Settings.Set("scheduler.time_zone", "UTC");
        }

        Assert.False(ProbeVisible(_database));
        Assert.Equal("UTC", _temp.OpenStore().Settings.GetValue<string>("scheduler.time_zone"));
    }

    [Fact]
    public async Task AnotherObjectForTheSameFile_SharesTheKeptConnection_AnotherThreadDoesNot()
    {
        using var scope = _database.KeepConnectionOnThisThread();
        CreateProbe(_database);

        Assert.True(ProbeVisible(_temp.Open()));
        Assert.False(await Task.Factory.StartNew(() => ProbeVisible(_database), TaskCreationOptions.LongRunning));
    }

    [Fact]
    public void AnOperationInsideAnother_OpensItsOwnConnection()
    {
        using var scope = _database.KeepConnectionOnThisThread();
        CreateProbe(_database);

        // Inside a write (a transaction open on the kept connection), a read cannot share it: it gets its own.
        var inner = _database.Write((connection, transaction) => ProbeVisible(_database));

        Assert.False(inner);
        Assert.True(ProbeVisible(_database));
    }

    [Fact]
    public void AScopeInsideAScope_DoesNothing_TheOuterOneKeepsItsConnection()
    {
        using var outer = _database.KeepConnectionOnThisThread();
        CreateProbe(_database);

        using (_database.KeepConnectionOnThisThread())
        {
            Assert.True(ProbeVisible(_database));
        }

        Assert.True(ProbeVisible(_database));
    }

    [Fact]
    public void AFailedStatement_DropsTheKeptConnection_AndTheNextOperationOpensAFreshOne()
    {
        using var scope = _database.KeepConnectionOnThisThread();
        CreateProbe(_database);

        var error = Assert.Throws<MuxlyException>(() => _database.Read(connection => SqliteInspection.Scalar(connection, "SELECT * FROM no_such_table")));

        Assert.Equal("MuxlyDatabaseError", error.ErrorId);
        Assert.False(ProbeVisible(_database));
    }

    private static void CreateProbe(MuxlyDatabase database) =>
        database.Read(connection => SqliteInspection.Execute(connection, "CREATE TEMP TABLE probe (x)"));

    private static bool ProbeVisible(MuxlyDatabase database) =>
        database.Read(connection => (long)SqliteInspection.Scalar(connection, "SELECT count(*) FROM sqlite_temp_master WHERE name = 'probe'")!) == 1;
}
