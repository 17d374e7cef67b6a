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

    public IEnumerable<JsonObject> Apply(IEnumerable<JsonObject> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var stream = records;
        foreach (var stage in Stages)
        {
            stream = stage.Apply(stream);
        }

        return stream;
    }
}

/// <summary>One transformation of a rule as stored: its type name and JSON configuration.</summary>
public sealed record TransformationStep(string Type, JsonObject? Config);
