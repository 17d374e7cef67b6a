namespace Muxly.Scheduler;

/// <summary>
/// What a running scheduler knows about its cron jobs between looks at the database: each enabled cron job with its
/// parsed schedule, how far it is dealt with, and its next occurrence, queued by that occurrence. A pass takes out only
/// the jobs that are due; the others cost nothing until their time comes, so ten thousand idle jobs cost no more per
/// wake-up than ten. <see cref="Load"/> rebuilds it when the jobs change.
/// </summary>
internal sealed class SchedulePlan
{
    // Ties (jobs due at the same instant) go in the order the jobs were loaded (by name).
    private readonly PriorityQueue<PlannedJob, (DateTimeOffset At, int Order)> _queue = new();

    /// <summary>The jobs that have a next occurrence (a schedule such as <c>0 0 30 2 *</c> has none).</summary>
    public int Count => _queue.Count;

    /// <summary>The soonest next occurrence of any job; null when no job has one.</summary>
    public DateTimeOffset? NextDue => _queue.TryPeek(out _, out var priority) ? priority.At : null;

    /// <summary>
    /// Replaces the plan with the enabled cron jobs among <paramref name="jobs"/>, each from its cursor (from
    /// <paramref name="now"/> when it has none). A job whose schedule cannot be evaluated (a zone this machine lacks)
    /// goes to <paramref name="broken"/> and is left out. Jobs sharing a schedule and zone share its parsed form.
    /// </summary>
    public void Load(IEnumerable<Job> jobs, DateTimeOffset now, Action<Job, MuxlyException> broken)
    {
        _queue.Clear();
        var parsed = new Dictionary<(string Schedule, string Zone), CronSchedule>();
        var order = 0;
        foreach (var job in jobs)
        {
            if (!job.Enabled || job.JobType != "cron" || job.Schedule is null)
            {
                continue;
            }

            var key = (job.Schedule, job.EffectiveTimeZone);
            if (!parsed.TryGetValue(key, out var schedule))
            {
                try
                {
                    schedule = CronSchedule.Parse(job.Schedule, job.EffectiveTimeZone);
                }
                catch (MuxlyException ex)
                {
                    broken(job, ex);
                    continue;
                }

                parsed[key] = schedule;
            }

            Return(new PlannedJob(job, schedule, order++), job.LastScheduledFor ?? now);
        }
    }

    /// <summary>Takes out every job due at <paramref name="now"/> (next occurrence at or before it), soonest first.</summary>
    public List<PlannedJob> TakeDue(DateTimeOffset now)
    {
        var due = new List<PlannedJob>();
        while (_queue.TryPeek(out _, out var priority) && priority.At <= now)
        {
            due.Add(_queue.Dequeue());
        }

        return due;
    }

    /// <summary>
    /// Puts a job back dealt with up to <paramref name="reached"/>: queued at its first occurrence after that, or left
    /// out when there is none.
    /// </summary>
    public void Return(PlannedJob job, DateTimeOffset reached)
    {
        job.Cursor = reached;
        job.Next = job.Schedule.GetNextOccurrence(reached);
        if (job.Next is { } next)
        {
            _queue.Enqueue(job, (next, job.Order));
        }
    }

    /// <summary>Puts a job back unchanged, still due at the same occurrence (its pass failed; the next one tries again).</summary>
    public void Retry(PlannedJob job)
    {
        if (job.Next is { } next)
        {
            _queue.Enqueue(job, (next, job.Order));
        }
    }
}

/// <summary>One job in a <see cref="SchedulePlan"/>.</summary>
internal sealed class PlannedJob(Job job, CronSchedule schedule, int order)
{
    public Job Job { get; } = job;

    public CronSchedule Schedule { get; } = schedule;

    public int Order { get; } = order;

    /// <summary>Occurrences at or before this are dealt with (as far as this scheduler knows; the database has the last word).</summary>
    public DateTimeOffset Cursor { get; set; }

    /// <summary>The first occurrence after <see cref="Cursor"/>; null when there is none.</summary>
    public DateTimeOffset? Next { get; set; }
}
