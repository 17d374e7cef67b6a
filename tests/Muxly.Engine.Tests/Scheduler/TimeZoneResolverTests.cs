using Muxly.Scheduler;

namespace Muxly.Tests.Scheduler;

public sealed class TimeZoneResolverTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void No_id_means_the_machine_zone(string? id) =>
        Assert.Same(TimeZoneInfo.Local, TimeZoneResolver.Find(id));

    [Theory]
    [InlineData("Europe/Berlin", "W. Europe Standard Time")]
    [InlineData("America/New_York", "Eastern Standard Time")]
    [InlineData("Australia/Lord_Howe", "Lord Howe Standard Time")]
    [InlineData("Etc/UTC", "UTC")]
    public void Iana_and_windows_ids_find_the_same_rules(string ianaId, string windowsId)
    {
        var iana = TimeZoneResolver.Find(ianaId);
        var windows = TimeZoneResolver.Find(windowsId);

        // Compare offsets across a year in 6-hour steps rather than ids: the ids differ by design.
        for (var at = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc); at.Year == 2025; at = at.AddHours(6))
        {
            Assert.Equal(iana.GetUtcOffset(at), windows.GetUtcOffset(at));
        }
    }

    [Fact]
    public void Ids_are_trimmed() =>
        Assert.Equal(TimeSpan.FromHours(2), TimeZoneResolver.Find(" Europe/Berlin ").GetUtcOffset(new DateTime(2025, 7, 1, 0, 0, 0, DateTimeKind.Utc)));

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Not A Zone Standard Time")]
    [InlineData("../../etc/passwd")]
    public void Unknown_ids_are_rejected(string id)
    {
        var error = Assert.Throws<MuxlyException>(() => TimeZoneResolver.Find(id));

        Assert.Equal("MuxlyTimeZoneUnknown", error.ErrorId);
        Assert.Equal(id, error.Target);
        Assert.False(TimeZoneResolver.TryFind(id, out _));
    }
}
