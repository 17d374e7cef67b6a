using Muxly.Scheduler;
using static Muxly.Tests.Scheduler.ScheduleAssert;

namespace Muxly.Tests.Scheduler;

public sealed class CronScheduleTests
{
    // 2025-01-01 is a Wednesday; 2025-01-03 a Friday; 2025-01-06 a Monday.
    [Theory]
    [InlineData("* * * * *", "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z 2025-01-01T00:02:00Z")]
    [InlineData("5 4 * * *", "2025-01-01T00:00:00Z", "2025-01-01T04:05:00Z 2025-01-02T04:05:00Z")]
    [InlineData("*/20 * * * *", "2025-01-01T00:10:00Z", "2025-01-01T00:20:00Z 2025-01-01T00:40:00Z 2025-01-01T01:00:00Z")]
    [InlineData("0,30 9-10 * * *", "2025-01-01T09:00:00Z", "2025-01-01T09:30:00Z 2025-01-01T10:00:00Z 2025-01-01T10:30:00Z 2025-01-02T09:00:00Z")]
    [InlineData("0 12 * * 1-5", "2025-01-03T12:00:00Z", "2025-01-06T12:00:00Z 2025-01-07T12:00:00Z")]
    [InlineData("0 12 * * MON", "2025-01-01T00:00:00Z", "2025-01-06T12:00:00Z 2025-01-13T12:00:00Z")]
    [InlineData("0 0 1 * *", "2025-01-15T00:00:00Z", "2025-02-01T00:00:00Z 2025-03-01T00:00:00Z")]
    [InlineData("0 0 1 JAN,JUL *", "2025-01-01T00:00:00Z", "2025-07-01T00:00:00Z 2026-01-01T00:00:00Z")]
    // Next 29 February after 2025 is in 2028.
    [InlineData("0 0 29 2 *", "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z 2032-02-29T00:00:00Z")]
    // Day-of-week 7 is Sunday, as in most crons: 2025-01-05 and 2025-01-12 are Sundays; 6-7 is Saturday and Sunday.
    [InlineData("0 8 * * 7", "2025-01-01T00:00:00Z", "2025-01-05T08:00:00Z 2025-01-12T08:00:00Z")]
    [InlineData("0 8 * * 6-7", "2025-01-01T00:00:00Z", "2025-01-04T08:00:00Z 2025-01-05T08:00:00Z 2025-01-11T08:00:00Z")]
    // Extra whitespace between fields is fine.
    [InlineData("  0   12  *  *  * ", "2025-01-01T00:00:00Z", "2025-01-01T12:00:00Z")]
    public void Plain_schedules_in_utc(string expression, string after, string expected) =>
        Occurrences(expression, "UTC", after, expected);

    [Theory]
    [InlineData("*/20 * * * * *", "2025-01-01T00:00:00Z", "2025-01-01T00:00:20Z 2025-01-01T00:00:40Z 2025-01-01T00:01:00Z")]
    [InlineData("30 0 12 * * *", "2025-01-01T00:00:00Z", "2025-01-01T12:00:30Z 2025-01-02T12:00:30Z")]
    [InlineData("15,45 * * * * *", "2025-01-01T00:00:15Z", "2025-01-01T00:00:45Z 2025-01-01T00:01:15Z")]
    [InlineData("0 0 0 * * *", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z")]
    public void Six_fields_add_a_leading_seconds_field(string expression, string after, string expected)
    {
        Assert.True(CronSchedule.Parse(expression, "UTC").HasSeconds);
        Occurrences(expression, "UTC", after, expected);
    }

    [Fact]
    public void Five_fields_have_no_seconds()
    {
        Assert.False(CronSchedule.Parse("* * * * *", "UTC").HasSeconds);
    }

    // After Wednesday 2025-01-01 00:00Z: next hour 01:00, next midnight 2 January, next Sunday 5 January,
    // next 1st of a month 1 February, next 1 January 2026.
    [Theory]
    [InlineData("@hourly", "0 * * * *", "2025-01-01T01:00:00Z")]
    [InlineData("@daily", "0 0 * * *", "2025-01-02T00:00:00Z")]
    [InlineData("@midnight", "0 0 * * *", "2025-01-02T00:00:00Z")]
    [InlineData("@weekly", "0 0 * * 0", "2025-01-05T00:00:00Z")]
    [InlineData("@monthly", "0 0 1 * *", "2025-02-01T00:00:00Z")]
    [InlineData("@yearly", "0 0 1 1 *", "2026-01-01T00:00:00Z")]
    [InlineData("@annually", "0 0 1 1 *", "2026-01-01T00:00:00Z")]
    [InlineData("@DAILY", "0 0 * * *", "2025-01-02T00:00:00Z")]
    [InlineData(" @Hourly ", "0 * * * *", "2025-01-01T01:00:00Z")]
    public void Macros_expand_to_five_field_cron(string macro, string fields, string expected)
    {
        var schedule = CronSchedule.Parse(macro, "UTC");

        Assert.Equal(macro.Trim(), schedule.Expression);
        Assert.Equal(fields, schedule.Fields);
        Assert.False(schedule.HasSeconds);
        Assert.Equal(expected, Format(schedule.GetNextOccurrence(Utc("2025-01-01T00:00:00Z"))!.Value));
    }

    [Theory]
    [InlineData("0 12 * * *", "2025-01-01T12:00:00Z", "2025-01-02T12:00:00Z")]
    [InlineData("0 12 * * *", "2025-01-01T11:59:59.999Z", "2025-01-01T12:00:00Z")]
    [InlineData("0 12 * * *", "2025-01-01T12:00:00.001Z", "2025-01-02T12:00:00Z")]
    [InlineData("*/10 * * * * *", "2025-01-01T00:00:10Z", "2025-01-01T00:00:20Z")]
    public void Next_occurrence_is_strictly_after(string expression, string after, string expected)
    {
        var next = CronSchedule.Parse(expression, "UTC").GetNextOccurrence(Utc(after));

        Assert.Equal(expected, Format(next!.Value));
    }

    [Fact]
    public void The_after_value_may_be_in_any_offset()
    {
        // 13:00+02:00 is 11:00Z, so the next noon UTC is the same day.
        var next = CronSchedule.Parse("0 12 * * *", "UTC").GetNextOccurrence(new DateTimeOffset(2025, 1, 1, 13, 0, 0, TimeSpan.FromHours(2)));

        Assert.Equal("2025-01-01T12:00:00Z", Format(next!.Value));
    }

    [Fact]
    public void A_schedule_that_never_matches_has_no_next_occurrence()
    {
        var schedule = CronSchedule.Parse("0 0 30 2 *", "Europe/Berlin");

        Assert.Null(schedule.GetNextOccurrence(Utc("2025-01-01T00:00:00Z")));
        Assert.Empty(schedule.GetOccurrences(Utc("2025-01-01T00:00:00Z"), 5));
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Pacific/Kiritimati")]
    public void The_ends_of_the_calendar_do_not_throw(string zone)
    {
        var schedule = CronSchedule.Parse("* * * * *", zone);

        Assert.Null(schedule.GetNextOccurrence(DateTimeOffset.MaxValue));
        Assert.True(schedule.GetNextOccurrence(DateTimeOffset.MinValue) > DateTimeOffset.MinValue);
    }

    [Fact]
    public void Occurrences_up_to_an_end_include_the_end()
    {
        var schedule = CronSchedule.Parse("0 */6 * * *", "UTC");

        var occurrences = schedule.GetOccurrences(Utc("2025-01-01T00:00:00Z"), Utc("2025-01-02T00:00:00Z")).Select(Format);

        Assert.Equal(["2025-01-01T06:00:00Z", "2025-01-01T12:00:00Z", "2025-01-01T18:00:00Z", "2025-01-02T00:00:00Z"], occurrences);
    }

    [Fact]
    public void Zero_occurrences_is_an_empty_sequence_and_a_negative_count_is_an_error()
    {
        var schedule = CronSchedule.Parse("* * * * *", "UTC");

        Assert.Empty(schedule.GetOccurrences(Utc("2025-01-01T00:00:00Z"), 0));
        var error = Assert.Throws<MuxlyException>(() => schedule.GetOccurrences(Utc("2025-01-01T00:00:00Z"), -1));
        Assert.Equal("MuxlyScheduleCountInvalid", error.ErrorId);
    }

    [Theory]
    [InlineData("* * * *", "4 fields")]
    [InlineData("* * * * * * * *", "8 fields")]
    [InlineData("*", "1 field;")]
    [InlineData("61 * * * *", "61")]
    [InlineData("* 24 * * *", "24")]
    [InlineData("0 0 32 * *", "32")]
    [InlineData("0 0 * 13 *", "13")]
    [InlineData("0 0 * * 8", "8")]
    [InlineData("60 * * * * *", "60")]
    [InlineData("a b c d e", "'a'")]
    [InlineData("@fortnightly", "unknown macro")]
    [InlineData("@reboot", "unknown macro")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    public void Bad_expressions_are_rejected_with_a_reason(string expression, string reason)
    {
        var error = Assert.Throws<MuxlyException>(() => CronSchedule.Parse(expression, "UTC"));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("MuxlyCronInvalid", error.ErrorId);
        Assert.Contains(reason, error.Message);
        if (expression.Trim().Length > 0)
        {
            Assert.Contains($"'{expression.Trim()}'", error.Message);
        }
    }

    [Fact]
    public void A_wrong_field_count_says_what_is_expected()
    {
        var error = Assert.Throws<MuxlyException>(() => CronSchedule.Parse("* * * *", "UTC"));

        Assert.Contains("5 (minute hour day-of-month month day-of-week) or 6", error.Message);
    }

    [Fact]
    public void An_unknown_time_zone_is_rejected()
    {
        var error = Assert.Throws<MuxlyException>(() => CronSchedule.Parse("* * * * *", "Mars/Olympus_Mons"));

        Assert.Equal("MuxlyTimeZoneUnknown", error.ErrorId);
        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("'Mars/Olympus_Mons'", error.Message);
    }

    [Fact]
    public void TryParse_and_Validate_report_without_throwing()
    {
        Assert.True(CronSchedule.TryParse("*/5 * * * *", "Europe/Berlin", out var schedule, out var none));
        Assert.Null(none);
        Assert.Equal("*/5 * * * *", schedule.Expression);

        Assert.False(CronSchedule.TryParse("61 * * * *", null, out _, out var cronError));
        Assert.Equal("MuxlyCronInvalid", cronError.ErrorId);

        Assert.Null(CronSchedule.Validate("@daily", "America/New_York"));
        Assert.Equal("MuxlyTimeZoneUnknown", CronSchedule.Validate("@daily", "Nowhere/Special")!.ErrorId);
    }

    [Fact]
    public void No_time_zone_means_the_machine_zone()
    {
        Assert.Same(TimeZoneInfo.Local, CronSchedule.Parse("@daily").TimeZone);
        Assert.Same(TimeZoneInfo.Local, CronSchedule.Parse("@daily", "").TimeZone);
    }

    // Interval schedules (a *, range or step in the seconds, minute or hour field) also run in the second pass of a
    // repeated hour; schedules with fixed times do not.
    [Theory]
    [InlineData("0 * * * *", true)]
    [InlineData("*/15 * * * *", true)]
    [InlineData("0 1-3 * * *", true)]
    [InlineData("0 */2 * * *", true)]
    [InlineData("*/30 0 2 * * *", true)]
    [InlineData("30 2 * * *", false)]
    [InlineData("0,30 2,3 * * *", false)]
    [InlineData("0 2 * * 0", false)]
    [InlineData("0 0 */2 * *", false)]
    [InlineData("15 30 2 * * *", false)]
    [InlineData("@hourly", true)]
    [InlineData("@daily", false)]
    public void Interval_schedules_are_recognised(string expression, bool isInterval) =>
        Assert.Equal(isInterval, CronSchedule.Parse(expression, "UTC").IsInterval);
}
