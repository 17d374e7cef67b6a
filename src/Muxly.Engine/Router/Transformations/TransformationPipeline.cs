using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>An ordered chain of stages applied as one stream: each stage reads the output of the one before.</summary>
public sealed class TransformationPipeline : ITransformation
{
    public TransformationPipeline(IEnumerable<ITransformation> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        Stages = stages.ToArray();
    }

    /// <summary>A pipeline that passes records through unchanged.</summary>
    public static TransformationPipeline Empty { get; } = new([]);

    public IReadOnlyList<ITransformation> Stages { get; }

    public void Push(JsonObject record, Action<JsonObject> emit)
    {
        if (Stages.Count == 0)
        {
            emit(record);
            return;
        }

        _sink = emit;
        Stages[0].Push(record, Links[0]);
    }

    public void Complete(Action<JsonObject> emit)
    {
        _sink = emit;
        // Each stage completes after everything before it has completed, so held records flow through the rest.
        for (var i = 0; i < Stages.Count; i++)
        {
            Stages[i].Complete(Links[i]);
        }
    }

    private Action<JsonObject> _sink = static _ => { };
    private Action<JsonObject>[]? _links;

    /// <summary>Links[i] takes what stage i emits: into stage i+1, or out to the caller's sink. Built once.</summary>
    private Action<JsonObject>[] Links => _links ??= BuildLinks();

    private Action<JsonObject>[] BuildLinks()
    {
        var links = new Action<JsonObject>[Stages.Count];
        links[^1] = record => _sink(record);
        for (var i = Stages.Count - 2; i >= 0; i--)
        {
            var next = Stages[i + 1];
            var nextLink = links[i + 1];
            links[i] = record => next.Push(record, nextLink);
        }

        return links;
    }
}

/// <summary>One transformation of a rule as stored: its type name and JSON configuration.</summary>
public sealed record TransformationStep(string Type, JsonObject? Config);
