using System.Globalization;
using Muxly.Scheduler;

namespace Muxly.Tests.Scheduler;

/// <summary>Shared helpers: instants are written as literal UTC ISO strings so expected values read like a timetable.</summary>
internal static class ScheduleAssert
{
    public static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Asserts the next occurrences after <paramref name="afterUtc"/> are exactly <paramref name="expectedUtc"/>
    /// (space-separated), and that each carries the zone's UTC offset at that instant.
    /// </summary>
    public static void Occurrences(string expression, string? zone, string afterUtc, string expectedUtc)
    {
        var schedule = CronSchedule.Parse(expression, zone);
        var expected = expectedUtc.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var actual = schedule.GetOccurrences(Utc(afterUtc), expected.Length).ToList();

        Assert.Equal(expected, actual.Select(Format));
        foreach (var occurrence in actual)
        {
            Assert.Equal(schedule.TimeZone.GetUtcOffset(occurrence.UtcDateTime), occurrence.Offset);
        }
    }
}
