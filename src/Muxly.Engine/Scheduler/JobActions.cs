using System.Diagnostics;
using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Destinations;
using Muxly.Router.Records;
using Muxly.Router.Runs;
using Muxly.Secrets;
using Muxly.Storage;

namespace Muxly.Scheduler;

/// <summary>What one attempt's action did: whether it succeeded, its summary for the <c>result</c> column, and why it failed.</summary>
internal sealed record ActionOutcome(bool Succeeded, JsonObject Summary, string? Error);

/// <summary>
/// The job's configuration no longer allows it to run (its route was deleted, its connector disabled): the attempt
/// fails and is not retried, since waiting will not fix it.
/// </summary>
internal sealed class JobConfigurationException(MuxlyException inner) : Exception(inner.Message, inner)
{
    public MuxlyException Error { get; } = inner;
}

/// <summary>
/// The three job actions (SPEC §7): <c>route</c> runs a route over the connector's records, <c>export</c> streams the
/// connector's records straight into a destination, <c>fetch</c> reads them all and keeps a summary. Records stream;
/// nothing holds the whole input. Summaries carry counts and errors, never settings or secrets.
/// </summary>
internal static class JobActions
{
    private const int MaxErrorsKept = 10;

    public static ActionOutcome Execute(MuxlyStore store, Job job, RunContext context) => job.Action switch
    {
        "route" => RunRoute(store, job, context),
        "export" => Export(store, job, context),
        "fetch" => Fetch(store, job, context),
        _ => throw Refuse("MuxlyJobActionInvalid", $"The job '{job.Name}' has the action '{job.Action}', which this version of Muxly cannot run."),
    };

    private static ActionOutcome RunRoute(MuxlyStore store, Job job, RunContext context)
    {
        var route = (job.TargetId is null ? null : store.Routes.FindById(job.TargetId))
            ?? throw Refuse("MuxlyRouteNotFound", $"The job '{job.Name}' runs a route that no longer exists ({job.TargetId ?? "none named"}). Set the job's route again.");
        if (!route.Enabled)
        {
            throw Refuse("MuxlyJobRouteDisabled", $"The job '{job.Name}' runs the route '{route.Name}', which is disabled.");
        }

        var connector = EnabledConnector(store, job, route.ConnectorId);
        var plan = RoutePlan.Build(store, route, context);
        var summary = RouteRun.Run(plan, RouteSources.ReadForRun(connector, context), context);
        var result = new JsonObject
        {
            ["action"] = "route",
            ["route"] = summary.Route,
            ["status"] = summary.Status,
            ["records_read"] = summary.RecordsRead,
            ["read_errors"] = summary.ReadErrors,
            ["unmatched"] = summary.Unmatched,
            ["delivered"] = summary.Delivered,
            ["failed"] = summary.Failed,
            ["error_count"] = summary.ErrorCount,
            ["errors"] = Errors(summary.Errors),
            ["rules"] = new JsonArray(summary.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["rule"] = r.Rule,
                ["matched"] = r.Matched,
                ["produced"] = r.Produced,
            }).ToArray()),
            ["destinations"] = new JsonArray(summary.Destinations.Select(d => (JsonNode)new JsonObject
            {
                ["destination"] = d.Destination,
                ["role"] = d.Role,
                ["delivered"] = d.Delivered,
                ["failed"] = d.Failed,
            }).ToArray()),
            ["duration_ms"] = (long)summary.Duration.TotalMilliseconds,
        };
        if (summary.FailureReason is not null)
        {
            result["failure_reason"] = summary.FailureReason;
        }

        var failed = summary.Status == "Failed";
        return new ActionOutcome(!failed, result, failed ? $"The route '{route.Name}' failed: {summary.FailureReason}" : null);
    }

    private static ActionOutcome Export(MuxlyStore store, Job job, RunContext context)
    {
        var destination = (job.TargetId is null ? null : store.Destinations.FindById(job.TargetId))
            ?? throw Refuse("MuxlyDestinationNotFound", $"The job '{job.Name}' exports to a destination that no longer exists ({job.TargetId ?? "none named"}). Set the job's destination again.");
        if (!destination.Enabled)
        {
            throw Refuse("MuxlyJobDestinationDisabled", $"The job '{job.Name}' exports to the destination '{destination.Name}', which is disabled.");
        }

        var connector = EnabledConnector(store, job, job.ConnectorId);
        IDestinationType type;
        try
        {
            type = DestinationRegistry.Default.Get(destination.DestinationType);
        }
        catch (MuxlyException ex)
        {
            throw new JobConfigurationException(ex);
        }

        var clock = Stopwatch.StartNew();
        long read = 0, readErrors = 0, handed = 0, failed = 0, errorCount = 0;
        var errors = new List<string>();
        void Error(string error)
        {
            errorCount++;
            if (errors.Count < MaxErrorsKept)
            {
                errors.Add(error);
            }
        }

        var config = DynamicValues.ExpandAll(SecretMasker.ParseObject(destination.ConfigUnmasked), context);
        using (var writer = type.Open(new DestinationSettings(destination.Name, config), context))
        {
            foreach (var item in RouteSources.Read(connector, context))
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (item.Record is not { } record)
                {
                    readErrors++;
                    Error($"{item.Location}: {item.Error}");
                    continue;
                }

                read++;
                handed++;
                try
                {
                    writer.Write(record);
                }
                catch (DeliveryException ex)
                {
                    failed += Math.Max(1, ex.FailedRecords.Count);
                    Error($"destination '{destination.Name}': {ex.Message} ({ex.FailedRecords.Count} record(s))");
                }
            }

            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                writer.Complete();
            }
            catch (DeliveryException ex)
            {
                failed += Math.Max(1, ex.FailedRecords.Count);
                Error($"destination '{destination.Name}': {ex.Message} ({ex.FailedRecords.Count} record(s))");
            }
        }

        failed = Math.Min(failed, handed);
        var result = new JsonObject
        {
            ["action"] = "export",
            ["destination"] = destination.Name,
            ["records_read"] = read,
            ["read_errors"] = readErrors,
            ["delivered"] = handed - failed,
            ["failed"] = failed,
            ["error_count"] = errorCount,
            ["errors"] = Errors(errors),
            ["duration_ms"] = (long)clock.Elapsed.TotalMilliseconds,
        };

        // A record that could not be delivered fails the export (there is no dead letter to catch it); a malformed
        // source record is counted and skipped, as a route does under 'continue'.
        return failed > 0
            ? new ActionOutcome(false, result, $"{failed} of {handed} record(s) could not be delivered to '{destination.Name}': {errors.FirstOrDefault()}")
            : new ActionOutcome(true, result, null);
    }

    private static ActionOutcome Fetch(MuxlyStore store, Job job, RunContext context)
    {
        var connector = EnabledConnector(store, job, job.ConnectorId);
        var clock = Stopwatch.StartNew();
        long read = 0, readErrors = 0;
        var errors = new List<string>();
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in RouteSources.Read(connector, context))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (item.Record is { } record)
            {
                read++;
                // The field names give a feel for the data without keeping any of it.
                foreach (var (key, _) in record)
                {
                    if (fields.Count < 50)
                    {
                        fields.Add(key);
                    }
                }
            }
            else
            {
                readErrors++;
                if (errors.Count < MaxErrorsKept)
                {
                    errors.Add($"{item.Location}: {item.Error}");
                }
            }
        }

        return new ActionOutcome(true, new JsonObject
        {
            ["action"] = "fetch",
            ["connector"] = connector.Name,
            ["records_read"] = read,
            ["read_errors"] = readErrors,
            ["errors"] = Errors(errors),
            ["fields"] = new JsonArray(fields.Select(f => (JsonNode)f).ToArray()),
            ["duration_ms"] = (long)clock.Elapsed.TotalMilliseconds,
        }, null);
    }

    private static Connector EnabledConnector(MuxlyStore store, Job job, string connectorId)
    {
        var connector = store.Connectors.FindById(connectorId)
            ?? throw Refuse("MuxlyConnectorNotFound", $"The job '{job.Name}' reads from a connector that no longer exists ({connectorId}).");
        if (!connector.Enabled)
        {
            throw Refuse("MuxlyJobConnectorDisabled", $"The job '{job.Name}' reads from the connector '{connector.Name}', which is disabled. Enable it (Enable-MuxlyConnector) to run the job.");
        }

        if (ConnectorRegistry.Default.Find(connector.ConnectorType) is null)
        {
            // Reading would fail the same way every time: not worth a retry.
            try
            {
                ConnectorRegistry.Default.Get(connector.ConnectorType);
            }
            catch (MuxlyException ex)
            {
                throw new JobConfigurationException(ex);
            }
        }

        return connector;
    }

    private static JsonArray Errors(IEnumerable<string> errors) => new(errors.Take(MaxErrorsKept).Select(e => (JsonNode)e).ToArray());

    private static JobConfigurationException Refuse(string errorId, string message) =>
        new(new MuxlyException(MuxlyErrorKind.OperationFailed, errorId, message));
}
