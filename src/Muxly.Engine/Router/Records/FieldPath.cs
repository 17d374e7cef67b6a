using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Router.Records;

/// <summary>
/// A compiled reference to a field of a record: <c>amount</c>, <c>user.profile.country</c>, <c>items[0].sku</c>,
/// <c>$.user.profile.country</c> or <c>$['odd key'].x</c>. Parsed once; reading it per record walks the segments only.
/// A record is a <see cref="JsonObject"/>.
/// </summary>
public sealed class FieldPath
{
    private readonly Segment[] _segments;

    private FieldPath(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>The segments, for callers that need them (such as error messages and explain output).</summary>
    public int Depth => _segments.Length;

    /// <summary>The property names from the root down, or null where the path has an array index.</summary>
    internal string[]? Names => Array.TrueForAll(_segments, s => s.Name is not null) ? Array.ConvertAll(_segments, s => s.Name!) : null;

    /// <summary>True where the path is one plain property name (the fast, common case).</summary>
    public bool IsSimple => _segments.Length == 1 && _segments[0].Name is not null;

    public override string ToString() => Text;

    /// <summary>Parses a path, or throws naming the position and what was wrong.</summary>
    public static FieldPath Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw MuxlyException.Invalid("MuxlyFieldPathInvalid", "A field path cannot be empty.", text);
        }

        var segments = new List<Segment>();
        var i = 0;
        var s = text.Trim();
        if (s.StartsWith('$'))
        {
            i = 1;
            if (i < s.Length && s[i] != '.' && s[i] != '[')
            {
                throw Error(text, i, "'.' or '[' after '$'");
            }

            if (s.Length == 1)
            {
                throw Error(text, 1, "a field after '$'");
            }
        }

        var expectName = i == 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (expectName || c == '.')
            {
                if (c == '.')
                {
                    i++;
                }

                var start = i;
                while (i < s.Length && s[i] != '.' && s[i] != '[')
                {
                    i++;
                }

                if (i == start)
                {
                    throw Error(text, start, "a field name");
                }

                segments.Add(new Segment(s[start..i], -1));
                expectName = false;
                continue;
            }

            if (c == '[')
            {
                i++;
                if (i < s.Length && (s[i] == '\'' || s[i] == '"'))
                {
                    var quote = s[i++];
                    var name = new StringBuilder();
                    while (i < s.Length && s[i] != quote)
                    {
                        if (s[i] == '\\' && i + 1 < s.Length)
                        {
                            i++;
                        }

                        name.Append(s[i++]);
                    }

                    if (i >= s.Length)
                    {
                        throw Error(text, i, $"a closing {quote}");
                    }

                    i++;
                    segments.Add(new Segment(name.ToString(), -1));
                }
                else
                {
                    var start = i;
                    while (i < s.Length && char.IsAsciiDigit(s[i]))
                    {
                        i++;
                    }

                    if (i == start || !int.TryParse(s.AsSpan(start, i - start), out var index))
                    {
                        throw Error(text, start, "an array index (a whole number) or a quoted name");
                    }

                    segments.Add(new Segment(null, index));
                }

                if (i >= s.Length || s[i] != ']')
                {
                    throw Error(text, i, "']'");
                }

                i++;
                continue;
            }

            throw Error(text, i, "'.' or '['");
        }

        return new FieldPath(text, segments.ToArray());
    }

    /// <summary>Reads the value at this path. False where the path does not exist (a JSON null that exists is true).</summary>
    public bool TryGet(JsonNode? root, out JsonNode? value)
    {
        var current = root;
        foreach (var segment in _segments)
        {
            if (segment.Name is { } name)
            {
                if (current is not JsonObject obj || !obj.TryGetPropertyValue(name, out current))
                {
                    value = null;
                    return false;
                }
            }
            else if (current is JsonArray array && segment.Index < array.Count)
            {
                current = array[segment.Index];
            }
            else
            {
                value = null;
                return false;
            }
        }

        value = current;
        return true;
    }

    /// <summary>
    /// Reads the value at this path from a parsed but not materialised record (the router evaluates conditions on
    /// these before it builds a <see cref="JsonObject"/>). The same rules as for nodes: false where the path does not
    /// exist, true for a JSON null that does.
    /// </summary>
    public bool TryGet(JsonElement root, out JsonElement value)
    {
        var current = root;
        foreach (var segment in _segments)
        {
            if (segment.Utf8Name is { } name)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    value = default;
                    return false;
                }
            }
            else if (current.ValueKind == JsonValueKind.Array && segment.Index < current.GetArrayLength())
            {
                current = current[segment.Index];
            }
            else
            {
                value = default;
                return false;
            }
        }

        value = current;
        return true;
    }

    /// <summary>Writes a value at this path, creating intermediate objects. False where an array index is out of range or a parent is not an object.</summary>
    public bool Set(JsonObject root, JsonNode? value)
    {
        JsonNode current = root;
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            var last = i == _segments.Length - 1;
            if (segment.Name is { } name)
            {
                if (current is not JsonObject obj)
                {
                    return false;
                }

                if (last)
                {
                    obj[name] = value;
                    return true;
                }

                if (!obj.TryGetPropertyValue(name, out var next) || next is null)
                {
                    // Everything below here would be new, and an index into a new (empty) container can never be
                    // written: fail before creating anything, so a failed write leaves the record as it was.
                    if (HasIndexAfter(i))
                    {
                        return false;
                    }

                    next = new JsonObject();
                    obj[name] = next;
                }

                current = next;
            }
            else
            {
                if (current is not JsonArray array || segment.Index >= array.Count)
                {
                    return false;
                }

                if (last)
                {
                    array[segment.Index] = value;
                    return true;
                }

                if (array[segment.Index] is null && HasIndexAfter(i))
                {
                    return false;
                }

                current = array[segment.Index] ?? (array[segment.Index] = new JsonObject())!;
            }
        }

        return false;
    }

    private bool HasIndexAfter(int position)
    {
        for (var i = position + 1; i < _segments.Length; i++)
        {
            if (_segments[i].Name is null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Removes the value at this path and returns it (detached), or false where it did not exist.</summary>
    public bool Remove(JsonObject root, out JsonNode? removed)
    {
        removed = null;
        if (_segments.Length == 0)
        {
            return false;
        }

        JsonNode? parent = root;
        if (_segments.Length > 1 && !new FieldPath(Text, _segments[..^1]).TryGet(root, out parent))
        {
            return false;
        }

        var leaf = _segments[^1];
        if (leaf.Name is { } name && parent is JsonObject obj && obj.TryGetPropertyValue(name, out removed))
        {
            obj.Remove(name);
            return true;
        }

        if (leaf.Name is null && parent is JsonArray array && leaf.Index < array.Count)
        {
            removed = array[leaf.Index];
            array.RemoveAt(leaf.Index);
            return true;
        }

        return false;
    }

    private static MuxlyException Error(string text, int position, string expected) =>
        MuxlyException.Invalid("MuxlyFieldPathInvalid", $"The field path '{text}' is not valid at position {position + 1}: expected {expected}.", text);

    private readonly record struct Segment(string? Name, int Index)
    {
        // The name as UTF-8, for reading raw records without transcoding it per record.
        public byte[]? Utf8Name { get; } = Name is null ? null : Encoding.UTF8.GetBytes(Name);
    }
}
