using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Muxly.Json;
using Muxly.Scheduler;
using Muxly.Storage;

namespace Muxly.Webhooks;

/// <summary>
/// One accepted webhook call, ready to run: its queued execution (whose id the caller was already given) and the
/// parsed JSON payload.
/// </summary>
public sealed record WebhookDispatch(WebhookTrigger Trigger, string ExecutionId, JsonNode Payload, string? MessageId);

/// <summary>
/// Starts the job of an accepted webhook call without waiting for it: the listener has answered 202 by the time the
/// run does anything. <see cref="Stop"/> lets running dispatches finish within a grace period, then cancels them.
/// </summary>
public interface IWebhookDispatcher
{
    void Dispatch(WebhookDispatch dispatch);

    void Stop(TimeSpan grace);
}

/// <summary>
/// The default dispatcher: accepted calls wait in a queue in arrival order and a bounded pool of worker threads runs
/// them through <see cref="JobRunner"/>, triggered by <c>webhook</c>, each call's first attempt being the queued
/// execution the listener recorded. Calls accepted faster than they run wait their turn (their rows stay
/// <c>queued</c>), each runs exactly once. A queued execution that cannot start (its job deleted or disabled meanwhile)
/// is finished as failed with the reason; one whose turn had not come when a scheduler stopped stays queued, and the
/// next scheduler on the database runs it.
/// </summary>
public sealed class JobRunnerWebhookDispatcher : IWebhookDispatcher
{
    /// <summary>How long an idle worker waits for more work before its thread ends.</summary>
    private static readonly TimeSpan IdleWorkerLifetime = TimeSpan.FromSeconds(2);

    /// <summary>The longest a worker rests after one run while requests are being handled.</summary>
    private static readonly TimeSpan MaxRest = TimeSpan.FromMilliseconds(100);

    private readonly MuxlyStore _store;
    private readonly JobRunner _runner;
    private readonly string? _instanceId;
    private readonly Action<string> _log;
    private readonly int _maxWorkers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<WebhookDispatch> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly object _idle = new();
    private readonly WebhookRequestGauge? _yieldTo;
    private int _outstanding;
    private int _workers;
    private long _rests;

    /// <summary>
    /// A dispatcher over <paramref name="store"/>. <paramref name="instanceId"/> is the scheduler instance that owns the
    /// runs (null: each run registers a runner instance); <paramref name="log"/> gets one line per finished run;
    /// <paramref name="maxConcurrentRuns"/> is the most runs at once (null: one per processor: a run is mostly CPU and database writes, and more at once only contend with the listener and each other).
    /// With <paramref name="yieldTo"/>, runs give way to the listener: while it is handling requests, a worker rests
    /// after each run (see <see cref="Rests"/>), so that answering calls is not slowed by running the ones before.
    /// </summary>
    public JobRunnerWebhookDispatcher(MuxlyStore store, JobRunnerOptions? options = null, string? instanceId = null, Action<string>? log = null, int? maxConcurrentRuns = null,
        WebhookRequestGauge? yieldTo = null)
    {
        if (maxConcurrentRuns is < 1)
        {
            throw MuxlyException.Invalid("MuxlyWebhookConcurrencyInvalid", $"The most webhook runs at once must be 1 or more (got {maxConcurrentRuns}).", maxConcurrentRuns);
        }

        _store = store;
        // Each worker runs its actions itself (no thread per run) on its kept connection.
        _runner = new JobRunner(store, options ?? new JobRunnerOptions { RunActionsInline = true });
        _instanceId = instanceId;
        _log = log ?? (_ => { });
        _maxWorkers = maxConcurrentRuns ?? Environment.ProcessorCount;
        _yieldTo = yieldTo;
    }

    /// <summary>How many times a worker rested after a run because requests were being handled.</summary>
    public long Rests => Interlocked.Read(ref _rests);

    /// <summary>How many dispatched runs have not finished (waiting for a worker or running).</summary>
    public int RunningCount => Volatile.Read(ref _outstanding);

    /// <summary>The most runs at once.</summary>
    public int MaxConcurrentRuns => _maxWorkers;

    public void Dispatch(WebhookDispatch dispatch)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        if (_stopping.IsCancellationRequested)
        {
            FinishUnstarted(dispatch, "The webhook listener was stopping; the run was not started.", "MuxlyWebhookListenerStopping");
            return;
        }

        Interlocked.Increment(ref _outstanding);
        _queue.Enqueue(dispatch);
        _available.Release();
        // A worker more while under the limit; idle workers end on their own, so none outlive a quiet listener.
        if (TryAddWorker())
        {
            new Thread(Work) { IsBackground = true, Name = "Muxly webhook run" }.Start();
        }
    }

    /// <summary>Waits until every dispatched run has finished, or the timeout passes; true when all have.</summary>
    public bool WaitForIdle(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_idle)
        {
            while (_outstanding > 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(_idle, left);
            }
        }

        return true;
    }

    /// <summary>
    /// Refuses new dispatches, waits up to <paramref name="grace"/> for queued and running ones, then cancels the
    /// running ones; those still waiting are left queued for the next scheduler (or, without a scheduler instance,
    /// finished as failed, not started).
    /// </summary>
    public void Stop(TimeSpan grace)
    {
        if (!WaitForIdle(grace))
        {
            _stopping.Cancel();
            WaitForIdle(TimeSpan.FromSeconds(15));
        }

        // New dispatches are refused from here on, and idle workers end now (closing their kept connections).
        _stopping.Cancel();
        WaitForWorkersToEnd(TimeSpan.FromSeconds(5));
    }

    /// <summary>How many worker threads are alive (each with its kept connection).</summary>
    public int WorkerCount => Volatile.Read(ref _workers);

    private void WaitForWorkersToEnd(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_idle)
        {
            while (_workers > 0 && deadline - DateTime.UtcNow is { Ticks: > 0 } left)
            {
                Monitor.Wait(_idle, left);
            }
        }
    }

    /// <summary>Waits for a dispatch; false after <see cref="IdleWorkerLifetime"/> without one, or once stopping with none left.</summary>
    private bool WaitForWork()
    {
        try
        {
            return _available.Wait(IdleWorkerLifetime, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return _available.Wait(0);
        }
    }

    private void Work()
    {
        while (true)
        {
            // A worker's store calls (starting, running, watching and finishing its runs) share one connection,
            // closed before the worker stops counting: after IdleWorkerLifetime without work, or when stopped.
            using (_store.Database.KeepConnectionOnThisThread())
            {
                RunWhileThereIsWork();
            }

            lock (_idle)
            {
                Interlocked.Decrement(ref _workers);
                Monitor.PulseAll(_idle);
            }

            // A dispatch made while this worker was leaving saw it still counted: stay for it if there is room.
            if (_available.CurrentCount == 0 || !TryAddWorker())
            {
                return;
            }
        }
    }

    private void RunWhileThereIsWork()
    {
        while (WaitForWork())
        {
            if (!_queue.TryDequeue(out var dispatch))
            {
                continue;
            }

            try
            {
                if (_stopping.IsCancellationRequested)
                {
                    LeaveQueued(dispatch);
                }
                else
                {
                    var clock = Stopwatch.StartNew();
                    Run(dispatch);
                    YieldToRequests(clock.Elapsed);
                }
            }
            finally
            {
                lock (_idle)
                {
                    Interlocked.Decrement(ref _outstanding);
                    Monitor.PulseAll(_idle);
                }
            }
        }
    }

    /// <summary>
    /// While the listener is handling requests, rests for several times as long as the run took: together the
    /// workers then use about a quarter of one processor, and the rest goes to answering calls (each waiting run still
    /// runs, once, only later). Without requests in flight runs go back to back. A stop request ends the rest.
    /// </summary>
    private void YieldToRequests(TimeSpan ran)
    {
        if (_yieldTo is null || _yieldTo.InFlight == 0 || _stopping.IsCancellationRequested)
        {
            return;
        }

        var rest = TimeSpan.FromTicks(Math.Min(ran.Ticks * ((4 * _maxWorkers) - 1), MaxRest.Ticks));
        Interlocked.Increment(ref _rests);
        _stopping.Token.WaitHandle.WaitOne(rest);
    }

    /// <summary>
    /// A run whose turn had not come when the dispatcher stopped. A scheduler's stays queued in the database for the
    /// next scheduler to start on this database, which claims and runs it (<see cref="WebhookListenerComponent"/>); a
    /// standalone listener's has no one to run it later and is finished as failed.
    /// </summary>
    private void LeaveQueued(WebhookDispatch dispatch)
    {
        if (_instanceId is null)
        {
            FinishUnstarted(dispatch, "The webhook listener stopped before the run's turn came; it was not started.", "MuxlyWebhookListenerStopping");
            return;
        }

        _log($"webhook {dispatch.Trigger.Path}: execution {dispatch.ExecutionId} left queued for the next scheduler (stopped before its turn)");
    }

    private bool TryAddWorker()
    {
        int workers;
        while ((workers = Volatile.Read(ref _workers)) < _maxWorkers)
        {
            if (Interlocked.CompareExchange(ref _workers, workers + 1, workers) == workers)
            {
                return true;
            }
        }

        return false;
    }

    private void Run(WebhookDispatch dispatch)
    {
        try
        {
            var job = _store.Jobs.FindById(dispatch.Trigger.JobId) ?? throw _store.Jobs.NotFound(dispatch.Trigger.Job);
            var last = _runner.Run(job, new JobRunRequest(
                ExecutionTriggers.Webhook,
                Payload: dispatch.Payload,
                InstanceId: _instanceId,
                Log: _log,
                Warn: message => _log("warning: " + message),
                QueuedExecutionId: dispatch.ExecutionId), _stopping.Token);
            _log($"webhook {dispatch.Trigger.Path}: job '{job.Name}' finished {last.Status} (execution {last.Id})");
        }
        catch (MuxlyException ex)
        {
            FinishUnstarted(dispatch, ex.Message, ex.ErrorId);
        }
        catch (Exception ex)
        {
            FinishUnstarted(dispatch, ex.Message, "MuxlyWebhookDispatchFailed");
        }
    }

    private void FinishUnstarted(WebhookDispatch dispatch, string message, string errorId)
    {
        try
        {
            if (_store.Executions.FindById(dispatch.ExecutionId)?.Status == ExecutionStatuses.Queued)
            {
                var result = new JsonObject { ["status"] = ExecutionStatuses.Failed, ["error"] = message, ["error_id"] = errorId };
                _store.Executions.Finish(dispatch.ExecutionId, ExecutionStatuses.Failed, result.ToJson(), message);
            }

            _log($"webhook {dispatch.Trigger.Path}: execution {dispatch.ExecutionId} did not run: {message}");
        }
        catch (MuxlyException ex)
        {
            _log($"webhook {dispatch.Trigger.Path}: could not record that execution {dispatch.ExecutionId} did not run: {ex.Message}");
        }
    }
}

/// <summary>
/// How many webhook requests a listener is handling at this moment (read by the dispatcher to let runs give way).
/// </summary>
public sealed class WebhookRequestGauge
{
    private int _inFlight;

    /// <summary>Requests received and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>A request has arrived.</summary>
    public void Enter() => Interlocked.Increment(ref _inFlight);

    /// <summary>A request has been answered.</summary>
    public void Leave() => Interlocked.Decrement(ref _inFlight);
}
