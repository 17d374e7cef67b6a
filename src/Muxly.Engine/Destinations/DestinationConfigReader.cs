using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Destinations;

/// <summary>
/// Reads a destination's config object key by key, so every type refuses bad input the same way: a
/// <see cref="MuxlyException"/> with ErrorId <c>MuxlyDestinationConfigInvalid</c> that names the key. Values are
/// echoed in messages only for keys the caller does not mark secret.
/// </summary>
internal sealed class DestinationConfigReader
{
    public const string ErrorId = "MuxlyDestinationConfigInvalid";

    private readonly JsonObject _config;
    private readonly string _type;

    /// <summary>Refuses keys outside <paramref name="knownKeys"/> at once: a misspelt key would otherwise be silently ignored.</summary>
    public DestinationConfigReader(JsonObject? config, string type, IReadOnlyCollection<string> knownKeys)
    {
        _config = config ?? throw Invalid(type, "config", $"A {type} destination needs a config object.");
        _type = type;
        foreach (var (key, _) in _config)
        {
            if (!knownKeys.Contains(key, StringComparer.Ordinal))
            {
                throw Invalid(type, key, $"The {type} destination config has an unknown key '{key}'. Known keys: {string.Join(", ", knownKeys)}.");
            }
        }
    }

    public bool Has(string key) => _config.TryGetPropertyValue(key, out var value) && value is not null;

    public string RequiredString(string key, bool secret = false) =>
        OptionalString(key, secret) ?? throw Invalid(key, $"The {_type} destination config needs '{key}'.");

    public string? OptionalString(string key, bool secret = false)
    {
        if (!_config.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            return string.IsNullOrWhiteSpace(text) ? throw Invalid(key, $"'{key}' cannot be empty.") : text;
        }

        throw Invalid(key, $"'{key}' must be a string{Shown(node, secret)}.");
    }

    /// <summary>One of <paramref name="allowed"/> (compared case-insensitively, returned lower-case), or the default when absent.</summary>
    public string Choice(string key, string? defaultValue, params string[] allowed)
    {
        var text = OptionalString(key);
        if (text is null)
        {
            return defaultValue ?? throw Invalid(key, $"The {_type} destination config needs '{key}': one of {string.Join(", ", allowed)}.");
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, text.Trim(), StringComparison.OrdinalIgnoreCase));
        return match ?? throw Invalid(key, $"'{key}' must be one of {string.Join(", ", allowed)}, not '{text}'.");
    }

    public long? OptionalInteger(string key, long minimum, long maximum = long.MaxValue)
    {
        if (!_config.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (Number(node) is { } number && decimal.IsInteger(number) && number >= minimum && number <= maximum)
        {
            return (long)number;
        }

        var range = maximum == long.MaxValue ? $"{minimum} or more" : $"from {minimum} to {maximum}";
        throw Invalid(key, $"'{key}' must be a whole number {range}{Shown(node, secret: false)}.");
    }

    /// <summary>A number strictly greater than zero and at most <paramref name="maximum"/>.</summary>
    public double? OptionalPositiveNumber(string key, double maximum)
    {
        if (!_config.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (Number(node) is { } number && number > 0 && number <= (decimal)maximum)
        {
            return (double)number;
        }

        throw Invalid(key, $"'{key}' must be a number greater than 0 and at most {maximum}{Shown(node, secret: false)}.");
    }

    public bool OptionalBoolean(string key, bool defaultValue)
    {
        if (!_config.TryGetPropertyValue(key, out var node) || node is null)
        {
            return defaultValue;
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(key, $"'{key}' must be true or false{Shown(node, secret: false)}."),
        };
    }

    public JsonObject? OptionalObject(string key)
    {
        if (!_config.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        return node as JsonObject ?? throw Invalid(key, $"'{key}' must be an object ({{...}}), not {Kind(node)}.");
    }

    /// <summary>A string or an array of strings (a single string is a list of one), or null when absent.</summary>
    public IReadOnlyList<string>? OptionalStringList(string key)
    {
        if (!_config.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue single && single.GetValueKind() == JsonValueKind.String)
        {
            return [OptionalString(key)!];
        }

        if (node is JsonArray array && array.All(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetValue<string>())))
        {
            return array.Select(item => item!.GetValue<string>()).ToList();
        }

        throw Invalid(key, $"'{key}' must be a string or an array of non-empty strings{Shown(node, secret: false)}.");
    }

    public MuxlyException Invalid(string key, string message) => Invalid(_type, key, message);

    public static MuxlyException Invalid(string type, string key, string message) =>
        MuxlyException.Invalid(ErrorId, message, key);

    /// <summary>
    /// A JSON number's value, read from its text: a config built in code holds CLR values (an int, a double) that
    /// <c>TryGetValue</c> will not convert, while parsed JSON holds text; the text form serves both.
    /// </summary>
    private static decimal? Number(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private static string Shown(JsonNode node, bool secret) =>
        secret ? $", not {Kind(node)}" : $", not {node.ToJsonString()}";

    private static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
