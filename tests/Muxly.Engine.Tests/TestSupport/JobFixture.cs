using System.Text.Json.Nodes;
using Muxly.Storage;

namespace Muxly.Tests.TestSupport;

/// <summary>A temporary database with the few connectors, destinations and routes job tests need.</summary>
public sealed class JobFixture : IDisposable
{
    public JobFixture()
    {
        SchedulerTestTypes.Register();
        Store = Temp.OpenStore();
    }

    public TempDatabase Temp { get; } = new();

    public MuxlyStore Store { get; }

    /// <summary>A second view of the same file, as another process would have.</summary>
    public MuxlyStore OpenOtherStore() => MuxlyStore.Open(Temp.FilePath);

    public Connector WebhookConnector(string name = "hook", bool enabled = true) =>
        Store.Connectors.Create(new ConnectorDefinition(name, "webhook", new JsonObject(), new JsonObject(), enabled), force: false).Item;

    /// <summary>A connector of the test type: <paramref name="records"/> records, each after <paramref name="delayMs"/>.</summary>
    public Connector SlowConnector(string name = "slow", int records = 3, int delayMs = 0, bool fail = false) =>
        Store.Connectors.Create(new ConnectorDefinition(name, SchedulerTestTypes.SlowConnectorType,
            new JsonObject { ["records"] = records, ["delay_ms"] = delayMs, ["fail"] = fail }, new JsonObject()), force: false).Item;

    /// <summary>A destination of the test type delivering to a sink named after this test database.</summary>
    public Destination Sink(string name = "sink", bool refuse = false) =>
        Store.Destinations.Create(new DestinationDefinition(name, SchedulerTestTypes.CapturingDestinationType,
            new JsonObject { ["sink"] = SinkKey(name), ["refuse"] = refuse }), force: false).Item;

    public string SinkKey(string name) => Temp.Folder + "/" + name;

    public Route Route(string name, string connector, params string[] rules) =>
        Store.Routes.Create(new RouteDefinition(name, connector, rules), force: false).Item;

    public Job Job(string name, string connector, string action = "fetch", JsonObject? parameters = null, int maxRetries = 0,
        int timeoutSeconds = 300, string overlap = "forbid", string backoff = "exponential") =>
        Store.Jobs.Create(new JobDefinition(name, connector, action, parameters, MaxRetries: maxRetries, TimeoutSeconds: timeoutSeconds,
            OverlapPolicy: overlap, BackoffStrategy: backoff), force: false).Item;

    public void Dispose() => Temp.Dispose();
}
