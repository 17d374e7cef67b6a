using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>format_string</c>: fills a text template from the record into a field. Config:
/// <c>{"template": "Order {{id}} for {{customer.name}}", "output": "path"}</c>. Placeholders are field paths in double
/// braces; a missing field or null gives empty text, numbers and booleans their JSON spelling, objects and arrays their
/// JSON. The template is parsed once, when the stage is created.
/// </summary>
public sealed class FormatStringTransformation : ITransformationType, IProjectableTransformationType
{
    public string Name => "format_string";

    public string Description => "Writes a {{field}} text template, filled from the record, into a field.";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config);

    public ITransformation Create(JsonObject config, TransformationContext context)
    {
        var (template, output) = Parse(config);
        return new PerRecordStage(record =>
        {
            if (!output.Set(record, JsonValue.Create(template.Render(record))))
            {
                context.Warn($"format_string could not write '{output}' (a parent is not an object).");
            }

            return record;
        });
    }

    ProjectionStep? IProjectableTransformationType.Project(JsonObject config)
    {
        var (template, output) = Parse(config);
        return template.Project() is { } projected && ProjectedPath.TryCreate(output) is { } target ? new FillTemplate(projected, target) : null;
    }

    private (TextTemplate Template, FieldPath Output) Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "template", "output");
        var node = reader.Require("template", "text with {{field}} placeholders");
        if (!JsonValues.TryGetString(node, out var text))
        {
            throw reader.Invalid($"format_string 'template' must be text, not {TransformationConfig.KindOf(node)}.");
        }

        return (TextTemplate.Parse(text, reader, "template"), reader.RequirePath("output"));
    }
}
