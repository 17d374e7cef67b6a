using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Router.Runs;

namespace Muxly.Tests.Connectors;

/// <summary>Runs a connector the way a route does, and keeps what it said to the run's sinks.</summary>
internal sealed class ConnectorRun
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<string> Logs { get; } = new();

    public RunContext Context => new(warn: Warnings.Enqueue, log: Logs.Enqueue);

    public IEnumerable<string> Said => Warnings.Concat(Logs);

    public List<SourceItem> Read(IConnectorType type, JsonObject connection, JsonObject? auth = null) =>
        type.Read(Settings(connection, auth), Context).ToList();

    public ConnectionTestResult Test(IConnectorType type, JsonObject connection, JsonObject? auth = null) =>
        type.Test(Settings(connection, auth), Context);

    public static ConnectorSettings Settings(JsonObject connection, JsonObject? auth = null) => new("test", connection, auth ?? []);

    public static List<JsonObject> Records(IEnumerable<SourceItem> items) => items.Select(item =>
    {
        Assert.False(item.IsError, $"{item.Location}: {item.Error}");
        return item.Record!;
    }).ToList();
}
