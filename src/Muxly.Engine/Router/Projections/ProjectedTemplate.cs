using Muxly.Router.Records;

namespace Muxly.Router.Projections;

/// <summary>
/// A <c>{{field}}</c> text template (<see cref="Transformations.TextTemplate"/>) filled from a projected record: the
/// same text as from the materialised record, or false where only that can give it (a placeholder on an object or
/// an array, whose JSON text depends on how the record was materialised).
/// </summary>
internal sealed class ProjectedTemplate
{
    private readonly object[] _parts; // string (literal) or ProjectedPath
    private readonly ProjectedText _text = new();

    private ProjectedTemplate(object[] parts) => _parts = parts;

    /// <summary>The template of these parts (text and field paths), or null where a path has an array index.</summary>
    public static ProjectedTemplate? TryCreate(IReadOnlyList<object> parts)
    {
        var projected = new object[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i] is FieldPath path)
            {
                if (ProjectedPath.TryCreate(path) is not { } field)
                {
                    return null;
                }

                projected[i] = field;
            }
            else
            {
                projected[i] = parts[i];
            }
        }

        return new ProjectedTemplate(projected);
    }

    /// <summary>The filled text (in this template's buffer, valid for this record), or false as above.</summary>
    public bool TryRender(ProjectedRecord record, out ProjectedText text)
    {
        text = _text;
        _text.Clear();
        foreach (var part in _parts)
        {
            if (part is not ProjectedPath path)
            {
                _text.Append((string)part);
            }
            else if (!path.TryGet(record, out var found, out var value) || (found && !value.TryAppendText(_text)))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Sets a field to a filled template (<c>format_string</c>, and <c>set_field</c> with a template value), as their
/// stages do: where the field cannot be written the record goes the materialising way, which warns.
/// </summary>
internal sealed class FillTemplate(ProjectedTemplate template, ProjectedPath output) : ProjectionStep
{
    public override bool ApplyTo(ProjectedRecord record) =>
        template.TryRender(record, out var text) && output.TrySet(record, ProjectedValue.Of(text));
}
