namespace Muxly.Scheduler;

/// <summary>One due occurrence of a cron job and what to do with it: run it (with this trigger) or record it skipped.</summary>
public sealed record PlannedOccurrence(DateTimeOffset ScheduledFor, bool Run, string TriggeredBy, string? SkipReason);

/// <summary>
/// What a scheduler should do with a job's due occurrences: each one listed (oldest first) is claimed, then run or
/// recorded skipped; <see cref="Unlisted"/> older skipped ones are only counted; the cursor then moves to
/// <see cref="CursorTo"/>.
/// </summary>
public sealed record MissedRunPlan(IReadOnlyList<PlannedOccurrence> Occurrences, int Unlisted, DateTimeOffset? CursorTo)
{
    public static MissedRunPlan Nothing { get; } = new([], 0, null);
}

/// <summary>
/// Decides, from a job's cursor and the time now, which due occurrences run (SPEC §7 "Downtime"). An occurrence at most
/// <c>onTime</c> old is simply due and runs (<c>schedule</c>). Older ones were missed while no scheduler ran, and the
/// job's missed-run policy applies: <c>run-once</c> runs the newest missed one (<c>catch-up</c>) and skips the rest;
/// <c>skip</c> skips them all; <c>catch-up</c> runs each, oldest first, up to the job's catch-up limit (the newest ones),
/// and skips the older. Missed occurrences older than the catch-up window are always skipped. Skipped occurrences are
/// listed up to <see cref="MaxListedSkips"/>, newest kept.
/// <para>A running scheduler passes <c>liveSince</c> (about when it last looked): occurrences from then on came due
/// while it was running, so they are late rather than missed and all run as scheduled, however late. It passes the
/// cursor it read itself as <c>cursor</c>; without one the job's own is used, and the job's schedule already parsed as
/// <c>schedule</c>; without one it is parsed here.</para>
/// </summary>
public static class MissedRunPlanner
{
    public const int MaxListedSkips = 100;

    // Beyond this many due occurrences (an every-second schedule after a long downtime) only the newest are examined.
    private const int MaxExamined = 100_000;

    public static MissedRunPlan Plan(Job job, DateTimeOffset now, TimeSpan catchUpWindow, TimeSpan onTime,
        DateTimeOffset? liveSince = null, DateTimeOffset? cursor = null, CronSchedule? schedule = null)
    {
        if (job.JobType != "cron" || job.Schedule is null || !job.Enabled)
        {
            return MissedRunPlan.Nothing;
        }

        schedule ??= CronSchedule.Parse(job.Schedule, job.EffectiveTimeZone);
        var from = cursor ?? job.LastScheduledFor ?? now;
        var due = new Queue<DateTimeOffset>();
        var dropped = 0;
        foreach (var occurrence in schedule.GetOccurrences(from, now))
        {
            due.Enqueue(occurrence);
            if (due.Count > MaxExamined)
            {
                due.Dequeue();
                dropped++;
            }
        }

        if (due.Count == 0)
        {
            return MissedRunPlan.Nothing;
        }

        var all = due.ToList();
        var cursorTo = all[^1];
        var live = all.Where((o, i) => o >= liveSince || (i == all.Count - 1 && now - o <= onTime)).ToList();
        var missed = all.Take(all.Count - live.Count).ToList();
        var inWindow = missed.Where(o => now - o <= catchUpWindow).ToList();
        var runMissed = job.MissedRunPolicy switch
        {
            "skip" => [],
            "catch-up" => inWindow.Skip(Math.Max(0, inWindow.Count - job.CatchUpLimit)).ToList(),
            _ => live.Count == 0 && inWindow.Count > 0 ? [inWindow[^1]] : new List<DateTimeOffset>(),
        };

        var plan = new List<PlannedOccurrence>();
        var skipped = missed.Where(o => !runMissed.Contains(o)).ToList();
        var unlisted = dropped + Math.Max(0, skipped.Count - MaxListedSkips);
        foreach (var occurrence in skipped.Skip(Math.Max(0, skipped.Count - MaxListedSkips)))
        {
            var reason = now - occurrence > catchUpWindow
                ? $"Missed while no scheduler ran, longer ago than the catch-up window of {catchUpWindow.TotalMinutes:0} minutes."
                : $"Missed while no scheduler ran; the job's missed-run policy is '{job.MissedRunPolicy}'.";
            plan.Add(new PlannedOccurrence(occurrence, false, ExecutionTriggers.CatchUp, reason));
        }

        plan.AddRange(runMissed.Select(o => new PlannedOccurrence(o, true, ExecutionTriggers.CatchUp, null)));
        plan.AddRange(live.Select(o => new PlannedOccurrence(o, true, ExecutionTriggers.Schedule, null)));

        return new MissedRunPlan(plan.OrderBy(p => p.ScheduledFor).ToList(), unlisted, cursorTo);
    }
}
