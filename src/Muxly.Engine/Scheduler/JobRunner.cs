using System.Text.Json.Nodes;
using Muxly.Json;
using Muxly.Router.Records;
using Muxly.Router.Runs;
using Muxly.Storage;

namespace Muxly.Scheduler;

/// <summary>How a <see cref="JobRunner"/> paces itself. Null delays come from the <c>retry.*</c> settings.</summary>
public sealed class JobRunnerOptions
{
    /// <summary>The first retry's delay; null: <c>retry.base_delay_seconds</c>.</summary>
    public TimeSpan? RetryBaseDelay { get; init; }

    /// <summary>The longest delay between attempts; null: <c>retry.max_delay_seconds</c>.</summary>
    public TimeSpan? RetryMaxDelay { get; init; }

    /// <summary>How far each retry delay is spread at random (0.2: ±20 %).</summary>
    public double Jitter { get; init; } = RetryBackoff.DefaultJitter;

    /// <summary>How often a running attempt checks whether a stop was requested (from any process).</summary>
    public TimeSpan CancelPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a running attempt refreshes its heartbeat (and, for a runner instance of its own, the instance's).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After a timeout or stop, how long to wait for the action to notice the cancellation. An action still busy then
    /// (a connector blocked in a call that cannot be cancelled) is recorded as stopped and left to finish on its own.
    /// </summary>
    public TimeSpan CancellationGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Before a run, mark the job's executions whose process is gone abandoned, so that they do not block it. A
    /// scheduler turns this off: it marks them itself, every heartbeat, and retries them per policy.
    /// </summary>
    public bool MarkAbandonedFirst { get; init; } = true;

    /// <summary>Prune the job's executions to <c>executions.retention_per_job</c> after each run.</summary>
    public bool PruneAfterRun { get; init; } = true;

    /// <summary>
    /// Run each attempt's action on the calling thread, watched by a timer, instead of on a thread of its own. For a
    /// caller with its own bounded pool of threads running many short actions (the webhook dispatcher): no thread is
    /// started per run, and the action shares the thread's kept connection
    /// (<see cref="MuxlyDatabase.KeepConnectionOnThisThread"/>). Timeouts and stop requests cancel the action's token
    /// as usual, but the caller's thread waits for the action to return: there is no <see cref="CancellationGrace"/>
    /// after which it is left running in the background.
    /// </summary>
    public bool RunActionsInline { get; init; }
}

/// <summary>
/// One request to run a job. <see cref="InstanceId"/> is the scheduler instance running it; without one the runner
/// registers this process as a <c>runner</c> instance for the length of the run (its heartbeat is how other processes
/// tell a live run from one whose process died). <see cref="ScheduledFor"/> is the occurrence a scheduled or catch-up
/// run is for. <see cref="Force"/> runs a disabled job. <see cref="FirstAttempt"/> continues the attempt count of an
/// earlier run (retrying an abandoned execution): attempts then stop at <c>1 + max_retries</c> in all, as if the earlier
/// attempts had been made here (at least one attempt is always made). <see cref="QueuedExecutionId"/> is an execution
/// recorded as <c>queued</c> beforehand (a webhook call is answered with its id at once): the first attempt becomes that row.
/// </summary>
public sealed record JobRunRequest(
    string TriggeredBy = ExecutionTriggers.Manual,
    JsonObject? Parameters = null,
    JsonNode? Payload = null,
    string? InstanceId = null,
    DateTimeOffset? ScheduledFor = null,
    bool Force = false,
    Action<string>? Log = null,
    Action<string>? Warn = null,
    int FirstAttempt = 1,
    string? QueuedExecutionId = null);

/// <summary>
/// Runs a job now, in this process, and waits: each attempt is its own <c>job_executions</c> row (attempt 1..n, the
/// first triggered by the caller's trigger, the others by <c>retry</c>), moving from <c>running</c> to
/// <c>succeeded</c>, <c>failed</c>, <c>timed_out</c> or <c>cancelled</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><b>Retries.</b> A failed or timed-out attempt is retried up to <c>max_retries</c> times, after a
/// delay from <see cref="RetryBackoff"/>. A timeout counts as a failure: the next attempt may well be faster. A
/// cancelled attempt is not retried (someone asked it to stop), nor is one whose configuration cannot work (its route
/// deleted, its connector disabled).</description></item>
/// <item><description><b>Timeout.</b> <c>timeout_seconds</c> (0: none) cancels the attempt through the run's
/// cancellation token; it ends <c>timed_out</c>.</description></item>
/// <item><description><b>Stopping.</b> The attempt polls its row's cancel flag, which any process may set
/// (<see cref="ExecutionStore.RequestCancel(string, string?)"/>); it ends <c>cancelled</c>. So does cancelling the caller's token.</description></item>
/// <item><description><b>Overlap.</b> Checked when each attempt starts, in the same transaction that records it:
/// <c>forbid</c> records a <c>skipped</c> row and returns it; <c>replace</c> asks the running execution to stop and
/// starts; <c>allow</c> starts. A retry never replaces a newer run: under <c>replace</c> it behaves as
/// <c>forbid</c>. Running executions whose process is gone are marked abandoned first, so they do not block.</description></item>
/// </list>
/// </remarks>
public sealed class JobRunner
{
    private readonly MuxlyStore _store;
    private readonly JobRunnerOptions _options;

    public JobRunner(MuxlyStore store, JobRunnerOptions? options = null)
    {
        _store = store;
        _options = options ?? new JobRunnerOptions();
    }

    /// <summary>
    /// Refuses a disabled job (<c>MuxlyJobDisabled</c>) unless forced: what <see cref="Run(Job, JobRunRequest, CancellationToken)"/>
    /// checks first, public so that a caller starting the run in the background can refuse at once.
    /// </summary>
    public static void RequireRunnable(Job job, bool force)
    {
        if (!job.Enabled && !force)
        {
            throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyJobDisabled",
                $"The job '{job.Name}' is disabled. Enable it (Enable-MuxlyJob), or use -Force to run it once anyway.", job.Name);
        }
    }

    /// <summary>Runs the job with a trigger, optional parameters and payload; returns the last attempt's execution.</summary>
    public JobExecution Run(Job job, string triggeredBy, JsonObject? parameters = null, JsonNode? payload = null, string? instanceId = null, CancellationToken cancellation = default) =>
        Run(job, new JobRunRequest(triggeredBy, parameters, payload, instanceId), cancellation);

    /// <summary>
    /// Runs the job as asked and waits for it, retries included; returns the last attempt's execution (or the
    /// <c>skipped</c> row, when overlap forbade the run). A disabled job is refused (<c>MuxlyJobDisabled</c>) unless
    /// forced; nothing is recorded then.
    /// </summary>
    public JobExecution Run(Job job, JobRunRequest request, CancellationToken cancellation = default)
    {
        // Run what is stored now, not what the caller read a while ago.
        job = _store.Jobs.FindById(job.Id) ?? throw _store.Jobs.NotFound(job.Name);
        RequireRunnable(job, request.Force);

        var trigger = ExecutionTriggers.Require(request.TriggeredBy);
        if (request.FirstAttempt < 1)
        {
            throw MuxlyException.Invalid("MuxlyExecutionAttemptInvalid", $"An attempt number starts at 1 (got {request.FirstAttempt}).", request.FirstAttempt);
        }

        var log = request.Log ?? (_ => { });
        var warn = request.Warn ?? log;
        var ownInstance = request.InstanceId is null ? _store.SchedulerInstances.Register(SchedulerInstanceStore.RunnerKind) : null;
        var instanceId = request.InstanceId ?? ownInstance!.Id;
        try
        {
            if (_options.MarkAbandonedFirst)
            {
                _store.Executions.MarkAbandoned(_store.Executions.AbandonedAfter(), job.Id);
            }

            var baseDelay = _options.RetryBaseDelay ?? TimeSpan.FromSeconds(_store.Settings.GetValue<int>("retry.base_delay_seconds"));
            var maxDelay = _options.RetryMaxDelay ?? TimeSpan.FromSeconds(_store.Settings.GetValue<int>("retry.max_delay_seconds"));
            var parameters = request.Parameters?.ToJson();
            var payload = request.Payload?.ToJson();

            JobExecution last = null!;
            var lastAttempt = Math.Max(request.FirstAttempt, 1 + job.MaxRetries);
            for (var attempt = request.FirstAttempt; attempt <= lastAttempt; attempt++)
            {
                var first = attempt == request.FirstAttempt;
                var overlap = !first && job.OverlapPolicy == "replace" ? "forbid" : job.OverlapPolicy;
                var started = _store.Executions.Start(new ExecutionStart(
                    job.Id, first ? trigger : ExecutionTriggers.Retry, attempt, request.ScheduledFor, instanceId, parameters, payload, overlap,
                    first ? request.QueuedExecutionId : null));
                if (!started.Started)
                {
                    log($"Job '{job.Name}': skipped, because it is still running and its overlap policy is '{job.OverlapPolicy}'.");
                    return started.Execution;
                }

                foreach (var replaced in started.ReplacedExecutionIds)
                {
                    log($"Job '{job.Name}': asked the running execution {replaced} to stop (overlap policy 'replace').");
                }

                log($"Job '{job.Name}' attempt {attempt} of {lastAttempt}: started ({started.Execution.TriggeredBy}, execution {started.Execution.Id}).");
                var outcome = RunAttempt(job, started.Execution, request, ownInstance?.Id, cancellation);
                last = _store.Executions.Finish(started.Execution.Id, outcome.Status, outcome.Result, outcome.Error);
                var retrying = outcome.Status is ExecutionStatuses.Failed or ExecutionStatuses.TimedOut && outcome.Retryable && attempt < lastAttempt;
                var attemptLine = $"Job '{job.Name}' attempt {attempt} of {lastAttempt}: {last.Status}{(outcome.Error is null ? string.Empty : ": " + outcome.Error)}";
                if (!retrying)
                {
                    // The final outcome is the caller's to report (Start-MuxlyJob writes it as an error).
                    log(attemptLine);
                    break;
                }

                // A failed attempt that will be retried is worth a warning: it is the only trace of it in a cron log.
                var delay = RetryBackoff.DelayWithJitter(job.BackoffStrategy, attempt - request.FirstAttempt + 1, baseDelay, maxDelay, _options.Jitter);
                warn($"{attemptLine.TrimEnd('.')}. Waiting {delay.TotalSeconds:0.###} s before attempt {attempt + 1} ({job.BackoffStrategy} backoff).");
                if (delay > TimeSpan.Zero && cancellation.WaitHandle.WaitOne(delay))
                {
                    log($"Job '{job.Name}': stopped before its next attempt.");
                    break;
                }

                if (cancellation.IsCancellationRequested)
                {
                    break;
                }
            }

            Prune(job, log);
            return last;
        }
        finally
        {
            if (ownInstance is not null)
            {
                _store.SchedulerInstances.Stop(ownInstance.Id);
            }
        }
    }

    /// <summary>
    /// A run's parameters: the job's stored <c>parameters</c> (in its action parameters) as defaults, overridden by
    /// those given for this run. Values may use the dynamic values (<c>${YESTERDAY}</c>), expanded now, once.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> RunParameters(Job job, JobRunRequest request, DateTimeOffset now)
    {
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(JsonObject? source)
        {
            foreach (var (name, value) in source ?? [])
            {
                var text = value switch
                {
                    null => string.Empty,
                    JsonValue v when v.TryGetValue<string>(out var s) => s,
                    _ => value.ToJsonString(),
                };
                merged[name] = DynamicValues.Expand(text, now);
            }
        }

        Add(JsonNode.Parse(job.ActionParametersStored) is JsonObject stored ? stored["parameters"] as JsonObject : null);
        Add(request.Parameters);
        return merged;
    }

    private sealed record AttemptOutcome(string Status, string Result, string? Error, bool Retryable);

    private AttemptOutcome RunAttempt(Job job, JobExecution execution, JobRunRequest request, string? ownInstanceId, CancellationToken callerCancellation)
    {
        using var timeout = job.TimeoutSeconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(job.TimeoutSeconds)) : new CancellationTokenSource();
        using var stopRequested = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callerCancellation, timeout.Token, stopRequested.Token);
        var now = DateTimeOffset.Now;
        var context = new RunContext(now, request.Warn, request.Log, linked.Token) { Payload = request.Payload, Parameters = RunParameters(job, request, now) };
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var nextHeartbeat = _options.HeartbeatInterval;
        // Stop requests from other processes and heartbeats: checked every CancelPollInterval while the action runs.
        void Watch()
        {
            if (!linked.IsCancellationRequested && _store.Executions.IsCancelRequested(execution.Id))
            {
                stopRequested.Cancel();
            }

            if (clock.Elapsed >= nextHeartbeat)
            {
                _store.Executions.Heartbeat(execution.Id, request.InstanceId ?? ownInstanceId);
                if (ownInstanceId is not null)
                {
                    _store.SchedulerInstances.Heartbeat(ownInstanceId);
                }

                nextHeartbeat = clock.Elapsed + _options.HeartbeatInterval;
            }
        }

        Task<ActionOutcome> action;
        if (_options.RunActionsInline)
        {
            action = RunInline(job, context, Watch);
        }
        else
        {
            action = Task.Factory.StartNew(
                () =>
                {
                    // The action's reads (route, rules, destinations, connector, settings) share one connection.
                    using var kept = _store.Database.KeepConnectionOnThisThread();
                    return JobActions.Execute(_store, job, context);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);

            // This thread watches the attempt, and after a cancellation gives the action its grace period.
            // Waiting on a continuation, not on the action itself: Task.Wait would throw the action's exception here.
            var finished = action.ContinueWith(_ => { }, TaskScheduler.Default);
            TimeSpan? cancelledAt = null;
            while (!finished.Wait(_options.CancelPollInterval))
            {
                Watch();
                if (linked.IsCancellationRequested)
                {
                    cancelledAt ??= clock.Elapsed;
                    if (clock.Elapsed - cancelledAt >= _options.CancellationGrace)
                    {
                        // The action ignores its token; record the outcome now and let it finish in the background.
                        action.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                        var stillRunning = $" The action did not stop within {_options.CancellationGrace.TotalSeconds:0.#} s and was left to finish in the background.";
                        return Stopped(job, execution, timeout, stopRequested, clock.Elapsed, stillRunning);
                    }
                }
            }
        }

        if (action.IsCompletedSuccessfully)
        {
            var outcome = action.Result;
            outcome.Summary["duration_ms"] ??= (long)clock.Elapsed.TotalMilliseconds;
            return outcome.Succeeded
                ? new AttemptOutcome(ExecutionStatuses.Succeeded, outcome.Summary.ToJson(), null, false)
                : new AttemptOutcome(ExecutionStatuses.Failed, outcome.Summary.ToJson(), outcome.Error, Retryable: true);
        }

        var error = action.Exception!.GetBaseException();
        if (error is OperationCanceledException && linked.IsCancellationRequested)
        {
            return Stopped(job, execution, timeout, stopRequested, clock.Elapsed, string.Empty);
        }

        var retryable = error is not JobConfigurationException;
        var message = error is JobConfigurationException configuration ? configuration.Error.Message : error.Message;
        var result = new JsonObject
        {
            ["action"] = job.Action,
            ["status"] = ExecutionStatuses.Failed,
            ["error"] = message,
            ["duration_ms"] = (long)clock.Elapsed.TotalMilliseconds,
        };
        if ((error as MuxlyException ?? (error as JobConfigurationException)?.Error) is { } muxly)
        {
            result["error_id"] = muxly.ErrorId;
        }

        return new AttemptOutcome(ExecutionStatuses.Failed, result.ToJson(), message, retryable);
    }

    /// <summary>
    /// Runs the action on this thread while a timer calls <paramref name="watch"/> every poll interval (never two at
    /// once, and none after this returns); the outcome as a finished task, as the threaded path has it.
    /// </summary>
    private Task<ActionOutcome> RunInline(Job job, RunContext context, Action watch)
    {
        var watching = new object();
        var done = false;
        void Tick(object? _)
        {
            if (!Monitor.TryEnter(watching))
            {
                return;
            }

            try
            {
                if (!done)
                {
                    watch();
                }
            }
            catch (MuxlyException)
            {
                // A busy database: the next tick tries again, as the threaded watcher's next poll would.
            }
            finally
            {
                Monitor.Exit(watching);
            }
        }

        using var timer = new Timer(Tick, null, _options.CancelPollInterval, _options.CancelPollInterval);
        try
        {
            return Task.FromResult(JobActions.Execute(_store, job, context));
        }
        catch (Exception ex)
        {
            return Task.FromException<ActionOutcome>(ex);
        }
        finally
        {
            lock (watching)
            {
                done = true;
            }
        }
    }

    private AttemptOutcome Stopped(Job job, JobExecution execution, CancellationTokenSource timeout, CancellationTokenSource stopRequested, TimeSpan elapsed, string suffix)
    {
        string status, message;
        if (timeout.IsCancellationRequested && !stopRequested.IsCancellationRequested)
        {
            status = ExecutionStatuses.TimedOut;
            message = $"The run took longer than the job's timeout of {job.TimeoutSeconds} s and was cancelled.";
        }
        else if (stopRequested.IsCancellationRequested)
        {
            status = ExecutionStatuses.Cancelled;
            message = _store.Executions.CancelReason(execution.Id) ?? "Stop requested.";
        }
        else
        {
            status = ExecutionStatuses.Cancelled;
            message = "The run was stopped by the process running it.";
        }

        message += suffix;
        var result = new JsonObject
        {
            ["action"] = job.Action,
            ["status"] = status,
            ["error"] = message,
            ["duration_ms"] = (long)elapsed.TotalMilliseconds,
        };
        return new AttemptOutcome(status, result.ToJson(), message, Retryable: status == ExecutionStatuses.TimedOut);
    }

    private void Prune(Job job, Action<string> log)
    {
        if (!_options.PruneAfterRun)
        {
            return;
        }

        try
        {
            var deleted = _store.Executions.Prune(jobId: job.Id);
            if (deleted > 0)
            {
                log($"Job '{job.Name}': pruned {deleted} old execution(s).");
            }
        }
        catch (MuxlyException ex)
        {
            // Pruning is housekeeping: a busy database must not turn a finished run into a failed command.
            log($"Job '{job.Name}': could not prune old executions: {ex.Message}");
        }
    }
}
