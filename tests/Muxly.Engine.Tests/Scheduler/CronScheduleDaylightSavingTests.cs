using Muxly.Scheduler;
using static Muxly.Tests.Scheduler.ScheduleAssert;

namespace Muxly.Tests.Scheduler;

/// <summary>
/// Daylight-saving transitions. Every expected instant is worked out by hand from the zone's rules:
/// <list type="bullet">
/// <item><description>Europe/Berlin: CET +01:00, CEST +02:00. Spring forward on the last Sunday of March at 01:00Z
/// (02:00 CET becomes 03:00 CEST, so 02:00-02:59 does not exist): 2025-03-30 and 2026-03-29. Fall back on the last
/// Sunday of October at 01:00Z (03:00 CEST becomes 02:00 CET, so 02:00-02:59 happens twice): 2025-10-26 and
/// 2026-10-25.</description></item>
/// <item><description>America/New_York: EST -05:00, EDT -04:00. 2025-03-09 at 07:00Z (02:00 EST becomes 03:00 EDT;
/// 02:00-02:59 missing); 2025-11-02 at 06:00Z (02:00 EDT becomes 01:00 EST; 01:00-01:59 twice).</description></item>
/// <item><description>Australia/Lord_Howe: +10:30 standard, +11:00 summer, a 30-minute shift. 2025-04-06 at
/// 2025-04-05T15:00Z (02:00 +11:00 becomes 01:30 +10:30; 01:30-01:59 twice); 2025-10-05 at 2025-10-04T15:30Z
/// (02:00 +10:30 becomes 02:30 +11:00; 02:00-02:29 missing).</description></item>
/// </list>
/// </summary>
public sealed class CronScheduleDaylightSavingTests
{
    // A daily 02:30 job runs exactly once on each transition day.
    // Spring: 02:30 does not exist, so it runs at the first instant after the gap, 03:00 CEST = 01:00Z; the days
    // around are 02:30 CET = 01:30Z and 02:30 CEST = 00:30Z.
    // Fall: 02:30 happens twice; it runs at the first, 02:30 CEST = 00:30Z, and not again at 02:30 CET = 01:30Z.
    [Theory]
    [InlineData("2025-03-29T00:00:00Z", "2025-03-29T01:30:00Z 2025-03-30T01:00:00Z 2025-03-31T00:30:00Z")]
    [InlineData("2025-10-25T00:00:00Z", "2025-10-25T00:30:00Z 2025-10-26T00:30:00Z 2025-10-27T01:30:00Z")]
    [InlineData("2026-03-28T00:00:00Z", "2026-03-28T01:30:00Z 2026-03-29T01:00:00Z 2026-03-30T00:30:00Z")]
    [InlineData("2026-10-24T00:00:00Z", "2026-10-24T00:30:00Z 2026-10-25T00:30:00Z 2026-10-26T01:30:00Z")]
    public void Daily_0230_in_Berlin_runs_once_on_transition_days(string after, string expected) =>
        Occurrences("30 2 * * *", "Europe/Berlin", after, expected);

    [Fact]
    public void The_shifted_spring_run_carries_the_summer_offset()
    {
        var run = CronSchedule.Parse("30 2 * * *", "Europe/Berlin").GetNextOccurrence(Utc("2025-03-29T12:00:00Z"))!.Value;

        Assert.Equal(new DateTimeOffset(2025, 3, 30, 3, 0, 0, TimeSpan.FromHours(2)), run);
        Assert.Equal(TimeSpan.FromHours(2), run.Offset);
    }

    // A weekly Sunday 02:00 job is never skipped.
    // Spring Sunday: 02:00 does not exist, so 03:00 CEST = 01:00Z; the next Sunday 02:00 CEST = 00:00Z.
    // Fall Sunday: 02:00 happens twice; it runs at 02:00 CEST = 00:00Z; the next Sunday 02:00 CET = 01:00Z.
    [Theory]
    [InlineData("2025-03-23T12:00:00Z", "2025-03-30T01:00:00Z 2025-04-06T00:00:00Z")]
    [InlineData("2025-10-20T00:00:00Z", "2025-10-26T00:00:00Z 2025-11-02T01:00:00Z")]
    [InlineData("2026-03-22T12:00:00Z", "2026-03-29T01:00:00Z 2026-04-05T00:00:00Z")]
    [InlineData("2026-10-19T00:00:00Z", "2026-10-25T00:00:00Z 2026-11-01T01:00:00Z")]
    public void Weekly_Sunday_0200_in_Berlin_is_not_skipped(string after, string expected) =>
        Occurrences("0 2 * * 0", "Europe/Berlin", after, expected);

    // Hourly across spring forward, from 00:30 CET: 01:00 CET = 00:00Z; 02:00 does not exist, so the first instant
    // after the gap, 01:00Z (03:00 CEST), which is also the 03:00 run; then 04:00 CEST = 02:00Z, 05:00 CEST = 03:00Z.
    // Across fall back, from 00:30 CEST: 01:00 CEST = 23:00Z; 02:00 CEST = 00:00Z; an hour has passed when 02:00 CET
    // (01:00Z) comes round, and an hourly job runs every hour of elapsed time, so it runs again; 03:00 CET = 02:00Z.
    // Either way: one run per real hour, none skipped, none doubled.
    [Theory]
    [InlineData("2025-03-29T23:30:00Z", "2025-03-30T00:00:00Z 2025-03-30T01:00:00Z 2025-03-30T02:00:00Z 2025-03-30T03:00:00Z")]
    [InlineData("2025-10-25T22:30:00Z", "2025-10-25T23:00:00Z 2025-10-26T00:00:00Z 2025-10-26T01:00:00Z 2025-10-26T02:00:00Z 2025-10-26T03:00:00Z")]
    [InlineData("2026-03-28T23:30:00Z", "2026-03-29T00:00:00Z 2026-03-29T01:00:00Z 2026-03-29T02:00:00Z")]
    [InlineData("2026-10-24T22:30:00Z", "2026-10-24T23:00:00Z 2026-10-25T00:00:00Z 2026-10-25T01:00:00Z 2026-10-25T02:00:00Z")]
    public void Hourly_in_Berlin_runs_every_real_hour_across_transitions(string after, string expected) =>
        Occurrences("0 * * * *", "Europe/Berlin", after, expected);

    // Every 15 minutes across spring forward, from 01:30 CET (00:30Z): 01:45 CET = 00:45Z; 02:00, 02:15, 02:30,
    // 02:45 do not exist and collapse into one run at 03:00 CEST = 01:00Z; then 03:15 CEST = 01:15Z and so on.
    // Across fall back, from 02:30 CEST (00:30Z): 02:45 CEST = 00:45Z; the clock goes back and the repeated quarter
    // hours run again in CET: 02:00 CET = 01:00Z ... 02:45 CET = 01:45Z; then 03:00 CET = 02:00Z.
    [Theory]
    [InlineData("2025-03-30T00:30:00Z", "2025-03-30T00:45:00Z 2025-03-30T01:00:00Z 2025-03-30T01:15:00Z 2025-03-30T01:30:00Z 2025-03-30T01:45:00Z")]
    [InlineData("2025-10-26T00:30:00Z", "2025-10-26T00:45:00Z 2025-10-26T01:00:00Z 2025-10-26T01:15:00Z 2025-10-26T01:30:00Z 2025-10-26T01:45:00Z 2025-10-26T02:00:00Z")]
    [InlineData("2026-03-29T00:30:00Z", "2026-03-29T00:45:00Z 2026-03-29T01:00:00Z 2026-03-29T01:15:00Z")]
    [InlineData("2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z 2026-10-25T01:00:00Z 2026-10-25T01:15:00Z")]
    public void Every_15_minutes_in_Berlin_across_transitions(string after, string expected) =>
        Occurrences("*/15 * * * *", "Europe/Berlin", after, expected);

    // A job at minute 30 of every hour: in spring 02:30 does not exist and runs at 03:00 CEST (01:00Z), then 03:30
    // CEST (01:30Z) as usual. In fall it runs at 02:30 CEST (00:30Z) and, being hourly, at 02:30 CET (01:30Z).
    [Theory]
    [InlineData("2025-03-29T23:45:00Z", "2025-03-30T00:30:00Z 2025-03-30T01:00:00Z 2025-03-30T01:30:00Z 2025-03-30T02:30:00Z")]
    [InlineData("2025-10-25T23:45:00Z", "2025-10-26T00:30:00Z 2025-10-26T01:30:00Z 2025-10-26T02:30:00Z")]
    public void Minute_30_of_every_hour_in_Berlin_across_transitions(string after, string expected) =>
        Occurrences("30 * * * *", "Europe/Berlin", after, expected);

    // Every minute: the missing hour simply is not there (no 60 copies of the transition instant); the repeated hour
    // runs minute by minute in both passes. Consecutive runs are one real minute apart throughout.
    [Theory]
    [InlineData("2025-03-30T00:58:00Z", "2025-03-30T00:59:00Z 2025-03-30T01:00:00Z 2025-03-30T01:01:00Z")]
    [InlineData("2025-10-26T00:58:00Z", "2025-10-26T00:59:00Z 2025-10-26T01:00:00Z 2025-10-26T01:01:00Z")]
    public void Every_minute_in_Berlin_across_transitions(string after, string expected) =>
        Occurrences("* * * * *", "Europe/Berlin", after, expected);

    // Seconds field: 02:00:00 CET does not exist, so 01:00:00Z; then 03:00:30 CEST = 01:00:30Z.
    // Fixed-time with seconds in fall: 02:30:15 runs once, at CEST = 00:30:15Z; the next day's run is CET = 01:30:15Z.
    [Theory]
    [InlineData("*/30 * * * * *", "2025-03-30T00:59:30Z", "2025-03-30T01:00:00Z 2025-03-30T01:00:30Z")]
    [InlineData("15 30 2 * * *", "2025-10-26T00:00:00Z", "2025-10-26T00:30:15Z 2025-10-27T01:30:15Z")]
    [InlineData("0 30 2 * * *", "2025-03-29T12:00:00Z", "2025-03-30T01:00:00Z 2025-03-31T00:30:00Z")]
    public void Seconds_schedules_in_Berlin_across_transitions(string expression, string after, string expected) =>
        Occurrences(expression, "Europe/Berlin", after, expected);

    // New York. Spring 2025-03-09: 02:30 does not exist, runs at 03:00 EDT = 07:00Z; next day 02:30 EDT = 06:30Z.
    // Fall 2025-11-02: 01:30 happens twice, a daily 01:30 runs at the first, 01:30 EDT = 05:30Z; next day 01:30 EST
    // = 06:30Z. 02:00 on the fall Sunday is not repeated: 02:00 EST = 07:00Z. On the spring Sunday 02:00 does not
    // exist: 03:00 EDT = 07:00Z.
    // Hourly in fall from 23:30 EDT: 00:00 EDT = 04:00Z, 01:00 EDT = 05:00Z, 01:00 EST = 06:00Z, 02:00 EST = 07:00Z.
    // Hourly in spring from 00:30 EST: 01:00 EST = 06:00Z, 02:00 missing -> 03:00 EDT = 07:00Z, 04:00 EDT = 08:00Z.
    [Theory]
    [InlineData("30 2 * * *", "2025-03-08T12:00:00Z", "2025-03-09T07:00:00Z 2025-03-10T06:30:00Z")]
    [InlineData("30 1 * * *", "2025-11-01T12:00:00Z", "2025-11-02T05:30:00Z 2025-11-03T06:30:00Z")]
    [InlineData("0 2 * * 0", "2025-10-27T00:00:00Z", "2025-11-02T07:00:00Z 2025-11-09T07:00:00Z")]
    [InlineData("0 2 * * 0", "2025-03-03T00:00:00Z", "2025-03-09T07:00:00Z 2025-03-16T06:00:00Z")]
    [InlineData("0 * * * *", "2025-11-02T03:30:00Z", "2025-11-02T04:00:00Z 2025-11-02T05:00:00Z 2025-11-02T06:00:00Z 2025-11-02T07:00:00Z")]
    [InlineData("0 * * * *", "2025-03-09T05:30:00Z", "2025-03-09T06:00:00Z 2025-03-09T07:00:00Z 2025-03-09T08:00:00Z")]
    [InlineData("*/15 * * * *", "2025-11-02T05:40:00Z", "2025-11-02T05:45:00Z 2025-11-02T06:00:00Z 2025-11-02T06:15:00Z")]
    public void New_York_transitions(string expression, string after, string expected) =>
        Occurrences(expression, "America/New_York", after, expected);

    // Lord Howe shifts by 30 minutes. Local dates below are Lord Howe's; UTC is ten and a half or eleven hours behind.
    // April: on the 6th, 01:30-01:59 happens twice (+11:00, then +10:30). A daily 01:45 runs once, at 01:45 +11:00 =
    // 04-05T14:45Z; on the 7th at 01:45 +10:30 = 04-06T15:15Z. Every 30 minutes from 00:45 +11:00: 01:00 +11:00 =
    // 14:00Z, 01:30 +11:00 = 14:30Z, 01:30 +10:30 = 15:00Z (repeated, interval schedule), 02:00 +10:30 = 15:30Z.
    // Hourly: 01:00 +11:00 = 14:00Z, then 02:00 +10:30 = 15:30Z (the repeated half hour has no :00 minute).
    // October: on the 5th, 02:00-02:29 does not exist. A daily 02:15 runs on the 4th at 02:15 +10:30 = 10-03T15:45Z,
    // on the 5th at the end of the gap, 02:30 +11:00 = 10-04T15:30Z, on the 6th at 02:15 +11:00 = 10-05T15:15Z.
    [Theory]
    [InlineData("45 1 * * *", "2025-04-05T00:00:00Z", "2025-04-05T14:45:00Z 2025-04-06T15:15:00Z")]
    [InlineData("*/30 * * * *", "2025-04-05T13:45:00Z", "2025-04-05T14:00:00Z 2025-04-05T14:30:00Z 2025-04-05T15:00:00Z 2025-04-05T15:30:00Z")]
    [InlineData("0 * * * *", "2025-04-05T13:45:00Z", "2025-04-05T14:00:00Z 2025-04-05T15:30:00Z")]
    [InlineData("15 2 * * *", "2025-10-03T00:00:00Z", "2025-10-03T15:45:00Z 2025-10-04T15:30:00Z 2025-10-05T15:15:00Z")]
    public void Lord_Howe_half_hour_transitions(string expression, string after, string expected) =>
        Occurrences(expression, "Australia/Lord_Howe", after, expected);

    // Starting the search inside the repeated hour, in either pass. Berlin 2025-10-26:
    // from 02:10 CEST (00:10Z): a daily 02:30 still runs at 02:30 CEST = 00:30Z.
    // from 02:10 CET (01:10Z): a daily 02:30 already ran in the first pass, so the next is 02:30 CET tomorrow = 01:30Z;
    // an hourly-at-:30 job runs at 02:30 CET = 01:30Z.
    // from 02:50 CEST (00:50Z): an hourly-at-:30 job's next run is 02:30 CET = 01:30Z.
    [Theory]
    [InlineData("30 2 * * *", "2025-10-26T00:10:00Z", "2025-10-26T00:30:00Z")]
    [InlineData("30 2 * * *", "2025-10-26T01:10:00Z", "2025-10-27T01:30:00Z")]
    [InlineData("30 * * * *", "2025-10-26T01:10:00Z", "2025-10-26T01:30:00Z")]
    [InlineData("30 * * * *", "2025-10-26T00:50:00Z", "2025-10-26T01:30:00Z")]
    public void Searching_from_inside_the_repeated_hour(string expression, string after, string expected) =>
        Occurrences(expression, "Europe/Berlin", after, expected);

    [Theory]
    [InlineData("30 2 * * *", "Europe/Berlin", "W. Europe Standard Time")]
    [InlineData("*/15 * * * *", "Europe/Berlin", "W. Europe Standard Time")]
    [InlineData("0 2 * * 0", "America/New_York", "Eastern Standard Time")]
    [InlineData("0 * * * *", "America/New_York", "Eastern Standard Time")]
    public void A_windows_id_gives_the_same_occurrences_as_its_iana_id(string expression, string ianaId, string windowsId)
    {
        var iana = CronSchedule.Parse(expression, ianaId);
        var windows = CronSchedule.Parse(expression, windowsId);
        var after = Utc("2025-03-01T00:00:00Z");

        var fromIana = iana.GetOccurrences(after, Utc("2025-11-30T00:00:00Z")).ToList();
        var fromWindows = windows.GetOccurrences(after, Utc("2025-11-30T00:00:00Z")).ToList();

        Assert.NotEmpty(fromIana);
        Assert.Equal(fromIana, fromWindows);
        Assert.Equal(fromIana.Select(o => o.Offset), fromWindows.Select(o => o.Offset));
    }

    // Berlin's hourly runs map to every UTC hour (see above), so a year of them is 8760 runs, each one real hour after
    // the last: 2025-01-01T01:00Z through 2026-01-01T00:00Z.
    [Fact]
    public void A_year_of_hourly_runs_in_Berlin_is_strictly_increasing_without_gaps_or_duplicates()
    {
        var schedule = CronSchedule.Parse("@hourly", "Europe/Berlin");

        var runs = schedule.GetOccurrences(Utc("2025-01-01T00:00:00Z"), Utc("2026-01-01T00:00:00Z")).ToList();

        Assert.Equal(8760, runs.Count);
        Assert.Equal("2025-01-01T01:00:00Z", Format(runs[0]));
        Assert.Equal("2026-01-01T00:00:00Z", Format(runs[^1]));
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.Equal(TimeSpan.FromHours(1), runs[i] - runs[i - 1]);
        }
    }

    // Spacing is not always even (Lord Howe's hourly runs are 90 minutes apart across the April change and 30 minutes
    // apart across the October one: 02:00 is missing and runs at 02:30, then 03:00 follows), but runs only move forward.
    [Theory]
    [InlineData("0 * * * *", "Australia/Lord_Howe")]
    [InlineData("*/7 * * * *", "America/New_York")]
    [InlineData("30 2 * * *", "Europe/Berlin")]
    [InlineData("0 1-3 * * *", "Europe/Berlin")]
    public void A_year_of_runs_is_strictly_increasing(string expression, string zone)
    {
        var schedule = CronSchedule.Parse(expression, zone);

        var runs = schedule.GetOccurrences(Utc("2025-01-01T00:00:00Z"), Utc("2026-01-01T00:00:00Z")).ToList();

        Assert.NotEmpty(runs);
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.True(runs[i] > runs[i - 1], $"{Format(runs[i])} does not follow {Format(runs[i - 1])}");
        }
    }

    // A fixed daily time runs exactly once per local calendar date, transition days included: 365 runs in 2025.
    [Theory]
    [InlineData("30 2 * * *", "Europe/Berlin")]
    [InlineData("30 1 * * *", "America/New_York")]
    [InlineData("15 2 * * *", "Australia/Lord_Howe")]
    public void A_fixed_daily_time_runs_once_every_local_day(string expression, string zone)
    {
        var schedule = CronSchedule.Parse(expression, zone);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, schedule.TimeZone.GetUtcOffset(new DateTime(2025, 1, 1)));
        var end = new DateTimeOffset(2025, 12, 31, 23, 59, 0, schedule.TimeZone.GetUtcOffset(new DateTime(2025, 12, 31)));

        var days = schedule.GetOccurrences(start, end).Select(run => run.Date).ToList();

        Assert.Equal(365, days.Count);
        Assert.Equal(365, days.Distinct().Count());
    }
}
