using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>rename_field</c>: moves a value to another field. Config: <c>{"from": "path", "to": "path"}</c>, both field paths
/// (dotted, indexed or <c>$.</c> paths; intermediate objects of <c>to</c> are created). A record without <c>from</c>
/// passes through unchanged; an existing <c>to</c> is overwritten. Where <c>to</c> cannot be written (a parent on the
/// way is not an object) the value stays where it was and a warning is given.
/// </summary>
public sealed class RenameFieldTransformation : ITransformationType, IProjectableTransformationType
{
    public string Name => "rename_field";

    public string Description => "Moves a field's value to another field path.";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config);

    public ITransformation Create(JsonObject config, TransformationContext context)
    {
        var (from, to) = Parse(config);
        return new PerRecordStage(record =>
        {
            if (from.Text == to.Text || !from.Remove(record, out var value))
            {
                return record;
            }

            if (!to.Set(record, value))
            {
                from.Set(record, value);
                context.Warn($"rename_field could not write '{to}' (a parent is not an object); the value stayed at '{from}'.");
            }

            return record;
        });
    }

    ProjectionStep? IProjectableTransformationType.Project(JsonObject config)
    {
        var (from, to) = Parse(config);
        return ProjectedPath.TryCreate(from) is { } source && ProjectedPath.TryCreate(to) is { } target ? new Move(source, target) : null;
    }

    private (FieldPath From, FieldPath To) Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "from", "to");
        return (reader.RequirePath("from"), reader.RequirePath("to"));
    }

    // As Create's stage: remove, then set; where the target cannot be written the record goes the materialising way,
    // which puts the value back and warns.
    private sealed class Move(ProjectedPath from, ProjectedPath to) : ProjectionStep
    {
        public override bool ApplyTo(ProjectedRecord record)
        {
            if (from.Text == to.Text)
            {
                return true;
            }

            if (!from.TryRemove(record, out var found, out var value))
            {
                return false;
            }

            return !found || to.TrySet(record, value);
        }
    }
}
