using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Router.Conditions;

internal enum ConditionValueKind : byte
{
    Missing,
    Null,
    Number,
    String,
    Boolean,
    Array,
    Object,

    /// <summary>A JSON number that does not fit a double; it equals nothing and has no order.</summary>
    Unreadable,
}

/// <summary>
/// A value read from a record (or a literal) in the form the comparisons need: numbers as doubles, strings as strings.
/// The comparisons return null where the two kinds are not related by the operator; the compiled condition turns that
/// into false, whether or not the operator is negated.
/// </summary>
internal readonly struct ConditionValue
{
    private ConditionValue(ConditionValueKind kind, double number = 0, string? text = null, bool boolean = false, JsonNode? node = null)
    {
        Kind = kind;
        Number = number;
        String = text;
        Boolean = boolean;
        Node = node;
    }

    public static ConditionValue Missing => default;

    public ConditionValueKind Kind { get; }

    public double Number { get; }

    public string? String { get; }

    public bool Boolean { get; }

    /// <summary>The array or object, for <see cref="ConditionValueKind.Array"/> and <see cref="ConditionValueKind.Object"/>.</summary>
    public JsonNode? Node { get; }

    public bool IsMissing => Kind == ConditionValueKind.Missing;

    public static ConditionValue FromLiteral(LiteralOperand literal) => literal.Kind switch
    {
        LiteralKind.Number => new ConditionValue(ConditionValueKind.Number, number: literal.Number),
        LiteralKind.String => new ConditionValue(ConditionValueKind.String, text: literal.String),
        LiteralKind.Boolean => new ConditionValue(ConditionValueKind.Boolean, boolean: literal.Boolean),
        _ => new ConditionValue(ConditionValueKind.Null),
    };

    public static ConditionValue FromNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return new ConditionValue(ConditionValueKind.Null);
            case JsonArray array:
                return new ConditionValue(ConditionValueKind.Array, node: array);
            case JsonObject obj:
                return new ConditionValue(ConditionValueKind.Object, node: obj);
        }

        var value = (JsonValue)node;
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                return TryReadNumber(value, out var number)
                    ? new ConditionValue(ConditionValueKind.Number, number: number)
                    : new ConditionValue(ConditionValueKind.Unreadable);
            case JsonValueKind.String:
                return new ConditionValue(ConditionValueKind.String, text: ReadString(value));
            default:
                return FromLiteralKind(value.GetValueKind());
        }
    }

    /// <summary>The same as <see cref="FromNode"/>, for a value of a record that is not materialised yet.</summary>
    public static ConditionValue FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return element.TryGetDouble(out var number) && !double.IsInfinity(number)
                    ? new ConditionValue(ConditionValueKind.Number, number: number)
                    : new ConditionValue(ConditionValueKind.Unreadable);
            case JsonValueKind.String:
                return new ConditionValue(ConditionValueKind.String, text: element.GetString());

            // Arrays and objects are rare in conditions (CONTAINS on an array, equality of objects): a node over the
            // element, which is only read while the condition is evaluated.
            case JsonValueKind.Array:
                return new ConditionValue(ConditionValueKind.Array, node: JsonArray.Create(element));
            case JsonValueKind.Object:
                return new ConditionValue(ConditionValueKind.Object, node: JsonObject.Create(element));
            default:
                return FromLiteralKind(element.ValueKind);
        }
    }

    // true, false and null; anything else is unreadable.
    private static ConditionValue FromLiteralKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True => new ConditionValue(ConditionValueKind.Boolean, boolean: true),
        JsonValueKind.False => new ConditionValue(ConditionValueKind.Boolean, boolean: false),
        JsonValueKind.Null => new ConditionValue(ConditionValueKind.Null),
        _ => new ConditionValue(ConditionValueKind.Unreadable),
    };

    // Parsed JSON holds a JsonElement, which reads any spelling (1000, 1000.0, 1e3) as a double; values built in code
    // hold the CLR number they were made from, so the common types are tried before falling back to the JSON text.
    private static bool TryReadNumber(JsonValue value, out double number)
    {
        if (value.TryGetValue(out number))
        {
            return !double.IsInfinity(number);
        }

        if (value.TryGetValue(out int i))
        {
            number = i;
            return true;
        }

        if (value.TryGetValue(out long l))
        {
            number = l;
            return true;
        }

        if (value.TryGetValue(out decimal m))
        {
            number = (double)m;
            return true;
        }

        return double.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.Float,
                   System.Globalization.CultureInfo.InvariantCulture, out number)
               && !double.IsInfinity(number);
    }

    private static string ReadString(JsonValue value) =>
        value.TryGetValue(out string? text) && text is not null
            ? text
            : JsonSerializer.Deserialize<string>(value.ToJsonString()) ?? string.Empty;

    /// <summary>How the value is shown in an explanation: its JSON, or "missing".</summary>
    public string Describe() => Kind switch
    {
        ConditionValueKind.Missing => "missing",
        ConditionValueKind.Null => "null",
        ConditionValueKind.Number => Number.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ConditionValueKind.String => LiteralOperand.Quote(String!),
        ConditionValueKind.Boolean => Boolean ? "true" : "false",
        ConditionValueKind.Array or ConditionValueKind.Object => Node!.ToJsonString(),
        _ => "an unreadable number",
    };

    /// <summary>
    /// Equality: null equals only null and is unequal to any other value; numbers compare numerically, strings ordinally
    /// (or ignoring case), booleans with booleans, arrays and objects element by element with these same rules.
    /// Null where the kinds differ (a string and a number, for instance).
    /// </summary>
    public static bool? AreEqual(in ConditionValue a, in ConditionValue b, bool ignoreCase)
    {
        if (a.Kind == ConditionValueKind.Null || b.Kind == ConditionValueKind.Null)
        {
            return a.Kind == b.Kind;
        }

        if (a.Kind != b.Kind)
        {
            return null;
        }

        return a.Kind switch
        {
            ConditionValueKind.Number => a.Number == b.Number,
            ConditionValueKind.String => string.Equals(a.String, b.String, Comparison(ignoreCase)),
            ConditionValueKind.Boolean => a.Boolean == b.Boolean,
            ConditionValueKind.Array => ArraysEqual((JsonArray)a.Node!, (JsonArray)b.Node!, ignoreCase),
            ConditionValueKind.Object => ObjectsEqual((JsonObject)a.Node!, (JsonObject)b.Node!, ignoreCase),
            _ => null,
        };
    }

    /// <summary>Order: numbers numerically, strings ordinally (case-sensitive). Null for any other pair.</summary>
    public static int? Order(in ConditionValue a, in ConditionValue b)
    {
        if (a.Kind != b.Kind)
        {
            return null;
        }

        return a.Kind switch
        {
            ConditionValueKind.Number => a.Number.CompareTo(b.Number),
            ConditionValueKind.String => Math.Sign(string.CompareOrdinal(a.String, b.String)),
            _ => null,
        };
    }

    /// <summary>A substring of a string, or an element of an array equal to <paramref name="b"/>. Null otherwise.</summary>
    public static bool? Contains(in ConditionValue a, in ConditionValue b, bool ignoreCase)
    {
        if (a.Kind == ConditionValueKind.String)
        {
            return b.Kind == ConditionValueKind.String ? a.String!.Contains(b.String!, Comparison(ignoreCase)) : null;
        }

        if (a.Kind != ConditionValueKind.Array)
        {
            return null;
        }

        foreach (var element in (JsonArray)a.Node!)
        {
            if (AreEqual(FromNode(element), b, ignoreCase) == true)
            {
                return true;
            }
        }

        return false;
    }

    public static bool? StartsWith(in ConditionValue a, in ConditionValue b, bool ignoreCase) =>
        a.Kind == ConditionValueKind.String && b.Kind == ConditionValueKind.String
            ? a.String!.StartsWith(b.String!, Comparison(ignoreCase))
            : null;

    public static bool? EndsWith(in ConditionValue a, in ConditionValue b, bool ignoreCase) =>
        a.Kind == ConditionValueKind.String && b.Kind == ConditionValueKind.String
            ? a.String!.EndsWith(b.String!, Comparison(ignoreCase))
            : null;

    private static StringComparison Comparison(bool ignoreCase) =>
        ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static bool ArraysEqual(JsonArray a, JsonArray b, bool ignoreCase)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (AreEqual(FromNode(a[i]), FromNode(b[i]), ignoreCase) != true)
            {
                return false;
            }
        }

        return true;
    }

    private static bool ObjectsEqual(JsonObject a, JsonObject b, bool ignoreCase)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (name, value) in a)
        {
            if (!b.TryGetPropertyValue(name, out var other) || AreEqual(FromNode(value), FromNode(other), ignoreCase) != true)
            {
                return false;
            }
        }

        return true;
    }
}
