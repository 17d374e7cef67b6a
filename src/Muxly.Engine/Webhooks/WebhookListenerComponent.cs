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

        var options = new WebhookListenerOptions
        {
            Prefix = _prefix,
            AllowRemote = _allowRemote,
            Log = context.Log,
            InstanceId = context.InstanceId,
        };
        var dispatcher = new JobRunnerWebhookDispatcher(context.Store, instanceId: context.InstanceId, log: context.Log);
        var listener = new WebhookListener(context.Store, options, dispatcher);
        listener.Start();
        _listener = listener;
    }

    public void Stop(TimeSpan grace)
    {
        _listener?.Stop();
        _listener = null;
    }
}
