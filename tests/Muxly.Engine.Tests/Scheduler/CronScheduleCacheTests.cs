using Muxly.Scheduler;

namespace Muxly.Tests.Scheduler;

public sealed class CronScheduleCacheTests
{
    [Fact]
    public void Get_ParsesEachExpressionAndZoneOnce()
    {
        var cache = new CronScheduleCache();
        var utc = TimeZoneResolver.Find("UTC");
        var berlin = TimeZoneResolver.Find("Europe/Berlin");

        var first = cache.Get("*/5 * * * *", utc);

        Assert.Same(first, cache.Get("*/5 * * * *", utc));
        Assert.NotSame(first, cache.Get("*/5 * * * *", berlin));
        Assert.Same(berlin, cache.Get("*/5 * * * *", berlin)!.TimeZone);
        Assert.Equal("*/5 * * * *", first!.Expression);
    }

    [Fact]
    public void Get_ReturnsNullForAnExpressionThatDoesNotParse()
    {
        var cache = new CronScheduleCache();

        Assert.Null(cache.Get("61 * * * *", TimeZoneInfo.Utc));
        Assert.Null(cache.Get("61 * * * *", TimeZoneInfo.Utc));
    }
}
