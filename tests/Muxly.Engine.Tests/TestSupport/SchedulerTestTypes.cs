using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Destinations;
using Muxly.Router.Runs;

namespace Muxly.Tests.TestSupport;

/// <summary>
/// Test-only connector and destination types for job runs, registered on the engine's default registries (route runs
/// always use those). They borrow type names the product accepts but that have no implementation on this branch:
/// the connector is <c>powershell</c>, the destination <c>prometheus</c>. Tests share one process, so they are
/// registered once and never removed; if a real implementation of either name is registered first, these tests stop
/// with a message saying so (rather than silently replacing it for every other test), and should move to another
/// unimplemented name or to the real type.
/// </summary>
public static class SchedulerTestTypes
{
    public const string SlowConnectorType = "powershell";
    public const string CapturingDestinationType = "prometheus";

    private static readonly object Gate = new();

    /// <summary>Makes sure both test types are registered; call before creating connectors or destinations of those types.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            var connector = ConnectorRegistry.Default.Find(SlowConnectorType);
            if (connector is null)
            {
                ConnectorRegistry.Default.Register(new SlowConnector());
            }
            else if (connector is not SlowConnector)
            {
                throw new InvalidOperationException($"A real '{SlowConnectorType}' connector is now registered; move SlowConnector to another unimplemented type name.");
            }

            var destination = DestinationRegistry.Default.Find(CapturingDestinationType);
            if (destination is null)
            {
                DestinationRegistry.Default.Register(new CapturingDestination());
            }
            else if (destination is not CapturingDestination)
            {
                throw new InvalidOperationException($"A real '{CapturingDestinationType}' destination is now registered; move CapturingDestination to another unimplemented type name.");
            }
        }
    }
}

/// <summary>
/// Yields <c>records</c> records (default 3), waiting <c>delay_ms</c> before each while watching the run's cancellation,
/// as a slow API or query would. With <c>"fail": true</c> it throws instead of reading.
/// </summary>
public sealed class SlowConnector : IConnectorType
{
    public string Name => SchedulerTestTypes.SlowConnectorType;

    public void Validate(JsonObject connection, JsonObject auth)
    {
    }

    public IEnumerable<SourceItem> Read(ConnectorSettings settings, RunContext context)
    {
        var count = (int?)settings.Connection["records"] ?? 3;
        var delay = TimeSpan.FromMilliseconds((int?)settings.Connection["delay_ms"] ?? 0);
        if ((bool?)settings.Connection["fail"] == true)
        {
            throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyTestSourceFailed", "The test source is down.");
        }

        for (var i = 1; i <= count; i++)
        {
            if (delay > TimeSpan.Zero)
            {
                context.Cancellation.WaitHandle.WaitOne(delay);
            }

            context.Cancellation.ThrowIfCancellationRequested();
            yield return SourceItem.Ok(new JsonObject { ["n"] = i });
        }
    }

    public ConnectionTestResult Test(ConnectorSettings settings, RunContext context) => new(true, "test", TimeSpan.Zero);
}

/// <summary>Keeps what it is given in memory, by the <c>sink</c> name in its config; <c>"refuse": true</c> fails every record.</summary>
public sealed class CapturingDestination : IDestinationType
{
    private static readonly ConcurrentDictionary<string, List<JsonObject>> Sinks = new();

    public string Name => SchedulerTestTypes.CapturingDestinationType;

    /// <summary>What completed runs delivered to the sink.</summary>
    public static IReadOnlyList<JsonObject> Delivered(string sink) => Sinks.TryGetValue(sink, out var records) ? records : [];

    public void Validate(JsonObject config)
    {
    }

    public IDestinationWriter Open(DestinationSettings settings, RunContext context) =>
        new Writer((string?)settings.Config["sink"] ?? settings.Name, (bool?)settings.Config["refuse"] == true);

    private sealed class Writer(string sink, bool refuse) : IDestinationWriter
    {
        private readonly List<JsonObject> _pending = [];

        public void Write(JsonObject record)
        {
            if (refuse)
            {
                throw new DeliveryException("refused by the test sink", [record]);
            }

            _pending.Add(record.DeepClone().AsObject());
        }

        public void Complete() => Sinks.AddOrUpdate(sink, _ => [.. _pending], (_, existing) => [.. existing, .. _pending]);

        public void Dispose()
        {
        }
    }
}
