using System.Text;
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

    public static ProjectedValue Of(JsonElement element) => new(ProjectedKind.Element, element, null);

    public static ProjectedValue Of(JsonNode? node) => new(ProjectedKind.Node, default, node);

    public static ProjectedValue Of(ProjectedObject obj) => new(ProjectedKind.Object, default, obj);

    /// <summary>True for an object (what a path can go through).</summary>
    public bool IsObject => Kind switch
    {
        ProjectedKind.Element => Element.ValueKind == JsonValueKind.Object,
        ProjectedKind.Node => Node is JsonObject,
        _ => true,
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
            _ => false,
        };
    }

    /// <summary>
    /// Appends the value as a template writes it (<see cref="JsonValues.ToText"/>): nothing for null, text as is, a
    /// number or boolean as its JSON. False for an object or array, whose JSON text the materialised record gives.
    /// </summary>
    public bool TryAppendText(StringBuilder text)
    {
        switch (Kind)
        {
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
