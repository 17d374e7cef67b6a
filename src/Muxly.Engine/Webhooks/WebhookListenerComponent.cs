using System.Text.Json.Nodes;
using Muxly.Scheduler;

namespace Muxly.Webhooks;

/// <summary>
/// Hosts the webhook listener inside a scheduler: started with it when any trigger is enabled, stopped before it (so
/// no call is accepted that the scheduler could not run). Accepted calls run as the scheduler instance's executions.
/// A port that cannot be had fails the scheduler's start with <c>MuxlyWebhookListenerUnavailable</c>: a scheduler
/// runs without its listener only when told to (by not adding this component).
/// </summary>
public sealed class WebhookListenerComponent : ISchedulerComponent
{
    private readonly string? _prefix;
    private readonly bool _allowRemote;
    private WebhookListener? _listener;

    /// <param name="prefix">The prefix to bind (<c>http://host:port/</c>); null: the <c>webhook.listener_prefix</c> setting.</param>
    /// <param name="allowRemote">Allow a prefix that is not loopback.</param>
    public WebhookListenerComponent(string? prefix = null, bool allowRemote = false)
    {
        // A bad prefix is refused when the component is made, before any scheduler starts.
        _prefix = prefix is null ? null : WebhookListener.ValidatePrefix(prefix, allowRemote);
        _allowRemote = allowRemote;
    }

    public string Name => "webhook listener";

    /// <summary>Where it listens, once started; null when no trigger was enabled.</summary>
    public string? Prefix => _listener?.Prefix;

    public void Start(SchedulerContext context)
    {
        if (!context.Store.WebhookTriggers.AnyEnabled())
        {
            context.Log("No webhook trigger is enabled: the webhook listener is not started (restart the scheduler after registering one).");
            return;
        }

        // The runs give way to the requests the listener is handling (see JobRunnerWebhookDispatcher).
        var requests = new WebhookRequestGauge();
        var options = new WebhookListenerOptions
        {
            Prefix = _prefix,
            AllowRemote = _allowRemote,
            Log = context.Log,
            InstanceId = context.InstanceId,
            Requests = requests,
        };
        // The scheduler marks abandoned executions itself, every heartbeat, and prunes old executions every prune
        // interval: a run need not do either (pruning after each run costs a scan of the job's executions, which under
        // a burst of calls made the runs ever slower as their table grew).
        // Runs are short and many: each worker runs its actions itself, on the connection it keeps.
        var runner = new JobRunnerOptions { MarkAbandonedFirst = false, PruneAfterRun = false, RunActionsInline = true };
        var dispatcher = new JobRunnerWebhookDispatcher(context.Store, runner, context.InstanceId, context.Log, yieldTo: requests);
        var listener = new WebhookListener(context.Store, options, dispatcher);
        listener.Start();
        _listener = listener;
        RunOrphanedQueued(context, dispatcher);
    }

    /// <summary>
    /// Calls accepted by a scheduler that stopped before running them (or died) are still queued: this scheduler takes
    /// them over in one transaction, so each runs once, here.
    /// </summary>
    private static void RunOrphanedQueued(SchedulerContext context, IWebhookDispatcher dispatcher)
    {
        var orphans = context.Store.Executions.ClaimOrphanedQueued(context.InstanceId, context.Store.Executions.AbandonedAfter());
        if (orphans.Count == 0)
        {
            return;
        }

        context.Log($"webhook listener: running {orphans.Count} call(s) accepted earlier and left queued by a scheduler that stopped.");
        var triggers = context.Store.WebhookTriggers.List();
        foreach (var (executionId, jobId, payload) in orphans)
        {
            // The trigger may have been removed since; the job still owes the accepted call its run.
            var trigger = triggers.FirstOrDefault(t => t.JobId == jobId)
                ?? new WebhookTrigger { Id = string.Empty, Job = jobId, JobId = jobId, Path = "(removed trigger)" };
            var body = payload is null ? null : JsonNode.Parse(payload);
            dispatcher.Dispatch(new WebhookDispatch(trigger, executionId, body ?? new JsonObject(), MessageId: null));
        }
    }

    public void Stop(TimeSpan grace)
    {
        _listener?.Stop();
        _listener = null;
    }
}
