using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Transformations;

namespace Muxly.Router.Projections;

/// <summary>
/// One step of a <see cref="RecordProjection"/>: a field-level transformation applied to a projected record. Returns
/// false where the record must go the materialising way instead (the transformation would warn, or fail there).
/// </summary>
internal abstract class ProjectionStep
{
    public abstract bool ApplyTo(ProjectedRecord record);
}

/// <summary>
/// A transformation type some of whose configurations are field-level edits (rename, set, remove, or a field computed
/// from other fields: a formula, a template) that can be applied while a record is written straight from its parse.
/// </summary>
internal interface IProjectableTransformationType
{
    /// <summary>The step for <paramref name="config"/> (already validated), or null where it needs the record itself.</summary>
    ProjectionStep? Project(JsonObject config);
}

/// <summary>
/// A rule's transformations compiled, once per run, into steps over a record's parse, for rules whose every
/// transformation is field-level (see <see cref="IProjectableTransformationType"/>). A destination that can write from
/// the parse (a file) then writes the rule's output without the record ever becoming a <see cref="JsonObject"/>. The
/// materialising path (the rule's <see cref="ITransformation"/> pipeline on a <see cref="JsonObject"/>) stays the
/// reference: a record the steps cannot take exactly as it would, and a writer that cannot write some record from the
/// projection, use it instead (<see cref="ProjectedRecord.ToObject"/>).
/// </summary>
internal sealed class RecordProjection
{
    private readonly ProjectionStep[] _steps;
    private readonly ProjectedRecord _record;

    private RecordProjection(ProjectionStep[] steps, ITransformation? pipeline)
    {
        _steps = steps;
        _record = new ProjectedRecord(source => Materialise(source, pipeline));
    }

    /// <summary>The projection of a rule's transformations, or null where one of them is not field-level.</summary>
    public static RecordProjection? TryCompile(IReadOnlyList<TransformationStep> steps, ITransformation? pipeline, TransformationRegistry registry)
    {
        var compiled = new ProjectionStep[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            if (registry.Get(steps[i].Type) is not IProjectableTransformationType projectable
                || projectable.Project(steps[i].Config ?? new JsonObject()) is not { } step)
            {
                return null;
            }

            compiled[i] = step;
        }

        return new RecordProjection(compiled, pipeline);
    }

    /// <summary>Records the steps left to the materialising path (for tests: a projection that never applies proves nothing).</summary>
    internal long Declined { get; private set; }

    /// <summary>Projected records a writer still asked to materialise.</summary>
    internal long Materialised => _record.Materialised;

    /// <summary>The record with the steps applied, or null where it must be materialised. Valid until the next call.</summary>
    public ProjectedRecord? Apply(JsonElement source)
    {
        _record.Reset(source);
        foreach (var step in _steps)
        {
            if (!step.ApplyTo(_record))
            {
                Declined++;
                return null;
            }
        }

        return _record;
    }

    private static JsonObject Materialise(JsonElement source, ITransformation? pipeline)
    {
        var record = JsonObject.Create(source.Clone())!;
        if (pipeline is null)
        {
            return record;
        }

        JsonObject? result = null;
        pipeline.Push(record, output => result = output);
        return result ?? throw new InvalidOperationException("A field-level transformation produced no record.");
    }
}
