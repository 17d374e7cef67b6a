using Muxly.Storage;

namespace Muxly.Scheduler;

/// <summary>How a <see cref="SchedulerService"/> runs. Null timings come from the <c>scheduler.*</c> settings.</summary>
public sealed record SchedulerServiceOptions
{
    /// <summary>A label for log lines (the PowerShell job's name, a systemd unit's name); the instance id when omitted.</summary>
    public string? Name { get; init; }

    /// <summary>The longest the loop sleeps between looks at the jobs, so new and edited jobs and stops are noticed.</summary>
    public TimeSpan MaxSleep { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long running executions may finish after a stop before they are cancelled; null: <c>scheduler.shutdown_grace_seconds</c>.</summary>
    public TimeSpan? GracePeriod { get; init; }

    /// <summary>How often the instance (and each running execution) says it is alive; null: <c>scheduler.heartbeat_seconds</c>.</summary>
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>
    /// How late the newest due occurrence may be and still count as on time when nothing says the scheduler was
    /// running then (at start, and in a run-once pass). Older ones were missed and follow the missed-run policy.
    /// </summary>
    public TimeSpan OnTimeTolerance { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The crash-loop guard: an abandoned execution is not retried when this many of the job's latest runs in a row were
    /// abandoned (their process died each time); a <c>skipped</c> row says why.
    /// </summary>
    public int CrashLoopLimit { get; init; } = 3;

    /// <summary>How often old executions (per <c>executions.retention_per_job</c>), occurrence claims and instances are pruned.</summary>
    public TimeSpan PruneInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long occurrence claims are kept (the job cursors are long past them by then).</summary>
    public TimeSpan ClaimRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>After the grace period, how long a cancelled run may take to notice before it is recorded as stopped.</summary>
    public TimeSpan CancellationGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where readable log lines go (each already carries a timestamp).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Where the same events go as typed records (Start-MuxlyScheduler's job output).</summary>
    public Action<SchedulerLogRecord>? Records { get; init; }

    /// <summary>The most runs at once; further due runs wait for a free slot. Null: no limit.</summary>
    public int? MaxConcurrentRuns { get; init; }

    /// <summary>The clock due occurrences are measured against (tests may pass their own).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How runs pace retries and polls; the heartbeat and cancellation grace above override its values.</summary>
    public JobRunnerOptions? Runner { get; init; }

    /// <summary>Parts hosted by the scheduler, started after it registers and stopped before it stops (the webhook listener).</summary>
    public IReadOnlyList<ISchedulerComponent> Components { get; init; } = [];
}

/// <summary>
/// Something the scheduler hosts for as long as it runs, such as the webhook listener: started once the instance is
/// registered, stopped (first, before running executions are waited for) when the scheduler stops. Runs it starts go
/// through <see cref="SchedulerContext.Run"/>, so they share the scheduler's instance, shutdown grace and log.
/// </summary>
public interface ISchedulerComponent
{
    string Name { get; }

    void Start(SchedulerContext context);

    void Stop(TimeSpan grace);
}

/// <summary>What a hosted component gets from the scheduler hosting it.</summary>
public sealed class SchedulerContext
{
    internal SchedulerContext(MuxlyStore store, string instanceId, Action<string> log, CancellationToken stopping, Func<Job, JobRunRequest, Task<JobExecution?>> run)
    {
        Store = store;
        InstanceId = instanceId;
        Log = log;
        Stopping = stopping;
        Run = run;
    }

    public MuxlyStore Store { get; }

    /// <summary>The scheduler instance (scheduler_instances.id) that owns runs started here.</summary>
    public string InstanceId { get; }

    public Action<string> Log { get; }

    /// <summary>Cancelled when the scheduler starts to stop: stop accepting new work.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Runs a job on one of the scheduler's workers (the request's instance is filled in); the task ends with its last execution, or null if it could not start.</summary>
    public Func<Job, JobRunRequest, Task<JobExecution?>> Run { get; }
}

/// <summary>What a <see cref="SchedulerService.RunOnce"/> pass did.</summary>
public sealed class SchedulerPassSummary
{
    /// <summary>The scheduler instance that made the pass.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The last execution of every run the pass started (retries of abandoned executions included), in start order.</summary>
    public required IReadOnlyList<JobExecution> Executions { get; init; }

    /// <summary>Occurrences recorded as skipped (missed-run policy, crash-loop guard).</summary>
    public int Skipped { get; init; }

    /// <summary>Executions this pass found abandoned (their process gone).</summary>
    public int Abandoned { get; init; }

    /// <summary>Abandoned executions this pass retried.</summary>
    public int Retried { get; init; }

    /// <summary>Runs that could not start (the job disabled or deleted meanwhile, a broken schedule).</summary>
    public int NotStarted { get; init; }

    public int Succeeded => Executions.Count(e => e.Status == ExecutionStatuses.Succeeded);

    /// <summary>Runs that ended failed, timed out, cancelled or abandoned.</summary>
    public int Failed => Executions.Count(e => e.Status is ExecutionStatuses.Failed or ExecutionStatuses.TimedOut or ExecutionStatuses.Cancelled or ExecutionStatuses.Abandoned);

    public override string ToString() =>
        $"{Executions.Count} run(s): {Succeeded} succeeded, {Failed} failed; {Skipped} skipped; {Abandoned} abandoned found, {Retried} retried.";
}
