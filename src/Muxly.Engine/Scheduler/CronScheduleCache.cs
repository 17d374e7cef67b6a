using System.Collections.Concurrent;

namespace Muxly.Scheduler;

/// <summary>
/// Parsed schedules by expression and zone, so that listing 10,000 jobs parses each distinct schedule once instead of
/// once per job. A <see cref="CronSchedule"/> is immutable, so one instance serves every caller. An expression that
/// does not parse is remembered as null. The cache is bounded: past its size it starts again empty.
/// </summary>
internal sealed class CronScheduleCache
{
    private const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<(string Expression, string ZoneId), CronSchedule?> _entries = new();

    /// <summary>The schedule for <paramref name="expression"/> in <paramref name="zone"/>, or null if it is not valid.</summary>
    public CronSchedule? Get(string expression, TimeZoneInfo zone)
    {
        var key = (expression, zone.Id);
        // A zone object can be replaced under the same id (TimeZoneInfo.ClearCachedData): only the same object counts.
        if (_entries.TryGetValue(key, out var cached) && (cached is null || ReferenceEquals(cached.TimeZone, zone)))
        {
            return cached;
        }

        var schedule = CronSchedule.TryCreate(expression, zone, out var parsed, out _) ? parsed : null;
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[key] = schedule;
        return schedule;
    }
}
