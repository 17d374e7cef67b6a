using Muxly.Storage;

namespace Muxly.PowerShell.Completers;

/// <summary>Completes job names (Register-MuxlyWebhook -Job, Get-MuxlyWebhook -Job).</summary>
public sealed class JobNameCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.Jobs.List().Select(j => j.Name);
}

/// <summary>Completes the paths of registered webhook triggers.</summary>
public sealed class WebhookPathCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.WebhookTriggers.List().Select(t => t.Path);
}
