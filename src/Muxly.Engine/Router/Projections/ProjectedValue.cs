using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Transformations;

namespace Muxly.Router.Projections;

internal enum ProjectedKind : byte
{
    /// <summary>A value of the parsed record, written as parsed.</summary>
    Element,

    /// <summary>A value from a transformation's configuration (null is JSON null).</summary>
    Node,

    /// <summary>An object whose properties a transformation changed (or created).</summary>
    Object,

    /// <summary>Text a step made for this record (a filled template), written as a JSON string.</summary>
    Text,
}

/// <summary>One value of a projected record: from the parse, from a configuration, or an object of entries.</summary>
/// <remarks>Kept small (entries are moved about in lists): the node or the object share one field.</remarks>
internal readonly struct ProjectedValue
{
    private readonly object? _other;

    private ProjectedValue(ProjectedKind kind, JsonElement element, object? other)
    {
        Kind = kind;
        Element = element;
        _other = other;
    }

    public ProjectedKind Kind { get; }
    public JsonElement Element { get; }
    public JsonNode? Node => Kind == ProjectedKind.Node ? (JsonNode?)_other : null;
    public ProjectedObject? Object => Kind == ProjectedKind.Object ? (ProjectedObject)_other! : null;
    public ProjectedText? Text => Kind == ProjectedKind.Text ? (ProjectedText)_other! : null;

    public static ProjectedValue Of(JsonElement element) => new(ProjectedKind.Element, element, null);

    public static ProjectedValue Of(JsonNode? node) => new(ProjectedKind.Node, default, node);

    public static ProjectedValue Of(ProjectedObject obj) => new(ProjectedKind.Object, default, obj);

    public static ProjectedValue Of(ProjectedText text) => new(ProjectedKind.Text, default, text);

    /// <summary>True for an object (what a path can go through).</summary>
    public bool IsObject => Kind switch
    {
        ProjectedKind.Element => Element.ValueKind == JsonValueKind.Object,
        ProjectedKind.Node => Node is JsonObject,
        ProjectedKind.Object => true,
        _ => false,
    };

    /// <summary>True for JSON null: a path being set replaces it with a new object, as it does a missing field.</summary>
    public bool IsNull => Kind switch
    {
        ProjectedKind.Element => Element.ValueKind == JsonValueKind.Null,
        ProjectedKind.Node => Node is null,
        _ => false,
    };

    /// <summary>The value as a formula reads it (<see cref="JsonValues.TryGetNumber(JsonNode?, bool, out double)"/>).</summary>
    public bool TryGetNumber(out double number)
    {
        number = 0;
        return Kind switch
        {
            ProjectedKind.Element => JsonValues.TryGetNumber(Element, allowNumericText: true, out number),
            ProjectedKind.Node => JsonValues.TryGetNumber(Node, allowNumericText: true, out number),
            ProjectedKind.Text => JsonValues.TryGetNumber(Text!.Span, out number),
            _ => false,
        };
    }

    /// <summary>
    /// Appends the value as a template writes it (<see cref="JsonValues.ToText"/>): nothing for null, text as is, a
    /// number or boolean as its JSON. False for an object or array, whose JSON text the materialised record gives.
    /// </summary>
    public bool TryAppendText(ProjectedText text)
    {
        switch (Kind)
        {
            case ProjectedKind.Text:
                text.Append(Text!.Span);
                return true;
            case ProjectedKind.Node when Node is null or JsonValue:
                text.Append(JsonValues.ToText(Node));
                return true;
            case ProjectedKind.Element:
                switch (Element.ValueKind)
                {
                    case JsonValueKind.Null:
                        return true;
                    case JsonValueKind.String:
                        text.Append(Element.GetString());
                        return true;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        // As written from the parse, so as the materialised value's JSON text.
                        text.Append(Element.GetRawText());
                        return true;
                }

                return false;
            default:
                return false;
        }
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case ProjectedKind.Element:
                Element.WriteTo(writer);
                break;
            case ProjectedKind.Node when Node is null:
                writer.WriteNullValue();
                break;
            case ProjectedKind.Node:
                Node.WriteTo(writer);
                break;
            case ProjectedKind.Text:
                writer.WriteStringValue(Text!.Span);
                break;
            default:
                Object!.WriteTo(writer);
                break;
        }
    }
}

/// <summary>A property name, as text and encoded for the JSON writer; made once per shape or path, shared by records.</summary>
internal sealed class ProjectedName(string text)
{
    public string Text { get; } = text;

    /// <summary>Throws ArgumentException for a name the JSON writer refuses (a lone surrogate).</summary>
    public JsonEncodedText Encoded { get; } = JsonEncodedText.Encode(text, ProjectedRecord.NameEncoder);
}

/// <summary>A property of a projected object: its name and its value.</summary>
internal readonly record struct ProjectedEntry(ProjectedName Name, ProjectedValue Value);

/// <summary>An object of a projected record as a list of entries in output order (reused from record to record).</summary>
internal sealed class ProjectedObject
{
    public List<ProjectedEntry> Entries { get; } = new(16);

    public int IndexOf(string name)
    {
        var entries = Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (string.Equals(entries[i].Name.Text, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var entry in Entries)
        {
            writer.WritePropertyName(entry.Name.Encoded);
            entry.Value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}

/// <summary>
/// Text a step makes for each record (a filled template), in a buffer it reuses from record to record: written as the
/// <see cref="JsonValue"/> of a string the materialising stage sets would be, without a string or a node per record.
/// </summary>
internal sealed class ProjectedText
{
    private char[] _chars = new char[64];

    public int Length { get; private set; }

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Append(ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + text.Length));
        }

        text.CopyTo(_chars.AsSpan(Length));
        Length += text.Length;
    }

    public override string ToString() => Span.ToString();
}
