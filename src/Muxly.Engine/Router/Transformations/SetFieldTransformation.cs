using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>set_field</c>: writes a value into every record. Config: <c>{"field": "path", "value": any JSON}</c>; <c>value</c>
/// must be present and may be null, an object or an array. A text value containing <c>{{field.path}}</c> placeholders
/// is a template filled from the record, as in <c>format_string</c> (a missing field gives empty text). Intermediate
/// objects of <c>field</c> are created; where it cannot be written a warning is given.
/// </summary>
public sealed class SetFieldTransformation : ITransformationType, IProjectableTransformationType
{
    public string Name => "set_field";

    public string Description => "Sets a field to a fixed JSON value or to a {{field}} template.";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config);

    public ITransformation Create(JsonObject config, TransformationContext context)
    {
        var (field, value, template) = Parse(config);
        return new PerRecordStage(record =>
        {
            // Each record gets its own node: a JSON node can belong to one parent only.
            JsonNode? written = template is not null ? JsonValue.Create(template.Render(record)) : value?.DeepClone();
            if (!field.Set(record, written))
            {
                context.Warn($"set_field could not write '{field}' (a parent is not an object).");
            }

            return record;
        });
    }

    ProjectionStep? IProjectableTransformationType.Project(JsonObject config)
    {
        var (field, value, template) = Parse(config);
        if (ProjectedPath.TryCreate(field) is not { } target)
        {
            return null;
        }

        if (template is null)
        {
            return new SetConstant(target, value);
        }

        return template.Project() is { } projected ? new FillTemplate(projected, target) : null;
    }

    private (FieldPath Field, JsonNode? Value, TextTemplate? Template) Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "field", "value");
        var field = reader.RequirePath("field");
        var value = reader.Require("value", "any JSON value")?.DeepClone();
        var template = JsonValues.TryGetString(value, out var text) && text.Contains("{{", StringComparison.Ordinal)
            ? TextTemplate.Parse(text, reader, "value")
            : null;
        return (field, value, template);
    }

    // The configured node is only ever written, never attached to a record, so every record can share it.
    private sealed class SetConstant(ProjectedPath field, JsonNode? value) : ProjectionStep
    {
        public override bool ApplyTo(ProjectedRecord record) => field.TrySet(record, ProjectedValue.Of(value));
    }
}
