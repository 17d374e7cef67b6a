using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>rename_field</c>: moves a value to another field. Config: <c>{"from": "path", "to": "path"}</c>, both field paths
/// (dotted, indexed or <c>$.</c> paths; intermediate objects of <c>to</c> are created). A record without <c>from</c>
/// passes through unchanged; an existing <c>to</c> is overwritten. Where <c>to</c> cannot be written (a parent on the
/// way is not an object) the value stays where it was and a warning is given.
/// </summary>
public sealed class RenameFieldTransformation : ITransformationType
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

    private (FieldPath From, FieldPath To) Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "from", "to");
        return (reader.RequirePath("from"), reader.RequirePath("to"));
    }
}
