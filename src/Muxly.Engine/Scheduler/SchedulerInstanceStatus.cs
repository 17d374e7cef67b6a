using Muxly.Storage;

namespace Muxly.Scheduler;

/// <summary>
/// A scheduler process as <c>Get-MuxlyScheduler</c> shows it: its row in <c>scheduler_instances</c>, how long since it
/// last said it was alive, and how many executions it runs now. <see cref="State"/> is <c>running</c>, <c>silent</c>
/// (no heartbeat for <c>scheduler.abandoned_after_seconds</c>: it has probably died) or <c>stopped</c>.
/// </summary>
public sealed class SchedulerInstanceStatus
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string Host { get; init; }
    public int ProcessId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset HeartbeatAt { get; init; }
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>How long ago its last heartbeat was, when it was read.</summary>
    public TimeSpan HeartbeatAge { get; init; }

    public int RunningExecutions { get; init; }

    public required string State { get; init; }

    public override string ToString() => $"{Kind} {Host}:{ProcessId} {State}";

    /// <summary>The scheduler instances of a database (running and silent ones, or all), newest first.</summary>
    public static IReadOnlyList<SchedulerInstanceStatus> List(MuxlyStore store, bool includeStopped = false, string? kind = SchedulerInstanceStore.SchedulerKind)
    {
        var instances = store.SchedulerInstances.List(includeStopped, kind);
        var silentAfter = store.Executions.AbandonedAfter();
        var running = store.Database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT d.owner_instance_id, count(*) FROM job_executions e JOIN job_execution_details d ON d.execution_id = e.id
                WHERE e.status = 'running' AND d.owner_instance_id IS NOT NULL GROUP BY d.owner_instance_id
                """;
            using var reader = command.ExecuteReader();
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            while (reader.Read())
            {
                counts[reader.GetString(0)] = reader.GetInt32(1);
            }

            return counts;
        });

        var now = DateTimeOffset.Now;
        return instances.Select(i => new SchedulerInstanceStatus
        {
            Id = i.Id,
            Kind = i.Kind,
            Host = i.Host,
            ProcessId = i.ProcessId,
            StartedAt = i.StartedAt,
            HeartbeatAt = i.HeartbeatAt,
            StoppedAt = i.StoppedAt,
            HeartbeatAge = now - i.HeartbeatAt,
            RunningExecutions = running.GetValueOrDefault(i.Id),
            State = i.IsStopped ? "stopped" : now - i.HeartbeatAt > silentAfter ? "silent" : "running",
        }).ToList();
    }
}
