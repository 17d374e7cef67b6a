using System.Text;
using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// Text with <c>{{field.path}}</c> placeholders, parsed once and filled per record. Spaces inside the braces are
/// ignored. A missing field or JSON null gives empty text, text is inserted as is, anything else as its JSON.
/// </summary>
internal sealed class TextTemplate
{
    private readonly object[] _parts; // string (literal) or FieldPath

    private TextTemplate(object[] parts) => _parts = parts;

    public IEnumerable<FieldPath> Fields => _parts.OfType<FieldPath>();

    /// <summary>The template over projected records, or null where a placeholder has an array index.</summary>
    public ProjectedTemplate? Project() => ProjectedTemplate.TryCreate(_parts);

    public static TextTemplate Parse(string text, TransformationConfig config, string key)
    {
        var parts = new List<object>();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(text[i..]);
                break;
            }

            if (open > i)
            {
                parts.Add(text[i..open]);
            }

            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw config.Invalid($"{config.Type} '{key}' has '{{{{' at position {open + 1} without a closing '}}}}'.");
            }

            var inner = text[(open + 2)..close].Trim();
            if (inner.Length == 0)
            {
                throw config.Invalid($"{config.Type} '{key}' has an empty placeholder at position {open + 1}; write {{{{field}}}}.");
            }

            parts.Add(config.ParsePath(key, inner));
            i = close + 2;
        }

        return new TextTemplate(parts.ToArray());
    }

    public string Render(JsonObject record)
    {
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is FieldPath path)
            {
                if (path.TryGet(record, out var value))
                {
                    text.Append(JsonValues.ToText(value));
                }
            }
            else
            {
                text.Append((string)part);
            }
        }

        return text.ToString();
    }
}
