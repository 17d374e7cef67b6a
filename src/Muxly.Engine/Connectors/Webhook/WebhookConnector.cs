using System.Diagnostics;
using System.Text.Json.Nodes;
using Muxly.Router.Runs;

namespace Muxly.Connectors.Webhook;

/// <summary>
/// <c>webhook</c>: the records are the JSON payload of the webhook call that started the job
/// (<see cref="RunContext.Payload"/>). An object is one record; an array gives one record per element, and an element
/// that is not an object is reported as a failed item. It reads nothing else, so it takes no settings.
/// </summary>
public sealed class WebhookConnector : IConnectorType
{
    public string Name => "webhook";

    /// <summary>Any settings are accepted: there is nothing to connect to.</summary>
    public void Validate(JsonObject connection, JsonObject auth)
    {
    }

    public IEnumerable<SourceItem> Read(ConnectorSettings settings, RunContext context)
    {
        // Checked before the first item is asked for, so a run without a payload fails at once with a clear reason.
        var payload = context.Payload ?? throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyWebhookPayloadMissing",
            $"The connector '{settings.Name}' is a webhook connector: its records are the JSON body of the webhook call that starts the job, and this run has none. " +
            "Start the job through its webhook, or give the payload to run it by hand.", settings.Name);
        return payload switch
        {
            JsonObject record => [SourceItem.Ok(Copy(record))],
            JsonArray array => Elements(array, context),
            _ => throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyWebhookPayloadInvalid",
                $"The webhook payload for '{settings.Name}' is a JSON {payload.GetValueKind().ToString().ToLowerInvariant()}; it must be an object (one record) or an array of objects.", settings.Name),
        };
    }

    public ConnectionTestResult Test(ConnectorSettings settings, RunContext context)
    {
        var clock = Stopwatch.StartNew();
        var message = context.Payload is null
            ? "A webhook connector reads the payload of the call that starts its job; there is nothing to reach beforehand."
            : $"The payload gives {Read(settings, context).Count(item => !item.IsError)} record(s).";
        return new ConnectionTestResult(true, message, clock.Elapsed);
    }

    private static IEnumerable<SourceItem> Elements(JsonArray array, RunContext context)
    {
        for (var i = 0; i < array.Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            yield return array[i] is JsonObject record
                ? SourceItem.Ok(Copy(record))
                : SourceItem.Failed($"element {i} is {(array[i] is null ? "null" : "a JSON " + array[i]!.GetValueKind().ToString().ToLowerInvariant())}, not an object", $"payload[{i}]");
        }
    }

    // Routes change the records they are given; the payload itself must stay intact for a retry.
    private static JsonObject Copy(JsonObject record) => record.DeepClone().AsObject();
}
