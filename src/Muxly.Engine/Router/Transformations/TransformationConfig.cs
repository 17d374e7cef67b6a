using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// Reads the JSON configuration of one transformation type, throwing <c>MuxlyTransformationConfigInvalid</c> with a
/// message that names the type and the key. Keys are case-sensitive; a key the type does not take is refused, so that
/// a typo is caught when the rule is saved rather than silently ignored.
/// </summary>
public sealed class TransformationConfig
{
    public const string InvalidErrorId = "MuxlyTransformationConfigInvalid";

    private readonly JsonObject _config;

    public TransformationConfig(string type, JsonObject? config, params string[] allowedKeys)
    {
        Type = type;
        _config = config ?? new JsonObject();
        foreach (var (key, _) in _config)
        {
            if (Array.IndexOf(allowedKeys, key) < 0)
            {
                throw Invalid(type, $"{type} does not take '{key}'. It takes: {string.Join(", ", allowedKeys)}.");
            }
        }
    }

    /// <summary>The transformation type, for messages.</summary>
    public string Type { get; }

    public static MuxlyException Invalid(string type, string message) =>
        MuxlyException.Invalid(InvalidErrorId, message, type);

    public MuxlyException Invalid(string message) => Invalid(Type, message);

    public bool Has(string key) => _config.ContainsKey(key);

    /// <summary>The raw value of a key that must be present (it may be JSON null).</summary>
    public JsonNode? Require(string key, string what)
    {
        if (!_config.TryGetPropertyValue(key, out var value))
        {
            throw Invalid($"{Type} needs '{key}' ({what}).");
        }

        return value;
    }

    public JsonNode? Optional(string key) => _config.TryGetPropertyValue(key, out var value) ? value : null;

    public string RequireString(string key, string what) =>
        OptionalString(key, what) ?? throw Invalid($"{Type} needs '{key}' ({what}).");

    /// <summary>A non-empty string, or null where the key is absent or JSON null.</summary>
    public string? OptionalString(string key, string what)
    {
        var node = Optional(key);
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            throw Invalid($"{Type} '{key}' must be {what} (text), not {KindOf(node)}.");
        }

        var text = value.GetValue<string>();
        return string.IsNullOrWhiteSpace(text) ? throw Invalid($"{Type} '{key}' cannot be empty; it is {what}.") : text;
    }

    public FieldPath RequirePath(string key) => ParsePath(key, RequireString(key, "a field path"));

    public FieldPath? OptionalPath(string key) =>
        OptionalString(key, "a field path") is { } text ? ParsePath(key, text) : null;

    /// <summary>One field path given as a string, or several given as an array of strings. Empty where absent.</summary>
    public IReadOnlyList<FieldPath> PathList(string key)
    {
        var node = Optional(key);
        switch (node)
        {
            case null:
                return [];
            case JsonValue:
                return [RequirePath(key)];
            case JsonArray array:
                var paths = new List<FieldPath>(array.Count);
                foreach (var item in array)
                {
                    if (item is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
                    {
                        throw Invalid($"{Type} '{key}' must list field paths as text, not {KindOf(item)}.");
                    }

                    paths.Add(ParsePath(key, value.GetValue<string>()));
                }

                return paths;
            default:
                throw Invalid($"{Type} '{key}' must be a field path or an array of field paths, not {KindOf(node)}.");
        }
    }

    public bool OptionalBool(string key, bool defaultValue)
    {
        var node = Optional(key);
        if (node is null)
        {
            return defaultValue;
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid($"{Type} '{key}' must be true or false, not {KindOf(node)}."),
        };
    }

    /// <summary>Parses a field path, reporting a bad one against <paramref name="key"/>.</summary>
    public FieldPath ParsePath(string key, string text)
    {
        try
        {
            return FieldPath.Parse(text);
        }
        catch (MuxlyException ex)
        {
            throw Invalid($"{Type} '{key}' is not a valid field path: {ex.Message}");
        }
    }

    public static string KindOf(JsonNode? node) => node is null ? "null" : node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "text",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };
}
