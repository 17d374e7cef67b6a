using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Connectors;

/// <summary>
/// Reads one settings object of a connector (its <c>connection</c> or its <c>auth</c>) with errors that name the key
/// (ErrorId <c>MuxlyConnectorSettingsInvalid</c>). Keys match case-insensitively, since they often come from PowerShell
/// hashtables. Numbers and booleans may also be written as strings, because dynamic values expand to strings.
/// </summary>
/// <remarks>
/// When <c>atSave</c> is true (settings checked by <c>Validate</c>, before dynamic values are expanded), a value that
/// still holds a <c>${...}</c> reference cannot be checked yet: it reads as the default, or as the text itself.
/// Shared by the connector types; it lives in this folder only because that is where the first one was written.
/// </remarks>
internal sealed class SettingReader(JsonObject settings, string section, bool atSave = false)
{
    public const string InvalidSettingsId = "MuxlyConnectorSettingsInvalid";

    public string Section => section;

    public bool AtSave => atSave;

    public JsonObject Settings => settings;

    public MuxlyException Invalid(string key, string problem) =>
        MuxlyException.Invalid(InvalidSettingsId, $"The {section} setting '{key}' {problem}", key);

    /// <summary>True where the key is present with a value other than JSON null.</summary>
    public bool Has(string key) => Find(key) is not null;

    /// <summary>True where the value is a string that still holds a <c>${...}</c> reference (only possible at save time).</summary>
    public bool IsDeferred(string key) => atSave && Find(key) is JsonValue v && v.TryGetValue<string>(out var text) && text.Contains("${", StringComparison.Ordinal);

    public JsonNode? Find(string key)
    {
        if (settings.TryGetPropertyValue(key, out var exact))
        {
            return exact;
        }

        foreach (var (name, value) in settings)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public string? OptionalString(string key)
    {
        var node = Find(key);
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        throw Invalid(key, $"must be a string, not {Describe(node)}.");
    }

    public string RequiredString(string key)
    {
        var text = OptionalString(key);
        return string.IsNullOrWhiteSpace(text) ? throw Invalid(key, "is required.") : text;
    }

    public bool Bool(string key, bool defaultValue)
    {
        var node = Find(key);
        if (node is null || IsDeferred(key))
        {
            return defaultValue;
        }

        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.String when bool.TryParse(value.GetValue<string>().Trim(), out var parsed):
                    return parsed;
            }
        }

        throw Invalid(key, $"must be true or false, not {Describe(node)}.");
    }

    public double Number(string key, double defaultValue, double min, double max)
    {
        var node = Find(key);
        if (node is null || IsDeferred(key))
        {
            return defaultValue;
        }

        var text = node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>().Trim() : node.ToJsonString();
        if (node is not JsonValue || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            throw Invalid(key, $"must be a number, not {Describe(node)}.");
        }

        if (number < min || number > max)
        {
            throw Invalid(key, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}; it is {text}.");
        }

        return number;
    }

    public int Integer(string key, int defaultValue, int min, int max)
    {
        var number = Number(key, defaultValue, min, max);
        return number == Math.Floor(number) ? (int)number : throw Invalid(key, $"must be a whole number; it is {number.ToString(CultureInfo.InvariantCulture)}.");
    }

    public JsonObject? OptionalObject(string key)
    {
        var node = Find(key);
        return node switch
        {
            null => null,
            JsonObject obj => obj,
            _ => throw Invalid(key, $"must be an object ({{...}}), not {Describe(node)}."),
        };
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive, returned lower-case), or the default where absent.</summary>
    public string Choice(string key, string defaultValue, params string[] allowed)
    {
        var text = OptionalString(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, text.Trim(), StringComparison.OrdinalIgnoreCase));
        return match ?? throw Invalid(key, $"must be one of {string.Join(", ", allowed)}, not '{text}'.");
    }

    /// <summary>A field path, parsed; a bad path is a settings error naming the key.</summary>
    public Router.Records.FieldPath? OptionalPath(string key)
    {
        var text = OptionalString(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return Router.Records.FieldPath.Parse(text);
        }
        catch (MuxlyException ex)
        {
            throw Invalid(key, $"is not a valid field path: {ex.Message}");
        }
    }

    /// <summary>The value of a scalar setting as text (for query parameters and headers): strings as they are, numbers and booleans as JSON.</summary>
    public static string? ScalarText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public static string Describe(JsonNode? node) => node is null ? "null" : node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
