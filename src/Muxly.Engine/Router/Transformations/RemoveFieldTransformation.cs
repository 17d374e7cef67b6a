using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>remove_field</c>: removes fields from every record. Config: <c>{"field": "path"}</c> or
/// <c>{"fields": ["path", ...]}</c> (one of the two). Fields a record does not have are ignored.
/// </summary>
public sealed class RemoveFieldTransformation : ITransformationType, IProjectableTransformationType
{
    public string Name => "remove_field";

    public string Description => "Removes one or more fields.";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config);

    public ITransformation Create(JsonObject config, TransformationContext context)
    {
        var fields = Parse(config);
        return new PerRecordStage(record =>
        {
            foreach (var field in fields)
            {
                field.Remove(record, out _);
            }

            return record;
        });
    }

    ProjectionStep? IProjectableTransformationType.Project(JsonObject config)
    {
        var fields = Parse(config).Select(ProjectedPath.TryCreate).ToArray();
        return Array.TrueForAll(fields, f => f is not null) ? new Remove(fields!) : null;
    }

    private IReadOnlyList<FieldPath> Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "field", "fields");
        if (reader.Has("field") && reader.Has("fields"))
        {
            throw reader.Invalid("remove_field takes either 'field' or 'fields', not both.");
        }

        if (reader.Has("field"))
        {
            return [reader.RequirePath("field")];
        }

        if (reader.Optional("fields") is not JsonArray)
        {
            throw reader.Invalid(reader.Has("fields")
                ? $"remove_field 'fields' must be an array of field paths, not {TransformationConfig.KindOf(reader.Optional("fields"))}."
                : "remove_field needs 'field' (a field path) or 'fields' (an array of field paths).");
        }

        var fields = reader.PathList("fields");
        return fields.Count > 0 ? fields : throw reader.Invalid("remove_field 'fields' cannot be empty.");
    }

    private sealed class Remove(ProjectedPath[] fields) : ProjectionStep
    {
        public override bool ApplyTo(ProjectedRecord record)
        {
            foreach (var field in fields)
            {
                if (!field.TryRemove(record, out _, out _))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
