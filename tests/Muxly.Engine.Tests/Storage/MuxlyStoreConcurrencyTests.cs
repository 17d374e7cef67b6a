using System.Text.Json.Nodes;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using static Muxly.Tests.TestSupport.SqliteInspection;

namespace Muxly.Tests.Storage;

/// <summary>Several writers on one file (an interactive shell, the scheduler, scheduled tasks) lose nothing.</summary>
public sealed class MuxlyStoreConcurrencyTests : IDisposable
{
    private const int Writers = 8;
    private const int WritesEach = 50;

    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ParallelWritersThroughSeparateStores_AllLand()
    {
        _temp.Open();

        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(() =>
        {
            // Each writer is its own MuxlyStore, as separate processes would be.
            var store = MuxlyStore.Open(_temp.FilePath);
            for (var i = 0; i < WritesEach; i++)
            {
                store.Connectors.Create(new ConnectorDefinition($"w{writer}-c{i}", "database", new JsonObject { ["n"] = i }, new JsonObject()), force: false);
                store.Settings.Set($"custom.w{writer}.k{i}", i);
            }
        }));

        await Task.WhenAll(writers);

        var check = MuxlyStore.Open(_temp.FilePath);
        Assert.Equal(Writers * WritesEach, check.Connectors.List().Count);
        Assert.Equal(Writers * WritesEach, check.Database.Read(connection => Count(connection, "settings")));
        Assert.Equal("49", check.Settings.Find("custom.w7.k49")?.Value);
    }

    [Fact]
    public async Task BackupTo_WhileAnotherThreadWrites_GivesAConsistentCopy()
    {
        var store = _temp.OpenStore();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var inserted = 0;
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                store.Connectors.Create(new ConnectorDefinition($"c{inserted}", "database", new JsonObject(), new JsonObject()), force: false);
                Interlocked.Increment(ref inserted);
            }
        });
        while (Volatile.Read(ref inserted) < 20 && !writer.IsCompleted)
        {
            await Task.Delay(5);
        }

        var countBefore = Volatile.Read(ref inserted);
        var backupPath = _temp.PathFor("backup.db");
        store.Database.BackupTo(backupPath);
        await stop.CancelAsync();
        await writer;

        using var backup = _temp.ConnectRaw(backupPath);
        Assert.Equal("ok", Scalar(backup, "PRAGMA integrity_check"));
        var countInBackup = Count(backup, "connectors");
        Assert.InRange(countInBackup, countBefore, inserted);
        Assert.Equal(countInBackup, Scalar(backup, "SELECT count(DISTINCT name) FROM connectors"));
        Assert.Empty(MuxlyDatabase.OpenExisting(backupPath).GetMigrationStatus().Pending);
    }

    [Fact]
    public void BackupTo_CopiesEverythingAndTheCopyOpensAsAMuxlyDatabase()
    {
        var store = _temp.OpenStore();
        store.Connectors.Create(new ConnectorDefinition("orders", "database", new JsonObject(), new JsonObject { ["token"] = "t" }), force: false);
        store.Settings.Set("retry.base_delay_seconds", 9);
        var backupPath = _temp.PathFor("copy.db");

        store.Database.BackupTo(backupPath);

        var copy = MuxlyStore.Open(backupPath);
        Assert.Equal("orders", Assert.Single(copy.Connectors.List()).Name);
        Assert.Equal(9, copy.Settings.GetValue<int>("retry.base_delay_seconds"));
    }
}
