using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Muxly.Storage;

namespace Muxly.Scheduler;

/// <summary>
/// The long-running scheduler (SPEC §7): runs cron jobs when they are due, on worker tasks, in this process.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><b>Instance.</b> Registers a <c>scheduler</c> instance and heartbeats it every
/// <c>scheduler.heartbeat_seconds</c>. If its row is marked stopped by someone else (<c>Stop-MuxlyScheduler -All</c>), it
/// stops gracefully.</description></item>
/// <item><description><b>Due occurrences.</b> The enabled cron jobs wait in a <see cref="SchedulePlan"/>, queued by
/// their next occurrence. Each pass takes out the due ones, reads their cursors, plans their due occurrences
/// with <see cref="MissedRunPlanner"/> (occurrences that came due while this scheduler was running are late, not missed),
/// claims each one (<see cref="ExecutionStore.TryClaimOccurrence"/>: one conditional insert in <c>BEGIN IMMEDIATE</c>, so
/// of several schedulers exactly one gets it), then runs it through <see cref="JobRunner"/> on a worker task or records it
/// skipped, advances the cursor and queues the job at its next occurrence. It then sleeps until the next occurrence of
/// any job, at most <see cref="SchedulerServiceOptions.MaxSleep"/>. Each wake-up asks the database whether anything was
/// committed (<see cref="DatabaseChangeWatch"/>) and whether the jobs were among it; the plan is reloaded only then,
/// so edits from any process take effect within <see cref="SchedulerServiceOptions.MaxSleep"/>.</description></item>
/// <item><description><b>Crashes.</b> At start and at every heartbeat, running executions whose owner went silent are
/// marked abandoned and retried per their job's retry policy (attempt numbers continue), unless the job's latest
/// <see cref="SchedulerServiceOptions.CrashLoopLimit"/> runs were all abandoned: then a skipped row says why.</description></item>
/// <item><description><b>Stop.</b> No new occurrence is claimed; running executions get the grace period to finish,
/// then are cancelled cooperatively; the instance is marked stopped.</description></item>
/// </list>
/// </remarks>
public sealed class SchedulerService : IDisposable
{
    private readonly MuxlyStore _store;
    private readonly SchedulerServiceOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _cancelRuns = new();
    private readonly ConcurrentDictionary<long, Task<JobExecution?>> _running = new();
    private readonly SemaphoreSlim? _slots;
    private readonly ManualResetEventSlim _finished = new(false);
    private readonly object _gate = new();
    private JobRunner _runner = null!;
    private List<JobExecution>? _passResults;
    private long _nextRunId;
    private int _started;
    private int _skipped;
    private int _abandoned;
    private int _retried;
    private int _notStarted;
    private TimeSpan? _requestedGrace;
    private string? _jobsSignature;
    private readonly SchedulePlan _plan = new();
    private DatabaseChangeWatch? _changes;
    private readonly HashSet<string> _badJobs = [];
    private TimeSpan _heartbeat;
    private TimeSpan _catchUpWindow;
    private TimeSpan _abandonedAfter;
    private Thread? _heartbeatThread;
    private DateTimeOffset _lastPrune;

    public SchedulerService(MuxlyStore store, SchedulerServiceOptions? options = null)
    {
        _store = store;
        _options = options ?? new SchedulerServiceOptions();
        if (_options.MaxConcurrentRuns is { } most)
        {
            _slots = most >= 1 ? new SemaphoreSlim(most, most) : throw MuxlyException.Invalid("MuxlySchedulerConcurrencyInvalid",
                $"The most runs at once must be 1 or more (got {most}).", most);
        }
    }

    public SchedulerService(string databasePath, SchedulerServiceOptions? options = null)
        : this(MuxlyStore.Open(databasePath), options)
    {
    }

    public MuxlyStore Store => _store;

    /// <summary>This scheduler's row in <c>scheduler_instances</c>, once it has started.</summary>
    public SchedulerInstance? Instance { get; private set; }

    /// <summary>True once a stop was asked for (by <see cref="Stop"/>, the caller's token, or the database).</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Executions running on this scheduler's workers now.</summary>
    public int RunningCount => _running.Count;

    /// <summary>
    /// Runs until <paramref name="stop"/> is cancelled or <see cref="Stop"/> is called, then stops gracefully and returns.
    /// </summary>
    public void Run(CancellationToken stop = default)
    {
        Start();
        using var registration = stop.Register(() => RequestStop());
        try
        {
            var lastLook = Instance!.StartedAt;
            var lastRecovery = _options.Clock.GetUtcNow();
            while (!_stopping.IsCancellationRequested)
            {
                var now = _options.Clock.GetUtcNow();
                DateTimeOffset? next = null;
                try
                {
                    if (now - lastRecovery >= _heartbeat)
                    {
                        RecoverAbandoned();
                        RecoverOrphanedClaims();
                        lastRecovery = now;
                    }

                    if (now - _lastPrune >= _options.PruneInterval)
                    {
                        Prune();
                    }

                    // Occurrences since a little before the last look came due while this scheduler ran: late, not missed.
                    next = Pass(now, lastLook - _options.OnTimeTolerance);
                    lastLook = now;
                }
                catch (MuxlyException ex)
                {
                    // The database unusable for a moment (locked past the busy timeout, a disk full): try again shortly.
                    Log($"This pass failed, trying again: {ex.Message}");
                }

                var sleep = next is { } at ? at - _options.Clock.GetUtcNow() : _options.MaxSleep;
                // To the millisecond: a wait rounded to a coarser tick would make every run that much late.
                sleep = sleep < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : sleep > _options.MaxSleep ? _options.MaxSleep : sleep;
                _stopping.Token.WaitHandle.WaitOne(sleep);
            }
        }
        catch (Exception ex)
        {
            Log($"The scheduler failed: {ex.Message}");
            Shutdown();
            throw;
        }

        Shutdown();
    }

    /// <summary>
    /// One pass, for OS schedulers: recovers abandoned executions, runs what is due now (missed occurrences per their
    /// job's policy), waits for those runs (retries included) and returns what happened.
    /// </summary>
    public SchedulerPassSummary RunOnce(CancellationToken stop = default)
    {
        _passResults = [];
        Start();
        using var registration = stop.Register(() => RequestStop());
        try
        {
            Pass(_options.Clock.GetUtcNow(), liveSince: null);
            while (!_stopping.IsCancellationRequested && !_running.IsEmpty)
            {
                Task.WaitAny(_running.Values.ToArray<Task>(), _stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting: the shutdown below gives the runs their grace period.
        }
        finally
        {
            Shutdown();
        }

        lock (_gate)
        {
            return new SchedulerPassSummary
            {
                InstanceId = Instance!.Id,
                Executions = _passResults.ToList(),
                Skipped = _skipped,
                Abandoned = _abandoned,
                Retried = _retried,
                NotStarted = _notStarted,
            };
        }
    }

    /// <summary>Asks the scheduler to stop (it stops claiming at once) with this grace period, without waiting.</summary>
    public void RequestStop(TimeSpan? grace = null)
    {
        lock (_gate)
        {
            _requestedGrace ??= grace;
        }

        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Stops gracefully: running executions get <paramref name="grace"/> (default: the options', else
    /// <c>scheduler.shutdown_grace_seconds</c>) to finish, then are cancelled. Waits for <see cref="Run"/> to return;
    /// false if it has not after <paramref name="wait"/>.
    /// </summary>
    public bool Stop(TimeSpan? grace = null, TimeSpan? wait = null)
    {
        RequestStop(grace);
        return Volatile.Read(ref _started) == 0 || _finished.Wait(wait ?? Timeout.InfiniteTimeSpan);
    }

    /// <summary>Waits until the scheduler has stopped (its instance marked stopped).</summary>
    public bool WaitForStop(TimeSpan timeout) => _finished.Wait(timeout);

    public void Dispose()
    {
        RequestStop();
    }

    private void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("A scheduler service runs once; create another to run again.");
        }

        _heartbeat = _options.HeartbeatInterval ?? TimeSpan.FromSeconds(_store.Settings.GetValue<int>("scheduler.heartbeat_seconds"));
        _catchUpWindow = TimeSpan.FromMinutes(_store.Settings.GetValue<int>("scheduler.catch_up_window_minutes"));
        _abandonedAfter = _store.Executions.AbandonedAfter();
        var runner = _options.Runner ?? new JobRunnerOptions();
        _runner = new JobRunner(_store, new JobRunnerOptions
        {
            RetryBaseDelay = runner.RetryBaseDelay,
            RetryMaxDelay = runner.RetryMaxDelay,
            Jitter = runner.Jitter,
            CancelPollInterval = runner.CancelPollInterval,
            HeartbeatInterval = _options.HeartbeatInterval ?? (runner.HeartbeatInterval < _heartbeat ? runner.HeartbeatInterval : _heartbeat),
            CancellationGrace = _options.CancellationGrace,
            PruneAfterRun = runner.PruneAfterRun,
            // Abandoned executions are this service's to find, so that each one found is also retried per policy.
            MarkAbandonedFirst = false,
        });

        Instance = _store.SchedulerInstances.Register(SchedulerInstanceStore.SchedulerKind);
        Log($"Scheduler {Label} started (instance {Instance.Id}, {Instance.Host} pid {Instance.ProcessId}); heartbeat every {_heartbeat.TotalSeconds:0.##} s.");
        _heartbeatThread = new Thread(HeartbeatLoop) { IsBackground = true, Name = "Muxly scheduler heartbeat" };
        _heartbeatThread.Start();

        var context = new SchedulerContext(_store, Instance.Id, Log, _stopping.Token, (job, request) => Dispatch(job, request with { InstanceId = Instance.Id }));
        foreach (var component in _options.Components)
        {
            component.Start(context);
            Log($"Started {component.Name}.");
        }

        RecoverAbandoned();
        RecoverOrphanedClaims();
        Prune();
    }

    private string Label => _options.Name ?? Instance?.Id ?? "scheduler";

    /// <summary>
    /// Deals with the jobs that are due (the plan knows which, without reading the others); returns when the next
    /// occurrence of any job is due.
    /// </summary>
    private DateTimeOffset? Pass(DateTimeOffset now, DateTimeOffset? liveSince)
    {
        RefreshJobs(now);
        var due = _plan.TakeDue(now);
        if (due.Count == 0)
        {
            return _plan.NextDue;
        }

        // The cursors as stored: another scheduler may have dealt with some of these occurrences already.
        var cursors = ReadCursors(due.Select(d => d.Job.Id));
        foreach (var planned in due)
        {
            var job = planned.Job;
            if (_stopping.IsCancellationRequested)
            {
                _plan.Retry(planned);
                continue;
            }

            try
            {
                var cursor = cursors.TryGetValue(job.Id, out var stored) ? stored : planned.Cursor;
                var plan = MissedRunPlanner.Plan(job, now, _catchUpWindow, _options.OnTimeTolerance, liveSince, cursor, planned.Schedule);
                _plan.Return(planned, Handle(job, plan) ?? cursor);
            }
            catch (MuxlyException ex)
            {
                // One job failing (the database locked for longer than the busy timeout) must not stop the others; it
                // stays due, for the next pass to try again. Said once.
                _plan.Retry(planned);
                if (_badJobs.Add(job.Id))
                {
                    Log($"Job '{job.Name}' could not be scheduled now, trying again: {ex.Message}");
                }
            }
        }

        return _plan.NextDue;
    }

    /// <summary>
    /// Claims and runs or skips each planned occurrence, and advances the cursor. The runs of one job go to one worker,
    /// oldest first, so that catching up does not trip the job's own overlap policy. Returns how far the job got.
    /// </summary>
    private DateTimeOffset? Handle(Job job, MissedRunPlan plan)
    {
        DateTimeOffset? reached = null;
        var runs = new List<JobRunRequest>();
        foreach (var occurrence in plan.Occurrences)
        {
            if (_stopping.IsCancellationRequested)
            {
                break;
            }

            if (_store.Executions.TryClaimOccurrence(job.Id, occurrence.ScheduledFor, Instance!.Id))
            {
                if (occurrence.Run)
                {
                    runs.Add(new JobRunRequest(occurrence.TriggeredBy, InstanceId: Instance.Id, ScheduledFor: occurrence.ScheduledFor));
                }
                else
                {
                    _store.Executions.RecordSkipped(job.Id, occurrence.TriggeredBy, occurrence.ScheduledFor, occurrence.SkipReason ?? "Skipped.", Instance.Id);
                    Interlocked.Increment(ref _skipped);
                    Log($"Job '{job.Name}': skipped the occurrence {Format(occurrence.ScheduledFor)}: {occurrence.SkipReason}");
                }
            }

            reached = occurrence.ScheduledFor;
        }

        if (!_stopping.IsCancellationRequested && plan.CursorTo is { } to)
        {
            reached = to;
            if (plan.Unlisted > 0)
            {
                Log($"Job '{job.Name}': {plan.Unlisted} older missed occurrence(s) were skipped without a row each.");
            }
        }

        if (reached is { } at)
        {
            _store.Jobs.AdvanceCursor(job.Id, at);
        }

        if (runs.Count > 0)
        {
            Dispatch(job, runs);
        }

        return reached;
    }

    /// <summary>Runs a job on a worker task; the task ends with its last execution, or null if it could not start.</summary>
    private Task<JobExecution?> Dispatch(Job job, JobRunRequest request) => Dispatch(job, [request]);

    /// <summary>Runs a job once per request, in order, on one worker task; the task ends with the last execution.</summary>
    private Task<JobExecution?> Dispatch(Job job, IReadOnlyList<JobRunRequest> requests)
    {
        var id = Interlocked.Increment(ref _nextRunId);
        var task = new Task<JobExecution?>(() =>
        {
            JobExecution? last = null;
            try
            {
                foreach (var request in requests)
                {
                    if (!WaitForSlot())
                    {
                        Log($"Job '{job.Name}': not started: the scheduler is stopping (the occurrence stays claimed for the next scheduler).");
                        break;
                    }

                    try
                    {
                        if (request.ScheduledFor is { } scheduledFor && request.TriggeredBy != ExecutionTriggers.Retry)
                        {
                            var late = _options.Clock.GetUtcNow() - scheduledFor;
                            Emit(new SchedulerLogRecord
                            {
                                Time = _options.Clock.GetLocalNow(), Event = "Started", Job = job.Name, ScheduledFor = scheduledFor, Lateness = late,
                                Message = $"Job '{job.Name}': running the occurrence {Format(scheduledFor)} ({request.TriggeredBy}), {late.TotalSeconds:0.000} s late.",
                            });
                        }

                        last = RunOne(job, request);
                    }
                    finally
                    {
                        _slots?.Release();
                    }
                }

                return last;
            }
            finally
            {
                _running.TryRemove(id, out _);
            }
        }, TaskCreationOptions.LongRunning);
        _running[id] = task;
        task.Start(TaskScheduler.Default);
        return task;
    }

    private JobExecution? RunOne(Job job, JobRunRequest request)
    {
        try
        {
            var execution = _runner.Run(job, request with
            {
                Log = Log,
                Warn = w => Emit(new SchedulerLogRecord { Time = _options.Clock.GetLocalNow(), Event = "Warning", Job = job.Name, Message = $"Job '{job.Name}': warning: {w}" }),
            }, _cancelRuns.Token);
            lock (_gate)
            {
                _passResults?.Add(execution);
            }

            Emit(new SchedulerLogRecord
            {
                Time = _options.Clock.GetLocalNow(),
                Event = EventFor(execution.Status),
                Job = job.Name,
                ExecutionId = execution.Id,
                Attempt = execution.Attempt,
                ScheduledFor = execution.ScheduledFor,
                Message = $"Job '{job.Name}': execution {execution.Id} (attempt {execution.Attempt}, {execution.TriggeredBy}) {execution.Status}" +
                    (execution.Error is null ? "." : $": {execution.Error}"),
            });

            return execution;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _notStarted);
            Log($"Job '{job.Name}': not run: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Runs occurrences another scheduler claimed but never started before it died or stopped: claimed means owed,
    /// so none is lost. They run as catch-up for the occurrence they were claimed for.
    /// </summary>
    private void RecoverOrphanedClaims()
    {
        IReadOnlyList<(string JobId, DateTimeOffset ScheduledFor)> orphans;
        try
        {
            orphans = _store.Executions.ReclaimOrphanedClaims(Instance!.Id, _abandonedAfter);
        }
        catch (MuxlyException ex)
        {
            Log($"Could not look for claimed occurrences that never started: {ex.Message}");
            return;
        }

        foreach (var group in orphans.GroupBy(o => o.JobId))
        {
            var job = _store.Jobs.FindById(group.Key);
            if (job is null || !job.Enabled)
            {
                continue;
            }

            foreach (var (_, scheduledFor) in group)
            {
                Log($"Job '{job.Name}': the occurrence {Format(scheduledFor)} was claimed by a scheduler that stopped before starting it; running it now.");
            }

            Dispatch(job, group.Select(o => new JobRunRequest(ExecutionTriggers.CatchUp, InstanceId: Instance!.Id, ScheduledFor: o.ScheduledFor)).ToList());
        }
    }

    /// <summary>Marks executions whose process is gone abandoned and retries them per policy, with the crash-loop guard.</summary>
    private void RecoverAbandoned()
    {
        IReadOnlyList<JobExecution> abandoned;
        try
        {
            abandoned = _store.Executions.MarkAbandoned(_abandonedAfter);
        }
        catch (MuxlyException ex)
        {
            Log($"Could not look for abandoned executions: {ex.Message}");
            return;
        }

        foreach (var execution in abandoned)
        {
            Interlocked.Increment(ref _abandoned);
            Log($"Job '{execution.JobName}': execution {execution.Id} (attempt {execution.Attempt}) was abandoned: its process stopped sending heartbeats.");
            var job = _store.Jobs.FindById(execution.JobId);
            if (job is null || !job.Enabled)
            {
                Log($"Job '{execution.JobName}': not retried, because the job is {(job is null ? "deleted" : "disabled")}.");
                continue;
            }

            if (execution.Attempt > job.MaxRetries)
            {
                Log($"Job '{job.Name}': not retried, because it had used all {1 + job.MaxRetries} attempt(s).");
                continue;
            }

            var latest = _store.Executions.Query(new ExecutionQuery(job.Id,
                [ExecutionStatuses.Succeeded, ExecutionStatuses.Failed, ExecutionStatuses.TimedOut, ExecutionStatuses.Cancelled, ExecutionStatuses.Abandoned],
                Last: _options.CrashLoopLimit));
            if (latest.Count >= _options.CrashLoopLimit && latest.All(e => e.Status == ExecutionStatuses.Abandoned))
            {
                var reason = $"Not retried: the job's last {_options.CrashLoopLimit} runs were all abandoned (the process running them died each time), " +
                    "so it may be what crashes the scheduler. Run it by hand (Start-MuxlyJob) to find out why.";
                _store.Executions.RecordSkipped(job.Id, ExecutionTriggers.Retry, execution.ScheduledFor, reason, Instance!.Id, execution.Attempt + 1);
                Interlocked.Increment(ref _skipped);
                Log($"Job '{job.Name}': {reason}");
                continue;
            }

            Interlocked.Increment(ref _retried);
            Log($"Job '{job.Name}': retrying abandoned execution {execution.Id} as attempt {execution.Attempt + 1}.");
            var payload = _store.Executions.ReadPayload(execution.Id);
            Dispatch(job, new JobRunRequest(
                ExecutionTriggers.Retry,
                execution.Parameters is null ? null : JsonNode.Parse(execution.Parameters) as JsonObject,
                payload is null ? null : JsonNode.Parse(payload),
                Instance!.Id,
                execution.ScheduledFor,
                FirstAttempt: execution.Attempt + 1));
        }
    }

    private void Prune()
    {
        _lastPrune = _options.Clock.GetUtcNow();
        try
        {
            var executions = _store.Executions.Prune();
            var claims = _store.Executions.PruneClaims(_options.ClaimRetention);
            var instances = _store.SchedulerInstances.Prune(TimeSpan.FromDays(7));
            if (executions + claims + instances > 0)
            {
                Log($"Pruned {executions} old execution(s), {claims} occurrence claim(s) and {instances} stopped instance(s).");
            }
        }
        catch (MuxlyException ex)
        {
            Log($"Could not prune: {ex.Message}");
        }
    }

    /// <summary>
    /// Reloads the plan when the jobs (or the default zone) changed since the last look. Nearly free when nothing was
    /// committed at all (<see cref="DatabaseChangeWatch"/>); otherwise one query tells whether the jobs were among the
    /// changes, and only then are they read again.
    /// </summary>
    private void RefreshJobs(DateTimeOffset now)
    {
        _changes ??= _store.Database.WatchChanges();
        if (!_changes.HasChanged() && _jobsSignature is not null)
        {
            return;
        }

        var signature = _store.Database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT (SELECT count(*) || '|' || COALESCE(max(updated_at), '') FROM scheduler_jobs) || '|' ||
                       (SELECT count(*) || '|' || COALESCE(max(updated_at), '') FROM scheduler_job_options) || '|' ||
                       COALESCE((SELECT value FROM settings WHERE key = 'scheduler.time_zone' COLLATE NOCASE), '')
                """;
            return (string)command.ExecuteScalar()!;
        });
        if (signature == _jobsSignature)
        {
            return;
        }

        var jobs = _store.Jobs.List().Where(j => j.Enabled && j.JobType == "cron" && j.Schedule is not null).ToList();
        foreach (var job in jobs.Where(j => j.LastScheduledFor is null))
        {
            // A job inserted without a cursor starts from now, as a new job does.
            _store.Jobs.AdvanceCursor(job.Id, now);
        }

        _badJobs.Clear();
        _plan.Load(jobs, now, (job, ex) =>
        {
            // One broken job (a zone this machine lacks) must not stop the others; say so once per change.
            if (_badJobs.Add(job.Id))
            {
                Log($"Job '{job.Name}' cannot be scheduled: {ex.Message}");
            }
        });
        Log(_jobsSignature is null ? $"{jobs.Count} enabled cron job(s)." : $"Jobs changed: {jobs.Count} enabled cron job(s).");

        _jobsSignature = signature;
    }

    /// <summary>The stored cursors of these jobs (one query, however many).</summary>
    private Dictionary<string, DateTimeOffset> ReadCursors(IEnumerable<string> jobIds) => _store.Database.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT job_id, last_scheduled_for FROM scheduler_job_cursors WHERE job_id IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(jobIds));
        using var reader = command.ExecuteReader();
        var cursors = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (reader.Read())
        {
            cursors[reader.GetString(0)] = SqliteValues.ReadTimestamp(reader, 1);
        }

        return cursors;
    });

    private void HeartbeatLoop()
    {
        while (!_stopping.Token.WaitHandle.WaitOne(_heartbeat))
        {
            try
            {
                if (!_store.SchedulerInstances.Heartbeat(Instance!.Id))
                {
                    Log("This scheduler's instance was marked stopped in the database (Stop-MuxlyScheduler -All): stopping.");
                    RequestStop();
                }
            }
            catch (MuxlyException ex)
            {
                Log($"Heartbeat failed: {ex.Message}");
            }
        }
    }

    /// <summary>Stops claiming, stops hosted components, lets runs finish within the grace period, then cancels them.</summary>
    private void Shutdown()
    {
        RequestStop();
        TimeSpan grace;
        lock (_gate)
        {
            grace = _requestedGrace ?? _options.GracePeriod ?? TimeSpan.FromSeconds(_store.Settings.GetValue<int>("scheduler.shutdown_grace_seconds"));
        }

        try
        {
            foreach (var component in _options.Components.Reverse())
            {
                try
                {
                    component.Stop(grace);
                    Log($"Stopped {component.Name}.");
                }
                catch (Exception ex)
                {
                    Log($"Stopping {component.Name} failed: {ex.Message}");
                }
            }

            var runs = _running.Values.ToArray<Task>();
            if (runs.Length > 0)
            {
                Log($"Stopping: waiting up to {grace.TotalSeconds:0.##} s for {runs.Length} running execution(s).");
                if (!Task.WaitAll(runs, grace))
                {
                    var left = runs.Count(t => !t.IsCompleted);
                    Log($"Grace period over: cancelling {left} execution(s).");
                    _cancelRuns.Cancel();
                    Task.WaitAll(runs, _options.CancellationGrace + TimeSpan.FromSeconds(2));
                }
            }

            _heartbeatThread?.Join(TimeSpan.FromSeconds(5));
            _store.SchedulerInstances.Stop(Instance!.Id);
            Log($"Scheduler {Label} stopped.");
        }
        finally
        {
            _changes?.Dispose();
            _finished.Set();
        }
    }

    private void Log(string message) => Emit(new SchedulerLogRecord { Time = _options.Clock.GetLocalNow(), Event = "Info", Message = message });

    private static string EventFor(string status) => status switch
    {
        ExecutionStatuses.Succeeded => "Succeeded",
        ExecutionStatuses.Failed => "Failed",
        ExecutionStatuses.TimedOut => "TimedOut",
        ExecutionStatuses.Cancelled => "Cancelled",
        ExecutionStatuses.Skipped => "Skipped",
        ExecutionStatuses.Abandoned => "Abandoned",
        _ => "Info",
    };

    /// <summary>Waits for a free run slot (with -MaxConcurrentJobs); false when the scheduler stops first.</summary>
    private bool WaitForSlot()
    {
        if (_slots is null)
        {
            return true;
        }

        try
        {
            _slots.Wait(_stopping.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One event to both sinks: the text line and the typed record. A failing sink never stops the scheduler.</summary>
    private void Emit(SchedulerLogRecord record)
    {
        try
        {
            _options.Log?.Invoke(record.ToString());
            _options.Records?.Invoke(record);
        }
        catch (Exception)
        {
            // The reader went away (a removed job's collections); the scheduler goes on.
        }
    }

    private static string Format(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
