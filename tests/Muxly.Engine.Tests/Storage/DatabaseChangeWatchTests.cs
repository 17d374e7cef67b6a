using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Storage;

/// <summary>The cheap "did anyone commit?" look a running scheduler makes at every wake-up.</summary>
public sealed class DatabaseChangeWatchTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TheFirstLookCountsAsAChange_ThenOnlyCommitsDo()
    {
        var store = _temp.OpenStore();
        using var watch = store.Database.WatchChanges();

        Assert.True(watch.HasChanged());
        Assert.False(watch.HasChanged());
        store.Settings.List();
        Assert.False(watch.HasChanged());
    }

    [Fact]
    public void ACommitFromAnotherStoreOrARawConnection_IsSeen()
    {
        var store = _temp.OpenStore();
        using var watch = store.Database.WatchChanges();
        watch.HasChanged();

        _temp.OpenStore().Settings.Set("scheduler.time_zone", "UTC");
        Assert.True(watch.HasChanged());
        Assert.False(watch.HasChanged());

        using (var connection = _temp.ConnectRaw())
        {
            SqliteInspection.Execute(connection, "DELETE FROM settings WHERE key = 'scheduler.time_zone'");
        }

        Assert.True(watch.HasChanged());
    }
}
