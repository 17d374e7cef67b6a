using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>How transformations read numbers, compare values and key groups, whatever the JSON spelling of a number.</summary>
internal static class JsonValues
{
    /// <summary>
    /// Reads a JSON number as a double. Where <paramref name="allowNumericText"/> is set, text that is a number in
    /// invariant culture (<c>"12.5"</c>, as CSV files give) counts too.
    /// </summary>
    public static bool TryGetNumber(JsonNode? node, bool allowNumericText, out double number)
    {
        number = 0;
        if (node is not JsonValue value)
        {
            return false;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                if (value.TryGetValue(out number))
                {
                    return true;
                }

                // Values built in code hold their CLR type (int, decimal, ...); their JSON text is always a number.
                return double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            case JsonValueKind.String when allowNumericText:
                return TryGetNumber(value.GetValue<string>(), out number);
            default:
                return false;
        }
    }

    /// <summary>
    /// <see cref="TryGetNumber(JsonNode?, bool, out double)"/> for a value of a parse: the same numbers as from the
    /// <see cref="JsonNode"/> the value becomes when it is materialised.
    /// </summary>
    public static bool TryGetNumber(JsonElement element, bool allowNumericText, out double number)
    {
        number = 0;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return element.TryGetDouble(out number)
                    || double.TryParse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            case JsonValueKind.String when allowNumericText:
                return TryGetNumber(element.GetString(), out number);
            default:
                return false;
        }
    }

    /// <summary>Text as <see cref="TryGetNumber(JsonNode?, bool, out double)"/> reads a JSON string, numeric text allowed.</summary>
    public static bool TryGetNumber(ReadOnlySpan<char> text, out double number) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    public static bool IsNumber(JsonNode? node) => node is JsonValue && node.GetValueKind() == JsonValueKind.Number;

    public static bool TryGetString(JsonNode? node, out string text)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            text = value.GetValue<string>();
            return true;
        }

        text = string.Empty;
        return false;
    }

    /// <summary>
    /// Both values as numbers, where at least one is a JSON number and the other is a number or numeric text.
    /// So <c>5</c>, <c>5.0</c> and <c>"5"</c> compare as equal numbers, while two texts compare as text.
    /// </summary>
    public static bool TryGetNumberPair(JsonNode? a, JsonNode? b, out double x, out double y)
    {
        x = y = 0;
        return (IsNumber(a) || IsNumber(b)) && TryGetNumber(a, true, out x) && TryGetNumber(b, true, out y);
    }

    public static bool AreEqual(JsonNode? a, JsonNode? b)
    {
        if (TryGetNumberPair(a, b, out var x, out var y))
        {
            return x == y;
        }

        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return JsonNode.DeepEquals(a, b);
    }

    /// <summary>Orders two values where both are numbers (see <see cref="TryGetNumberPair"/>) or both are text (ordinal).</summary>
    public static int? Compare(JsonNode? a, JsonNode? b)
    {
        if (TryGetNumberPair(a, b, out var x, out var y))
        {
            return x.CompareTo(y);
        }

        if (TryGetString(a, out var s) && TryGetString(b, out var t))
        {
            return Math.Sign(string.CompareOrdinal(s, t));
        }

        return null;
    }

    /// <summary>
    /// A text key under which equal values meet, for grouping and joining: numbers by value (<c>1</c> and <c>1.0</c>
    /// meet), text exactly, other values by their JSON text. Null for JSON null.
    /// </summary>
    public static string? KeyOf(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() switch
        {
            // "+ 0.0" turns -0 into 0, so that the two meet.
            JsonValueKind.Number when TryGetNumber(node, false, out var n) => "n" + (n + 0.0).ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.String => "s" + node.GetValue<string>(),
            JsonValueKind.Null => null,
            _ => "j" + node.ToJsonString(),
        };
    }

    /// <summary>A value as text for templates: text as is, null as empty, anything else as its JSON.</summary>
    public static string ToText(JsonNode? node) =>
        node is null ? string.Empty : TryGetString(node, out var text) ? text : node.ToJsonString();

    /// <summary>A JSON number for a result: whole numbers as integers (so <c>6</c>, not <c>6.0</c>), else a double.</summary>
    public static JsonNode FromNumber(double number) =>
        Math.Abs(number) < 9007199254740992d && number == Math.Floor(number)
            ? JsonValue.Create((long)number)
            : JsonValue.Create(number);
}
