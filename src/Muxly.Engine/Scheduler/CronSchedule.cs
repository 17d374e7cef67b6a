using System.Diagnostics.CodeAnalysis;
using NCrontab;

namespace Muxly.Scheduler;

/// <summary>
/// A cron schedule evaluated in a time zone: five fields (minute hour day-of-month month day-of-week), six with a
/// leading seconds field, or a macro (<c>@yearly</c>, <c>@annually</c>, <c>@monthly</c>, <c>@weekly</c>,
/// <c>@daily</c>, <c>@midnight</c>, <c>@hourly</c>). Field syntax is NCrontab's (<c>*</c>, lists, ranges, steps,
/// month and weekday names); day-of-week 7 is accepted as Sunday.
/// </summary>
/// <remarks>
/// <para>
/// The fields are matched against the zone's wall-clock time; occurrences are instants (<see cref="DateTimeOffset"/>
/// values carrying the zone's offset at that instant). Daylight-saving transitions are handled as Vixie cron and
/// Cronos do:
/// </para>
/// <list type="bullet">
/// <item><description>
/// <b>Clock jumps forward (gap).</b> A matching wall-clock time that does not exist runs at the first instant after
/// the gap (the transition instant, e.g. 03:00 CEST in Europe/Berlin). All matches inside one gap collapse into that
/// single run, together with a match at the first reading after the gap. So <c>30 2 * * *</c> runs at 03:00 on the
/// spring-forward day, <c>0 * * * *</c> runs every real hour, and <c>*/15 * * * *</c> runs at 01:45 CET, 03:00 CEST,
/// 03:15 CEST: nothing is lost and nothing runs twice.
/// </description></item>
/// <item><description>
/// <b>Clock is set back (repeated stretch).</b> A matching time in the repeated stretch runs at its first occurrence
/// (the earlier, daylight offset). It runs again in the second pass only if the schedule is <see cref="IsInterval"/>:
/// its seconds, minute or hour field uses <c>*</c>, a range or a step. Such a schedule promises a rhythm in elapsed
/// time (every hour, every 15 minutes), so <c>0 * * * *</c> runs at 02:00 CEST and again an hour later at 02:00 CET.
/// A schedule with fixed times (<c>30 2 * * *</c>, <c>0 2 * * 0</c>, <c>@daily</c>) promises a number of runs per
/// day, so it runs once.
/// </description></item>
/// </list>
/// <para>Occurrences always move strictly forward in real time; an instant is never returned twice.</para>
/// </remarks>
public sealed class CronSchedule
{
    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    // Readings this close to the ends of the calendar could not be turned into instants in every zone.
    private static readonly DateTime FirstReading = DateTime.MinValue.AddDays(2);
    private static readonly DateTime LastReading = DateTime.MaxValue.AddDays(-2);

    private readonly CrontabSchedule _crontab;
    private readonly ZoneTimeline _timeline;

    private CronSchedule(string expression, string fields, CrontabSchedule crontab, bool hasSeconds, bool isInterval, TimeZoneInfo zone)
    {
        Expression = expression;
        Fields = fields;
        _crontab = crontab;
        HasSeconds = hasSeconds;
        IsInterval = isInterval;
        TimeZone = zone;
        _timeline = new ZoneTimeline(zone);
    }

    /// <summary>The expression as written (trimmed).</summary>
    public string Expression { get; }

    /// <summary>The fields actually evaluated: a macro expanded, whitespace normalised.</summary>
    public string Fields { get; }

    /// <summary>The zone whose wall-clock time the fields are matched against.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>True where the expression has a leading seconds field (six fields).</summary>
    public bool HasSeconds { get; }

    /// <summary>
    /// True where the seconds, minute or hour field uses <c>*</c>, a range or a step. Such a schedule also runs in the
    /// second pass of a repeated (fall-back) stretch of wall-clock time; see the remarks on <see cref="CronSchedule"/>.
    /// </summary>
    public bool IsInterval { get; }

    public override string ToString() => Expression;

    /// <summary>
    /// Parses an expression in a zone given by IANA or Windows id (null: the machine's zone). Throws
    /// <c>MuxlyCronInvalid</c> or <c>MuxlyTimeZoneUnknown</c>.
    /// </summary>
    public static CronSchedule Parse(string expression, string? timeZoneId = null) =>
        Parse(expression, TimeZoneResolver.Find(timeZoneId));

    /// <summary>Parses an expression in the given zone. Throws <c>MuxlyCronInvalid</c>.</summary>
    public static CronSchedule Parse(string expression, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        return TryCreate(expression, timeZone, out var schedule, out var error) ? schedule : throw error;
    }

    /// <summary>Parses without throwing; <paramref name="error"/> is the exception <see cref="Parse(string, string?)"/> would throw.</summary>
    public static bool TryParse(
        string? expression,
        string? timeZoneId,
        [NotNullWhen(true)] out CronSchedule? schedule,
        [NotNullWhen(false)] out MuxlyException? error)
    {
        schedule = null;
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneResolver.Find(timeZoneId);
        }
        catch (MuxlyException e)
        {
            error = e;
            return false;
        }

        return TryCreate(expression, zone, out schedule, out error);
    }

    /// <summary>Checks an expression and zone; returns null when both are valid, else the error Parse would throw.</summary>
    public static MuxlyException? Validate(string? expression, string? timeZoneId = null) =>
        TryParse(expression, timeZoneId, out _, out var error) ? null : error;

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if there is none (such as <c>0 0 30 2 *</c>).</summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        var afterUtc = after.UtcDateTime;
        var offset = _timeline.OffsetAt(afterUtc);
        var reading = Unspecified(ZoneTimeline.ClampedAdd(afterUtc, offset));
        if (reading < FirstReading)
        {
            reading = FirstReading;
        }

        var from = reading;
        var inclusive = false;

        var here = _timeline.Map(reading);
        if (here.Kind == LocalTimeKind.Repeated)
        {
            // 'after' lies in a repeated stretch of wall-clock time. Finish the pass it is in before moving on.
            var until = here.RepeatedUntil;
            if (afterUtc < here.Transition)
            {
                // First pass: anything left in it runs with the earlier offset.
                if (FindReading(from, inclusive, until) is { } firstPass)
                {
                    return new DateTimeOffset(firstPass, here.OffsetBefore);
                }

                from = here.RepeatedFrom;
                inclusive = true;
            }

            // Second pass: only interval schedules run here; fixed times already ran in the first pass.
            if (IsInterval && FindReading(from, inclusive, until) is { } secondPass)
            {
                return new DateTimeOffset(secondPass, here.OffsetAfter);
            }

            from = until;
            inclusive = true;
        }

        while (FindReading(from, inclusive, LastReading) is { } candidate)
        {
            var mapping = _timeline.Map(candidate);
            var instant = mapping.Kind switch
            {
                LocalTimeKind.Skipped => mapping.TransitionInstant,
                _ => mapping.First,
            };

            if (instant > after)
            {
                return instant;
            }

            // Cannot happen with consistent zone data; stepping on keeps the search finite regardless.
            from = candidate;
            inclusive = false;
        }

        return null;
    }

    /// <summary>Up to <paramref name="count"/> occurrences strictly after <paramref name="after"/>, in order.</summary>
    public IEnumerable<DateTimeOffset> GetOccurrences(DateTimeOffset after, int count)
    {
        if (count < 0)
        {
            throw MuxlyException.Invalid("MuxlyScheduleCountInvalid", $"The number of occurrences cannot be negative (got {count}).", count);
        }

        return Enumerate(after, count, null);
    }

    /// <summary>The occurrences strictly after <paramref name="after"/> and at or before <paramref name="until"/>, in order.</summary>
    public IEnumerable<DateTimeOffset> GetOccurrences(DateTimeOffset after, DateTimeOffset until) =>
        Enumerate(after, int.MaxValue, until);

    private IEnumerable<DateTimeOffset> Enumerate(DateTimeOffset after, int count, DateTimeOffset? until)
    {
        var current = after;
        for (var i = 0; i < count; i++)
        {
            if (GetNextOccurrence(current) is not { } next || next > until)
            {
                yield break;
            }

            yield return next;
            current = next;
        }
    }

    /// <summary>
    /// The first wall-clock reading matching the fields after <paramref name="from"/> (or at it, when
    /// <paramref name="inclusive"/>) and before <paramref name="before"/>; null when there is none.
    /// </summary>
    private DateTime? FindReading(DateTime from, bool inclusive, DateTime before)
    {
        if (from >= before)
        {
            return null;
        }

        // NCrontab looks strictly after its base time, at whole-second (or whole-minute) resolution, so one tick
        // earlier makes the search include 'from' itself.
        var baseTime = inclusive && from > DateTime.MinValue ? from.AddTicks(-1) : from;
        var next = _crontab.GetNextOccurrence(baseTime, before);
        return next < before ? Unspecified(next) : null;
    }

    private static DateTime Unspecified(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Unspecified);

    internal static bool TryCreate(
        string? expression,
        TimeZoneInfo zone,
        [NotNullWhen(true)] out CronSchedule? schedule,
        [NotNullWhen(false)] out MuxlyException? error)
    {
        schedule = null;
        var text = expression?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            error = Invalid(text, "A cron expression cannot be empty.");
            return false;
        }

        var fieldsText = text;
        if (text.StartsWith('@'))
        {
            if (!Macros.TryGetValue(text, out var expanded))
            {
                error = Invalid(
                    text,
                    $"The cron expression '{text}' uses an unknown macro. Known macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly.");
                return false;
            }

            fieldsText = expanded;
        }

        var fields = fieldsText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            error = Invalid(
                text,
                $"The cron expression '{text}' has {fields.Length} field{(fields.Length == 1 ? "" : "s")}; 5 (minute hour day-of-month month day-of-week) or 6 (seconds first, then those five) are expected.");
            return false;
        }

        var hasSeconds = fields.Length == 6;
        fields[^1] = SevenAsSunday(fields[^1]);
        var normalized = string.Join(' ', fields);
        var options = new CrontabSchedule.ParseOptions { IncludingSeconds = hasSeconds };
        string? reason = null;
        var crontab = CrontabSchedule.TryParse<CrontabSchedule?>(normalized, options, s => s, provider =>
        {
            reason = provider().Message;
            return null;
        });

        if (crontab is null)
        {
            error = Invalid(text, $"The cron expression '{text}' is not valid: {reason ?? "NCrontab rejected it."}");
            return false;
        }

        // Seconds, minutes and hours decide whether the schedule is a rhythm in elapsed time (see IsInterval).
        var timeOfDayFields = fields.AsSpan(0, hasSeconds ? 3 : 2);
        var isInterval = false;
        foreach (var field in timeOfDayFields)
        {
            isInterval |= field.AsSpan().IndexOfAny("*-/?") >= 0;
        }

        error = null;
        schedule = new CronSchedule(text, normalized, crontab, hasSeconds, isInterval, zone);
        return true;
    }

    /// <summary>
    /// Many crons accept 7 for Sunday; NCrontab only 0. Rewrites a lone 7 and a range ending at 7 (<c>5-7</c>);
    /// anything else is left for NCrontab to accept or reject.
    /// </summary>
    private static string SevenAsSunday(string dayOfWeek)
    {
        var items = dayOfWeek.Split(',');
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (item == "7")
            {
                items[i] = "0";
            }
            else if (item.EndsWith("-7", StringComparison.Ordinal) && int.TryParse(item.AsSpan(0, item.Length - 2), out var start) && start is >= 0 and <= 7)
            {
                items[i] = start switch
                {
                    7 => "0",
                    6 => "6,0",
                    _ => $"{start}-6,0",
                };
            }
        }

        return string.Join(',', items);
    }

    private static MuxlyException Invalid(string expression, string message) =>
        MuxlyException.Invalid("MuxlyCronInvalid", message, expression);
}
