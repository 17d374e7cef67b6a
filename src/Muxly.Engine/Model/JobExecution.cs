namespace Muxly;

/// <summary>
/// One run (one attempt) of a job (table <c>job_executions</c>, with <c>job_execution_details</c>). A retried run is
/// several executions with <see cref="Attempt"/> counting up and <see cref="TriggeredBy"/> <c>retry</c>.
/// </summary>
public sealed class JobExecution
{
    public required string Id { get; init; }
    public required string JobId { get; init; }
    public required string JobName { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>One of <see cref="ExecutionStatuses"/>.</summary>
    public required string Status { get; init; }

    /// <summary>The run summary as JSON (counts, duration, errors), or the error; never a secret.</summary>
    public string? Result { get; init; }

    public int Attempt { get; init; }

    /// <summary>One of <see cref="ExecutionTriggers"/>.</summary>
    public required string TriggeredBy { get; init; }

    /// <summary>The occurrence a scheduled, catch-up or skipped run was for; null for runs on demand.</summary>
    public DateTimeOffset? ScheduledFor { get; init; }

    /// <summary>How late it started after the occurrence it was for (start time minus <see cref="ScheduledFor"/>); null for runs on demand.</summary>
    public TimeSpan? Lateness => ScheduledFor is { } at ? StartTime - at : null;

    /// <summary>How long it ran; null while it runs.</summary>
    public TimeSpan? Duration => EndTime - StartTime;

    /// <summary>A one-line summary of why it did not succeed.</summary>
    public string? Error { get; init; }

    /// <summary>True once a stop was asked for (from any process); the owner cancels it at its next poll.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>The scheduler or shell process running it (scheduler_instances.id).</summary>
    public string? OwnerInstanceId { get; init; }

    /// <summary>When its owner last said it was still running it.</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }

    public bool IsFinished => Status is not (ExecutionStatuses.Running or ExecutionStatuses.Queued);

    /// <summary>The JSON object the run was started with, if any.</summary>
    internal string? Parameters { get; init; }

    /// <summary>The webhook payload the run was started with, if any.</summary>
    internal string? Payload { get; init; }

    public override string ToString() => $"{JobName} #{Attempt} {Status}";
}

/// <summary>The values of <c>job_executions.status</c> (SPEC §7).</summary>
public static class ExecutionStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string TimedOut = "timed_out";
    public const string Cancelled = "cancelled";
    public const string Skipped = "skipped";
    public const string Abandoned = "abandoned";

    public static IReadOnlyList<string> All { get; } = [Queued, Running, Succeeded, Failed, TimedOut, Cancelled, Skipped, Abandoned];

    /// <summary>The canonical status for user input (any case; <c>TimedOut</c> and <c>timed-out</c> too), or an error listing them.</summary>
    public static string Require(string status) => Vocabulary.Match(status, All)
        ?? throw MuxlyException.Invalid("MuxlyExecutionStatusInvalid", $"'{status}' is not an execution status. Use one of: {string.Join(", ", All)}.", status);
}

/// <summary>The values of <c>job_executions.triggered_by</c> (SPEC §7).</summary>
public static class ExecutionTriggers
{
    public const string Schedule = "schedule";
    public const string Manual = "manual";
    public const string Webhook = "webhook";
    public const string Retry = "retry";
    public const string CatchUp = "catch-up";

    public static IReadOnlyList<string> All { get; } = [Schedule, Manual, Webhook, Retry, CatchUp];

    public static string Require(string trigger) => Vocabulary.Match(trigger, All)
        ?? throw MuxlyException.Invalid("MuxlyExecutionTriggerInvalid", $"'{trigger}' is not a trigger. Use one of: {string.Join(", ", All)}.", trigger);
}

/// <summary>Matches user input to a fixed list of words, ignoring case and the difference between '-', '_' and none.</summary>
internal static class Vocabulary
{
    public static string? Match(string? value, IEnumerable<string> words)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var key = Squash(value);
        return words.FirstOrDefault(w => Squash(w) == key);
    }

    private static string Squash(string text) => text.Trim().Replace("-", "").Replace("_", "").ToLowerInvariant();
}
