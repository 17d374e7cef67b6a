using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Router.Records;
using Muxly.Router.Runs;
using Muxly.Secrets;

namespace Muxly.Destinations;

/// <summary>
/// Test-MuxlyDestination: delivers one recognisable test record through the destination's real writer, or, for a
/// writer that is an <see cref="IDeliveryCheck"/>, opens it and runs its check without delivering anything.
/// </summary>
public static class DestinationProbe
{
    public static ConnectionTestResult Send(Destination destination, RunContext context)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var type = DestinationRegistry.Default.Get(destination.DestinationType);
            var config = DynamicValues.ExpandAll(SecretMasker.ParseObject(destination.ConfigUnmasked), context);
            using var writer = type.Open(new DestinationSettings(destination.Name, config), context);
            if (writer is IDeliveryCheck check)
            {
                return new ConnectionTestResult(true, check.CheckDelivery(), clock.Elapsed);
            }

            writer.Write(new JsonObject
            {
                ["muxly_test"] = true,
                ["destination"] = destination.Name,
                ["sent_at"] = context.Now.ToString("o", CultureInfo.InvariantCulture),
            });
            writer.Complete();
            return new ConnectionTestResult(true, $"Delivered a test record to '{destination.Name}'.", clock.Elapsed);
        }
        catch (Exception ex) when (ex is MuxlyException or DeliveryException or IOException or UnauthorizedAccessException)
        {
            return new ConnectionTestResult(false, $"Could not deliver to '{destination.Name}': {ex.Message}", clock.Elapsed);
        }
    }
}
