using System.Text.Json.Nodes;
using Muxly.Router.Transformations;
using Muxly.Storage;

namespace Muxly.Router.Runs;

/// <summary>Builds a stored rule's transformations into one pipeline, as a route run and Test-MuxlyRule both use them.</summary>
public static class RulePipelines
{
    public static TransformationPipeline Build(MuxlyStore store, Rule rule, RunContext context) =>
        Build(store, Steps(store, rule), context);

    /// <summary>A stored rule's transformations in sequence order.</summary>
    public static IReadOnlyList<TransformationStep> Steps(MuxlyStore store, Rule rule) =>
        store.Transformations.ListForRule(rule.Id)
            .Select(t => new TransformationStep(t.TransformationType, JsonNode.Parse(t.Config) as JsonObject))
            .ToList();

    public static TransformationPipeline Build(MuxlyStore store, IReadOnlyList<TransformationStep> steps, RunContext context)
    {
        return steps.Count == 0 ? TransformationPipeline.Empty : TransformationRegistry.Default.CreatePipeline(steps, ContextFor(store, context));
    }

    internal static TransformationContext ContextFor(MuxlyStore store, RunContext context) => new()
    {
        Warn = context.Warn,
        ConnectorExists = name => store.Connectors.FindByName(name) is not null || store.Connectors.FindById(name) is not null,
        ReadConnector = name => RouteSources.Records(store, store.Connectors.Get(name), context),
    };
}
