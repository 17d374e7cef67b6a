using Muxly.Storage;

namespace Muxly.PowerShell.Completers;

/// <summary>Completes the paths of registered webhook triggers.</summary>
public sealed class WebhookPathCompleter : DatabaseNameCompleter
{
    protected override IEnumerable<string> Names(MuxlyStore store) => store.WebhookTriggers.List().Select(t => t.Path);
}
