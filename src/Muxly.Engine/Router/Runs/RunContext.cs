namespace Muxly.Router.Runs;

/// <summary>
/// What a connector, transformation or destination may use while a route or job runs: the run's clock (for dynamic
/// values), where warnings and progress go (the cmdlet turns them into Warning and Verbose records; the scheduler
/// into its log), and cancellation. Never pass secrets to the sinks.
/// </summary>
public sealed class RunContext
{
    public RunContext(DateTimeOffset? now = null, Action<string>? warn = null, Action<string>? log = null, CancellationToken cancellation = default)
    {
        Now = now ?? DateTimeOffset.Now;
        Warn = warn ?? (_ => { });
        Log = log ?? (_ => { });
        Cancellation = cancellation;
    }

    /// <summary>The instant the run started; dynamic values such as <c>${DATE}</c> expand from it.</summary>
    public DateTimeOffset Now { get; }

    public Action<string> Warn { get; }

    public Action<string> Log { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>The JSON payload a webhook call triggered this run with, if any (the <c>webhook</c> connector's records).</summary>
    public System.Text.Json.Nodes.JsonNode? Payload { get; init; }

    /// <summary>A job run's parameters, which settings and templates use as <c>${param:NAME}</c>.</summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }
}
