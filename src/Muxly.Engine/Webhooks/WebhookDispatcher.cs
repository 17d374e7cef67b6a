using System.Collections.Concurrent;
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
/// The default dispatcher: each call runs on a background task through <see cref="JobRunner"/>, triggered by
/// <c>webhook</c>, its first attempt being the queued execution the listener recorded. A queued execution that cannot
/// start (its job deleted or disabled meanwhile) is finished as failed with the reason, so no row stays queued.
/// </summary>
public sealed class JobRunnerWebhookDispatcher : IWebhookDispatcher
{
    private readonly MuxlyStore _store;
    private readonly JobRunner _runner;
    private readonly string? _instanceId;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>
    /// A dispatcher over <paramref name="store"/>. <paramref name="instanceId"/> is the scheduler instance that owns the
    /// runs (null: each run registers a runner instance); <paramref name="log"/> gets one line per finished run.
    /// </summary>
    public JobRunnerWebhookDispatcher(MuxlyStore store, JobRunnerOptions? options = null, string? instanceId = null, Action<string>? log = null)
    {
        _store = store;
        _runner = new JobRunner(store, options);
        _instanceId = instanceId;
        _log = log ?? (_ => { });
    }

    /// <summary>How many dispatched runs have not finished.</summary>
    public int RunningCount => _running.Count;

    public void Dispatch(WebhookDispatch dispatch)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        if (_stopping.IsCancellationRequested)
        {
            FinishUnstarted(dispatch, "The webhook listener was stopping; the run was not started.", "MuxlyWebhookListenerStopping");
            return;
        }

        var task = new Task(() => Run(dispatch), TaskCreationOptions.LongRunning);
        _running[dispatch.ExecutionId] = task;
        task.ContinueWith(_ => _running.TryRemove(dispatch.ExecutionId, out Task? _), TaskScheduler.Default);
        task.Start(TaskScheduler.Default);
    }

    /// <summary>Waits until every dispatched run has finished, or the timeout passes; true when all have.</summary>
    public bool WaitForIdle(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_running.IsEmpty)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            Task.WaitAny(_running.Values.ToArray(), left);
        }

        return true;
    }

    /// <summary>Refuses new dispatches, waits up to <paramref name="grace"/> for running ones, then cancels them.</summary>
    public void Stop(TimeSpan grace)
    {
        if (!WaitForIdleOrStop(grace))
        {
            _stopping.Cancel();
            WaitForIdle(TimeSpan.FromSeconds(15));
        }
    }

    private bool WaitForIdleOrStop(TimeSpan grace)
    {
        // New dispatches are refused from here on; running ones get the grace period.
        var idle = WaitForIdle(grace);
        _stopping.Cancel();
        return idle;
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
