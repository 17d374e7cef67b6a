using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Router.Conditions;
using Muxly.Router.Projections;
using Muxly.Router.Transformations;
using Muxly.Storage;

namespace Muxly.Router.Runs;

/// <summary>
/// A route compiled for one run: its enabled rules in evaluation order with their conditions compiled and their
/// transformations built, and every destination the run may deliver to. Built once per run; nothing is re-parsed
/// per record.
/// </summary>
public sealed class RoutePlan
{
    private RoutePlan(Route route, Connector connector, IReadOnlyList<PlannedRule> rules, IReadOnlyDictionary<string, Destination> destinations)
    {
        Route = route;
        Connector = connector;
        Rules = rules;
        Destinations = destinations;
    }

    public Route Route { get; }
    public Connector Connector { get; }
    internal IReadOnlyList<PlannedRule> Rules { get; }

    /// <summary>Every destination the run can deliver to, by id.</summary>
    internal IReadOnlyDictionary<string, Destination> Destinations { get; }

    internal bool FailFast => Route.ErrorMode == "fail";

    public static RoutePlan Build(MuxlyStore store, Route route, RunContext context)
    {
        var connector = store.Connectors.FindById(route.ConnectorId) ?? throw store.Connectors.NotFound(route.ConnectorId);
        var destinations = new Dictionary<string, Destination>(StringComparer.Ordinal);
        string? Use(string? destinationId, string role)
        {
            if (destinationId is null)
            {
                return null;
            }

            var destination = store.Destinations.FindById(destinationId);
            if (destination is null || !destination.Enabled)
            {
                context.Log($"Route '{route.Name}': the {role} destination '{destination?.Name ?? destinationId}' is {(destination is null ? "missing" : "disabled")}; nothing goes there.");
                return null;
            }

            destinations[destination.Id] = destination;
            return destination.Id;
        }

        var rules = new List<PlannedRule>();
        var stored = route.RuleIds.Select(id => store.Rules.FindById(id)).OfType<Rule>().Where(r => r.Enabled);
        foreach (var rule in store.Rules.InEvaluationOrder(stored))
        {
            var steps = RulePipelines.Steps(store, rule);
            var built = RulePipelines.Build(store, steps, context);
            var pipeline = built.Stages.Count == 0 ? null : built;
            var targets = rule.DestinationIds.Select(id => Use(id, $"rule '{rule.Name}'")).OfType<string>().ToList();
            var projection = RecordProjection.TryCompile(steps, pipeline, TransformationRegistry.Default);
            rules.Add(new PlannedRule(rule, ConditionCompiler.Compile(rule.Condition), pipeline, targets, projection));
        }

        var plan = new RoutePlan(route, connector, rules, destinations)
        {
            DeadLetterId = Use(route.DeadLetterDestinationId, "dead-letter"),
            UnmatchedId = Use(route.UnmatchedDestinationId, "unmatched"),
        };
        return plan;
    }

    internal string? DeadLetterId { get; private init; }

    /// <summary>False to write every record through the materialising path (the reference the projections are tested against).</summary>
    internal bool UseProjections { get; set; } = true;
    internal string? UnmatchedId { get; private init; }
}

/// <summary>
/// One rule ready to run. <paramref name="Projection"/> is there where every transformation is field-level: a record
/// read as a parse can then be written from the parse (see <see cref="RecordProjection"/>).
/// </summary>
internal sealed record PlannedRule(Rule Rule, CompiledCondition Condition, ITransformation? Pipeline, IReadOnlyList<string> DestinationIds,
    RecordProjection? Projection = null);

/// <summary>Records from a stored connector, through its registered type, with dynamic values and references expanded.</summary>
public static class RouteSources
{
    public static IEnumerable<SourceItem> Read(Connector connector, RunContext context)
    {
        var type = ConnectorRegistry.Default.Get(connector.ConnectorType);
        var settings = Settings(connector, context);
        return type.Read(settings, context);
    }

    /// <summary>
    /// The records for a route run (<see cref="RouteRun.Run"/>), which is done with each before it takes the next: a
    /// connector type may hand them over parsed but not materialised (<see cref="IConnectorType.ReadTransient"/>).
    /// </summary>
    public static IEnumerable<SourceItem> ReadForRun(Connector connector, RunContext context) =>
        ConnectorRegistry.Default.Get(connector.ConnectorType).ReadTransient(Settings(connector, context), context);

    public static ConnectionTestResult Test(Connector connector, RunContext context) =>
        ConnectorRegistry.Default.Get(connector.ConnectorType).Test(Settings(connector, context), context);

    /// <summary>Only the records (for a join's other side); unreadable items are reported as warnings.</summary>
    internal static IEnumerable<JsonObject> Records(MuxlyStore store, Connector connector, RunContext context)
    {
        foreach (var item in Read(connector, context))
        {
            if (item.Record is { } record)
            {
                yield return record;
            }
            else
            {
                context.Warn($"Connector '{connector.Name}': {item.Location}: {item.Error}");
            }
        }
    }

    private static ConnectorSettings Settings(Connector connector, RunContext context) => new(
        connector.Name,
        Muxly.Router.Records.DynamicValues.ExpandAll(Muxly.Secrets.SecretMasker.ParseObject(connector.ConnectionSettingsUnmasked), context),
        Muxly.Router.Records.DynamicValues.ExpandAll(Muxly.Secrets.SecretMasker.ParseObject(connector.AuthSettingsUnmasked), context));
}
