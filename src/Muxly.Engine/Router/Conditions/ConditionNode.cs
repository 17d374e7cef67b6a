using System.Text.RegularExpressions;
using Muxly.Router.Records;

namespace Muxly.Router.Conditions;

/// <summary>
/// A parsed condition: the tree <see cref="ConditionParser.Parse"/> returns and <see cref="ConditionCompiler"/> compiles.
/// <see cref="ToString"/> gives a canonical, fully parenthesised form (useful to see how precedence grouped a condition);
/// <see cref="Text"/> gives the part of the original text the node came from.
/// </summary>
public abstract class ConditionNode
{
    /// <summary>The 1-based position in the condition text where this part starts.</summary>
    public int Position { get; private set; } = 1;

    /// <summary>This part of the condition exactly as written (including parentheses around it, if any).</summary>
    public string Text { get; private set; } = string.Empty;

    /// <summary>The condition in canonical form: keywords upper-case, AND/OR groups parenthesised.</summary>
    public abstract override string ToString();

    internal T WithSpan<T>(string source, int start, int end, string? text = null)
        where T : ConditionNode
    {
        Position = start + 1;
        Text = text ?? source[start..end];
        End = end;
        return (T)this;
    }

    internal int Start => Position - 1;

    internal int End { get; private set; }
}

/// <summary>An empty condition: a rule without a condition matches every record.</summary>
public sealed class AlwaysTrueCondition : ConditionNode
{
    internal AlwaysTrueCondition()
    {
    }

    public override string ToString() => "(always true)";
}

/// <summary><c>left AND right</c>: true when both hold.</summary>
public sealed class AndCondition : ConditionNode
{
    internal AndCondition(ConditionNode left, ConditionNode right)
    {
        Left = left;
        Right = right;
    }

    public ConditionNode Left { get; }

    public ConditionNode Right { get; }

    public override string ToString() => $"({Left} AND {Right})";
}

/// <summary><c>left OR right</c>: true when either holds.</summary>
public sealed class OrCondition : ConditionNode
{
    internal OrCondition(ConditionNode left, ConditionNode right)
    {
        Left = left;
        Right = right;
    }

    public ConditionNode Left { get; }

    public ConditionNode Right { get; }

    public override string ToString() => $"({Left} OR {Right})";
}

/// <summary>
/// <c>NOT operand</c>: true when the operand does not hold. Because a comparison on a missing field is false,
/// <c>NOT (amount &gt; 5)</c> is true for a record without <c>amount</c>, while <c>amount &lt;= 5</c> is not.
/// </summary>
public sealed class NotCondition : ConditionNode
{
    internal NotCondition(ConditionNode operand)
    {
        Operand = operand;
    }

    public ConditionNode Operand { get; }

    public override string ToString() => $"NOT {Operand}";
}

/// <summary>
/// <c>EXISTS field</c> (or <c>field EXISTS</c>): true when the path leads to a value, including a JSON null.
/// <c>NOT EXISTS field</c> and <c>field NOT EXISTS</c> parse as <see cref="NotCondition"/> around this node.
/// </summary>
public sealed class ExistsCondition : ConditionNode
{
    internal ExistsCondition(FieldPath field)
    {
        Field = field;
    }

    public FieldPath Field { get; }

    public override string ToString() => $"EXISTS {Field}";
}

/// <summary>The binary operators of a <see cref="ComparisonCondition"/>.</summary>
public enum ConditionOperator
{
    /// <summary><c>==</c>, or <c>IEQUALS</c> with <see cref="ComparisonCondition.IgnoreCase"/>.</summary>
    Equal,

    /// <summary><c>!=</c>, or <c>NOT IEQUALS</c> with <see cref="ComparisonCondition.IgnoreCase"/>.</summary>
    NotEqual,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,

    /// <summary><c>CONTAINS</c> / <c>ICONTAINS</c>: a substring of a string, or an element of an array.</summary>
    Contains,

    /// <summary><c>STARTS WITH</c> / <c>ISTARTS WITH</c> (strings only).</summary>
    StartsWith,

    /// <summary><c>ENDS WITH</c> / <c>IENDS WITH</c> (strings only).</summary>
    EndsWith,
}

/// <summary>
/// A comparison between two operands, at least one of which is a field: <c>amount &gt;= 1000</c>,
/// <c>order.total &gt; order.limit</c>, <c>name NOT CONTAINS 'test'</c>, <c>email IENDS WITH '@example.com'</c>.
/// </summary>
/// <remarks>
/// A comparison is false when either field is missing, and false when the two values are of kinds the operator does
/// not relate (a string and a number, for instance) — for the negated text operators too, so
/// <c>code NOT CONTAINS 'x'</c> is false when <c>code</c> is a number. See <see cref="ConditionCompiler"/> for the full rules.
/// </remarks>
public sealed class ComparisonCondition : ConditionNode
{
    internal ComparisonCondition(ConditionOperand left, ConditionOperator op, ConditionOperand right, bool negated, bool ignoreCase)
    {
        Left = left;
        Operator = op;
        Right = right;
        Negated = negated;
        IgnoreCase = ignoreCase;
    }

    public ConditionOperand Left { get; }

    public ConditionOperator Operator { get; }

    public ConditionOperand Right { get; }

    /// <summary>True for <c>NOT CONTAINS</c>, <c>NOT STARTS WITH</c> and the like (not for <c>!=</c>, which is its own operator).</summary>
    public bool Negated { get; }

    /// <summary>True for the case-insensitive operators <c>IEQUALS</c>, <c>ICONTAINS</c>, <c>ISTARTS WITH</c>, <c>IENDS WITH</c>.</summary>
    public bool IgnoreCase { get; }

    /// <summary>The operator as a canonical keyword or symbol, such as <c>NOT ISTARTS WITH</c>.</summary>
    public string OperatorText
    {
        get
        {
            var i = IgnoreCase ? "I" : string.Empty;
            var word = Operator switch
            {
                ConditionOperator.Equal => IgnoreCase ? "IEQUALS" : "==",
                ConditionOperator.NotEqual => IgnoreCase ? "NOT IEQUALS" : "!=",
                ConditionOperator.GreaterThan => ">",
                ConditionOperator.GreaterThanOrEqual => ">=",
                ConditionOperator.LessThan => "<",
                ConditionOperator.LessThanOrEqual => "<=",
                ConditionOperator.Contains => i + "CONTAINS",
                ConditionOperator.StartsWith => i + "STARTS WITH",
                _ => i + "ENDS WITH",
            };
            return Negated ? "NOT " + word : word;
        }
    }

    public override string ToString() => $"{Left} {OperatorText} {Right}";
}

/// <summary>
/// <c>field IN (value, ...)</c>: true when the field equals one of the literals (with <c>==</c>'s rules).
/// <c>field NOT IN (...)</c> is true when the field holds a value of a kind found in the list (or null, or the list
/// holds null) and equals none of them; like every comparison, it is false when the field is missing.
/// </summary>
public sealed class InCondition : ConditionNode
{
    internal InCondition(FieldPath field, IReadOnlyList<LiteralOperand> values, bool negated)
    {
        Field = field;
        Values = values;
        Negated = negated;
    }

    public FieldPath Field { get; }

    public IReadOnlyList<LiteralOperand> Values { get; }

    public bool Negated { get; }

    public override string ToString() =>
        $"{Field} {(Negated ? "NOT IN" : "IN")} ({string.Join(", ", Values.Select(v => v.ToString()))})";
}

/// <summary>
/// <c>field MATCHES 'regex'</c>: true when the field is a string the .NET regular expression finds a match in
/// (anywhere, unless anchored with <c>^</c>/<c>$</c>). The expression is case-sensitive unless it starts with
/// <c>(?i)</c>, culture-invariant, built once, and limited to one second per value.
/// <c>NOT MATCHES</c> is true for a string with no match; both are false for a value that is not a string.
/// </summary>
public sealed class MatchesCondition : ConditionNode
{
    internal MatchesCondition(FieldPath field, Regex regex, bool negated)
    {
        Field = field;
        Regex = regex;
        Negated = negated;
    }

    public FieldPath Field { get; }

    /// <summary>The regular expression as written (with <c>''</c> already read as one quote).</summary>
    public string Pattern => Regex.ToString();

    public bool Negated { get; }

    internal Regex Regex { get; }

    public override string ToString() =>
        $"{Field} {(Negated ? "NOT MATCHES" : "MATCHES")} {LiteralOperand.Quote(Pattern)}";
}
