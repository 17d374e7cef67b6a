namespace Muxly;

/// <summary>
/// A scheduler job (table <c>scheduler_jobs</c>, with <c>scheduler_job_options</c>): when it runs (<see cref="JobType"/>,
/// <see cref="Schedule"/> in <see cref="TimeZone"/>), what it runs (<see cref="Action"/> over its connector), and how
/// runs are retried, timed out, kept apart and caught up.
/// </summary>
public sealed class Job : INamedEntity
{
    // Where the schedule stands and how the job last ran: state the scheduler moves, not configuration.
    private DateTimeOffset? _lastScheduledFor;
    private DateTimeOffset? _nextRunAt;
    private DateTimeOffset? _lastRunAt;
    private string? _lastStatus;

    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary><c>cron</c> (runs on <see cref="Schedule"/>), <c>webhook</c> or <c>manual</c>.</summary>
    public required string JobType { get; init; }

    /// <summary>The cron expression of a <c>cron</c> job; null for the others.</summary>
    public string? Schedule { get; init; }

    /// <summary>The time zone the schedule is read in as saved (IANA or Windows id); null means the default.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The zone actually used: <see cref="TimeZone"/>, else the <c>scheduler.time_zone</c> setting, else the machine's.</summary>
    public required string EffectiveTimeZone { get; init; }

    /// <summary>The connector's name.</summary>
    public required string Connector { get; init; }

    public required string ConnectorId { get; init; }

    /// <summary><c>route</c>, <c>export</c> or <c>fetch</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The action's parameters as JSON, naming routes and destinations by their current names.</summary>
    public required string ActionParameters { get; init; }

    /// <summary>The route a <c>route</c> job runs, or the destination an <c>export</c> job writes to (by name).</summary>
    public string? Target { get; init; }

    public int MaxRetries { get; init; }

    /// <summary><c>exponential</c>, <c>linear</c>, <c>fixed</c> or <c>none</c>.</summary>
    public required string BackoffStrategy { get; init; }

    /// <summary>How long one attempt may run before it is cancelled and recorded <c>timed_out</c>; 0 means no limit.</summary>
    public int TimeoutSeconds { get; init; }

    /// <summary><c>forbid</c> (a start while the job runs is recorded as skipped), <c>allow</c>, or <c>replace</c> (the running one is cancelled).</summary>
    public required string OverlapPolicy { get; init; }

    /// <summary><c>run-once</c> (missed occurrences coalesce into one run), <c>skip</c>, or <c>catch-up</c> (each, up to <see cref="CatchUpLimit"/>).</summary>
    public required string MissedRunPolicy { get; init; }

    public int CatchUpLimit { get; init; }

    public bool Enabled { get; init; }

    /// <summary>The next occurrence of the schedule in its zone; null for webhook and manual jobs, disabled jobs, or a schedule that never fires again.</summary>
    public DateTimeOffset? NextRunAt { get => _nextRunAt; init => _nextRunAt = value; }

    /// <summary>When the newest execution (other than a skipped one) started.</summary>
    public DateTimeOffset? LastRunAt { get => _lastRunAt; init => _lastRunAt = value; }

    /// <summary>That execution's status.</summary>
    public string? LastStatus { get => _lastStatus; init => _lastStatus = value; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The stored action parameters, with routes and destinations by id.</summary>
    internal string ActionParametersStored { get; init; } = "{}";

    /// <summary>The id of the route or destination in <see cref="ActionParametersStored"/>, if any.</summary>
    internal string? TargetId { get; init; }

    /// <summary>The scheduling cursor: occurrences at or before it are dealt with.</summary>
    internal DateTimeOffset? LastScheduledFor { get => _lastScheduledFor; init => _lastScheduledFor = value; }

    /// <summary>
    /// A copy of this job with its scheduling state as now read: a listing reuses the configuration it read last time
    /// while the configuration version stands, and reads only the state again. Always a new object, so that nothing a
    /// caller attaches to one listing's job shows on the next.
    /// </summary>
    internal Job WithState(DateTimeOffset? lastScheduledFor, DateTimeOffset? nextRunAt, DateTimeOffset? lastRunAt, string? lastStatus)
    {
        var copy = (Job)MemberwiseClone();
        copy._lastScheduledFor = lastScheduledFor;
        copy._nextRunAt = nextRunAt;
        copy._lastRunAt = lastRunAt;
        copy._lastStatus = lastStatus;
        return copy;
    }

    public override string ToString() => Name;
}
