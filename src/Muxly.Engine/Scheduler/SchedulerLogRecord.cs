using System.Globalization;

namespace Muxly;

/// <summary>
/// One thing a scheduler did, as Receive-Job returns it from Start-MuxlyScheduler: <see cref="Event"/> is
/// <c>Info</c>, <c>Warning</c>, <c>Started</c> (a run began), or the status a run ended with (<c>Succeeded</c>,
/// <c>Failed</c>, <c>TimedOut</c>, <c>Cancelled</c>, <c>Skipped</c>, <c>Abandoned</c>). Its text is the log line.
/// </summary>
public sealed class SchedulerLogRecord
{
    public DateTimeOffset Time { get; init; }
    public required string Event { get; init; }
    public string? Job { get; init; }
    public string? ExecutionId { get; init; }
    public int? Attempt { get; init; }
    public DateTimeOffset? ScheduledFor { get; init; }

    /// <summary>How late a run started after the occurrence it served.</summary>
    public TimeSpan? Lateness { get; init; }

    public required string Message { get; init; }

    public override string ToString() => $"{Time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} {Message}";
}
