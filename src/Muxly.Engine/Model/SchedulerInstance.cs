namespace Muxly;

/// <summary>
/// A process that runs executions (table <c>scheduler_instances</c>): a long-running scheduler, or a shell running
/// jobs on demand. It proves it is alive with <see cref="HeartbeatAt"/>; executions it owns are marked abandoned
/// once that goes stale.
/// </summary>
public sealed class SchedulerInstance
{
    public required string Id { get; init; }

    /// <summary><c>scheduler</c> or <c>runner</c>.</summary>
    public required string Kind { get; init; }

    public required string Host { get; init; }
    public int ProcessId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>When it stopped cleanly; null while it runs (or if it died without saying so).</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    public bool IsStopped => StoppedAt is not null;

    public override string ToString() => $"{Kind} {Host}:{ProcessId}";
}
