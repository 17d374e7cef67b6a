using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Router.Conditions;

/// <summary>One side of a comparison: a <see cref="FieldOperand"/> or a <see cref="LiteralOperand"/>.</summary>
public abstract class ConditionOperand
{
    private protected ConditionOperand()
    {
    }
}

/// <summary>A field of the record, such as <c>user.profile.country</c>, <c>items[0].sku</c> or <c>$.user.name</c>.</summary>
public sealed class FieldOperand : ConditionOperand
{
    internal FieldOperand(FieldPath path)
    {
        Path = path;
    }

    public FieldPath Path { get; }

    public override string ToString() => Path.Text;
}

/// <summary>The kinds of literal a condition can hold.</summary>
public enum LiteralKind
{
    Number,
    String,
    Boolean,
    Null,
}

/// <summary>
/// A literal: a number (<c>42</c>, <c>-1.5</c>, <c>1e3</c>), a string in single quotes (<c>'it''s'</c>, a doubled quote
/// being one quote), <c>true</c>, <c>false</c> or <c>null</c>. Read once when the condition is parsed.
/// </summary>
public sealed class LiteralOperand : ConditionOperand
{
    private readonly string _numberText;

    private LiteralOperand(LiteralKind kind, double number, string? text, bool boolean, string numberText)
    {
        Kind = kind;
        Number = number;
        String = text;
        Boolean = boolean;
        _numberText = numberText;
    }

    public LiteralKind Kind { get; }

    /// <summary>The value of a <see cref="LiteralKind.Number"/> literal.</summary>
    public double Number { get; }

    /// <summary>The value of a <see cref="LiteralKind.String"/> literal.</summary>
    public string? String { get; }

    /// <summary>The value of a <see cref="LiteralKind.Boolean"/> literal.</summary>
    public bool Boolean { get; }

    /// <summary>The literal as a JSON value (null for the null literal).</summary>
    public JsonNode? ToJsonNode() => Kind switch
    {
        LiteralKind.Number => JsonValue.Create(Number),
        LiteralKind.String => JsonValue.Create(String),
        LiteralKind.Boolean => JsonValue.Create(Boolean),
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        LiteralKind.Number => _numberText,
        LiteralKind.String => Quote(String!),
        LiteralKind.Boolean => Boolean ? "true" : "false",
        _ => "null",
    };

    internal static LiteralOperand FromNumber(double value, string text) => new(LiteralKind.Number, value, null, false, text);

    internal static LiteralOperand FromString(string value) => new(LiteralKind.String, 0, value, false, string.Empty);

    internal static LiteralOperand FromBoolean(bool value) => new(LiteralKind.Boolean, 0, null, value, string.Empty);

    internal static LiteralOperand Null { get; } = new(LiteralKind.Null, 0, null, false, string.Empty);

    internal static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
