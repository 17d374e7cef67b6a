using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>
/// <c>filter</c>: keeps the records whose field passes a test and drops the rest. Config:
/// <c>{"field": "path", "operator": "&gt;=", "value": 100}</c>.
/// <list type="bullet">
/// <item><c>== != &gt; &gt;= &lt; &lt;=</c>: numbers compare by value whatever their JSON spelling (<c>5</c>, <c>5.0</c>,
/// <c>5e0</c>), and text that is a number (<c>"5"</c>) compares as a number against a number; two texts compare
/// ordinally and case-sensitively; other values compare equal only where they are the same JSON. Ordering values that
/// cannot be ordered (text against true, say) does not match.</item>
/// <item><c>contains</c>: text contains text, or an array has an element equal to the value.
/// <c>starts_with</c>, <c>ends_with</c>: text tests, ordinal; the value must be text.</item>
/// <item><c>in</c>: the field equals one of the elements of the value, which must be an array.</item>
/// <item><c>exists</c>, <c>not_exists</c>: whether the field is present (a JSON null is present); they take no value.</item>
/// </list>
/// A missing field never matches, except for <c>not_exists</c>. Operator words are case-insensitive.
/// </summary>
public sealed class FilterTransformation : ITransformationType
{
    private static readonly string[] Operators =
        ["==", "!=", ">", ">=", "<", "<=", "contains", "starts_with", "ends_with", "in", "exists", "not_exists"];

    public string Name => "filter";

    public string Description => "Keeps only the records whose field passes a comparison.";

    public void Validate(JsonObject config, Func<string, bool>? connectorExists = null) => Parse(config);

    public ITransformation Create(JsonObject config, TransformationContext context)
    {
        var (field, test, matchesMissing) = Parse(config);
        return new PerRecordStage(record =>
            (field.TryGet(record, out var value) ? test(value) : matchesMissing) ? record : null);
    }

    /// <summary>The field, the test of a present value, and what a missing field gives.</summary>
    private (FieldPath Field, Func<JsonNode?, bool> Test, bool MatchesMissing) Parse(JsonObject config)
    {
        var reader = new TransformationConfig(Name, config, "field", "operator", "value");
        var field = reader.RequirePath("field");
        var op = reader.RequireString("operator", "one of " + string.Join(" ", Operators)).Trim().ToLowerInvariant();
        if (op is "exists")
        {
            return (field, static _ => true, false);
        }

        if (op is "not_exists")
        {
            return (field, static _ => false, true);
        }

        if (Array.IndexOf(Operators, op) < 0)
        {
            throw reader.Invalid($"filter 'operator' '{op}' is not known. Operators: {string.Join(" ", Operators)}.");
        }

        // Cloned so that the stage does not share a node with the caller's configuration.
        var expected = reader.Require("value", $"the value to compare with for '{op}'")?.DeepClone();
        Func<JsonNode?, bool> test = op switch
        {
            "==" => v => JsonValues.AreEqual(v, expected),
            "!=" => v => !JsonValues.AreEqual(v, expected),
            ">" => v => JsonValues.Compare(v, expected) > 0,
            ">=" => v => JsonValues.Compare(v, expected) >= 0,
            "<" => v => JsonValues.Compare(v, expected) < 0,
            "<=" => v => JsonValues.Compare(v, expected) <= 0,
            "contains" => Contains(expected),
            "starts_with" => TextTest(reader, op, expected, static (s, t) => s.StartsWith(t, StringComparison.Ordinal)),
            "ends_with" => TextTest(reader, op, expected, static (s, t) => s.EndsWith(t, StringComparison.Ordinal)),
            _ => In(reader, expected),
        };
        return (field, test, false);
    }

    private static Func<JsonNode?, bool> Contains(JsonNode? expected) => value =>
    {
        if (value is JsonArray array)
        {
            return array.Any(element => JsonValues.AreEqual(element, expected));
        }

        return JsonValues.TryGetString(value, out var text) && JsonValues.TryGetString(expected, out var part)
            && text.Contains(part, StringComparison.Ordinal);
    };

    private static Func<JsonNode?, bool> TextTest(TransformationConfig reader, string op, JsonNode? expected, Func<string, string, bool> test)
    {
        if (!JsonValues.TryGetString(expected, out var part))
        {
            throw reader.Invalid($"filter '{op}' needs 'value' to be text, not {TransformationConfig.KindOf(expected)}.");
        }

        return value => JsonValues.TryGetString(value, out var text) && test(text, part);
    }

    private static Func<JsonNode?, bool> In(TransformationConfig reader, JsonNode? expected)
    {
        if (expected is not JsonArray array)
        {
            throw reader.Invalid($"filter 'in' needs 'value' to be an array, not {TransformationConfig.KindOf(expected)}.");
        }

        var candidates = array.ToArray();
        return value => candidates.Any(candidate => JsonValues.AreEqual(value, candidate));
    }
}
