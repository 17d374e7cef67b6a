using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Connectors.Webhook;
using Muxly.Router.Runs;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Connectors.Webhook;

/// <summary>The webhook connector: the records are the payload of the call that started the job.</summary>
public sealed class WebhookConnectorTests
{
    private static readonly ConnectorSettings Settings = new("github-push", new JsonObject(), new JsonObject());
    private readonly WebhookConnector _connector = new();

    [Fact]
    public void IsRegisteredUnderItsTypeName()
    {
        Assert.IsType<WebhookConnector>(ConnectorRegistry.Default.Get("webhook"));
    }

    [Fact]
    public void AnObjectPayload_IsOneRecord()
    {
        var items = Read(JsonNode.Parse("""{"ref":"main","commits":2}"""));

        var record = Assert.Single(items).Record;
        Assert.Equal("main", (string?)record!["ref"]);
    }

    [Fact]
    public void AnArrayPayload_IsOneRecordPerObjectAndReportsOtherElements()
    {
        var items = Read(JsonNode.Parse("""[{"n":1},{"n":2},"text",null]"""));

        Assert.Equal([1, 2], items.Where(i => !i.IsError).Select(i => (int)i.Record!["n"]!));
        Assert.Equal(["payload[2]", "payload[3]"], items.Where(i => i.IsError).Select(i => i.Location));
    }

    [Fact]
    public void Records_AreCopiesSoTheRouteCannotChangeThePayload()
    {
        var payload = JsonNode.Parse("""{"n":1}""")!;

        Read(payload).Single().Record!["n"] = 99;

        Assert.Equal(1, (int)payload["n"]!);
    }

    [Fact]
    public void NoPayload_IsAClearError()
    {
        var error = MuxlyAssert.Fails("MuxlyWebhookPayloadMissing", () => _connector.Read(Settings, new RunContext()));

        Assert.Contains("github-push", error.Message);
    }

    [Fact]
    public void AScalarPayload_IsAClearError()
    {
        MuxlyAssert.Fails("MuxlyWebhookPayloadInvalid", () => Read(JsonValue.Create(42)));
    }

    private List<SourceItem> Read(JsonNode? payload) => _connector.Read(Settings, new RunContext { Payload = payload }).ToList();
}
