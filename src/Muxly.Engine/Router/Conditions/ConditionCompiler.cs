using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Muxly.Router.Records;

namespace Muxly.Router.Conditions;

/// <summary>
/// Compiles a condition once into a <see cref="CompiledCondition"/>: a tree of closures over precompiled
/// <see cref="FieldPath"/>s and literal values, so evaluating a record reads fields and compares, and never looks at the
/// condition text again.
/// </summary>
/// <remarks>
/// <para>Semantics, for every operator:</para>
/// <list type="bullet">
/// <item>A <b>missing field</b> (the path leads nowhere) makes a comparison false — <c>!=</c>, <c>NOT CONTAINS</c>,
/// <c>NOT IN</c> and <c>NOT MATCHES</c> included. Only <c>NOT EXISTS field</c> (or <c>NOT (...)</c> around a comparison)
/// is true for a missing field.</item>
/// <item>A field holding JSON <b>null</b> exists. <c>field == null</c> is true for it; null is equal only to null and
/// unequal to every other value, so <c>field != null</c> is true for any other value and <c>field != 5</c> is true when
/// the field is null. Null has no order: <c>&lt; &lt;= &gt; &gt;=</c> are false for it.</item>
/// <item>A <b>type mismatch</b> is false, not an error: <c>'abc' == 5</c>-like pairs (string and number, boolean and
/// string...) are neither equal nor unequal, so both <c>==</c> and <c>!=</c> are false for them.</item>
/// <item><b>Numbers</b> compare as doubles, whatever their JSON spelling (<c>1000</c>, <c>1000.0</c>, <c>1e3</c> are
/// equal); integers are exact up to 2^53.</item>
/// <item><b>Strings</b> compare ordinally and case-sensitively, including with <c>&lt; &gt;</c>. The case-insensitive
/// operators (<c>IEQUALS</c>, <c>ICONTAINS</c>, <c>ISTARTS WITH</c>, <c>IENDS WITH</c>) use ordinal ignore-case.</item>
/// <item><b>Booleans</b> relate only to booleans, and only with <c>==</c>/<c>!=</c> (they have no order).</item>
/// <item><b>Arrays and objects</b> are equal (field to field) when their elements are, by these same rules.</item>
/// <item><c>CONTAINS</c> finds a substring in a string (string operand) or an element equal to the operand in an array;
/// <c>NOT CONTAINS</c> is true when the field is a string or array that does not contain it.
/// <c>STARTS WITH</c>/<c>ENDS WITH</c> are for strings only.</item>
/// <item><c>MATCHES</c> runs a .NET regular expression (built once, one-second timeout per value) on string values;
/// a timeout throws <see cref="MuxlyException"/> <c>MuxlyConditionRegexTimeout</c> (kind InvalidData) rather than
/// guessing an answer.</item>
/// <item>An empty condition is always true.</item>
/// </list>
/// <para>A compiled condition holds no per-record state and may be evaluated from several threads at once.</para>
/// </remarks>
public static class ConditionCompiler
{
    /// <summary>Parses and compiles <paramref name="text"/> (null, empty or white space: always true).</summary>
    public static CompiledCondition Compile(string? text)
    {
        var syntax = ConditionParser.Parse(text);
        return new CompiledCondition(text ?? string.Empty, syntax, CompilePart(syntax));
    }

    /// <summary>Compiles an already parsed condition.</summary>
    public static CompiledCondition Compile(ConditionNode condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new CompiledCondition(condition.Text, condition, CompilePart(condition));
    }

    private static CompiledPart CompilePart(ConditionNode node)
    {
        switch (node)
        {
            case AlwaysTrueCondition:
                return CompiledPart.Leaf("(no condition)", static _ => true, static _ => true, null);
            case AndCondition and:
            {
                var left = CompilePart(and.Left);
                var right = CompilePart(and.Right);
                Func<JsonObject, bool> l = left.Test, r = right.Test;
                Func<JsonElement, bool> le = left.TestElement, re = right.TestElement;
                return new CompiledPart(node.Text, CompiledPartKind.And, record => l(record) && r(record), record => le(record) && re(record), [left, right], null);
            }

            case OrCondition or:
            {
                var left = CompilePart(or.Left);
                var right = CompilePart(or.Right);
                Func<JsonObject, bool> l = left.Test, r = right.Test;
                Func<JsonElement, bool> le = left.TestElement, re = right.TestElement;
                return new CompiledPart(node.Text, CompiledPartKind.Or, record => l(record) || r(record), record => le(record) || re(record), [left, right], null);
            }

            case NotCondition not:
            {
                var operand = CompilePart(not.Operand);
                Func<JsonObject, bool> test = operand.Test;
                Func<JsonElement, bool> testElement = operand.TestElement;
                return new CompiledPart(node.Text, CompiledPartKind.Not, record => !test(record), record => !testElement(record), [operand], null);
            }

            case ExistsCondition exists:
            {
                var path = exists.Field;
                return CompiledPart.Leaf(node.Text, record => path.TryGet(record, out _), record => path.TryGet(record, out _), DescribeFields(path));
            }

            case ComparisonCondition comparison:
                return CompiledPart.Leaf(
                    node.Text,
                    CompileComparison<JsonObject, NodeReader>(comparison),
                    CompileComparison<JsonElement, ElementReader>(comparison),
                    DescribeFields(FieldsOf(comparison)));
            case InCondition @in:
                return CompiledPart.Leaf(node.Text, CompileIn<JsonObject, NodeReader>(@in), CompileIn<JsonElement, ElementReader>(@in), DescribeFields(@in.Field));
            case MatchesCondition matches:
                return CompiledPart.Leaf(
                    node.Text,
                    CompileMatches<JsonObject, NodeReader>(matches),
                    CompileMatches<JsonElement, ElementReader>(matches),
                    DescribeFields(matches.Field));
            default:
                throw new ArgumentException($"Unknown condition node {node.GetType().Name}.", nameof(node));
        }
    }

    // A relation answers true, false, or null where the two values are of kinds it does not relate. Null is false
    // for the negated operators too.
    private static bool Holds(bool? relation, bool negate) => relation is { } r && r != negate;

    // Each leaf is compiled twice: for materialised records (JsonObject) and for parsed records the router has not
    // materialised yet (JsonElement). The reader type argument picks how a field is read; the rest is the same code.
    private static Func<TRecord, bool> CompileComparison<TRecord, TReader>(ComparisonCondition comparison)
        where TReader : IRecordReader<TRecord>
    {
        var ignoreCase = comparison.IgnoreCase;
        Func<ConditionValue, ConditionValue, bool?> relation = comparison.Operator switch
        {
            ConditionOperator.Equal or ConditionOperator.NotEqual => (a, b) => ConditionValue.AreEqual(a, b, ignoreCase),
            ConditionOperator.GreaterThan => static (a, b) => ConditionValue.Order(a, b) is { } o ? o > 0 : null,
            ConditionOperator.GreaterThanOrEqual => static (a, b) => ConditionValue.Order(a, b) is { } o ? o >= 0 : null,
            ConditionOperator.LessThan => static (a, b) => ConditionValue.Order(a, b) is { } o ? o < 0 : null,
            ConditionOperator.LessThanOrEqual => static (a, b) => ConditionValue.Order(a, b) is { } o ? o <= 0 : null,
            ConditionOperator.Contains => (a, b) => ConditionValue.Contains(a, b, ignoreCase),
            ConditionOperator.StartsWith => (a, b) => ConditionValue.StartsWith(a, b, ignoreCase),
            _ => (a, b) => ConditionValue.EndsWith(a, b, ignoreCase),
        };
        var negate = comparison.Negated ^ (comparison.Operator == ConditionOperator.NotEqual);

        // The common shape, field against literal, reads one field and compares with a value computed here.
        if (comparison.Left is FieldOperand { Path: var path } && comparison.Right is LiteralOperand literal)
        {
            var constant = ConditionValue.FromLiteral(literal);
            return record => TReader.TryRead(path, record, out var value) && Holds(relation(value, constant), negate);
        }

        var left = Accessor<TRecord, TReader>(comparison.Left);
        var right = Accessor<TRecord, TReader>(comparison.Right);
        return record =>
        {
            var a = left(record);
            if (a.IsMissing)
            {
                return false;
            }

            var b = right(record);
            return !b.IsMissing && Holds(relation(a, b), negate);
        };
    }

    private static Func<TRecord, ConditionValue> Accessor<TRecord, TReader>(ConditionOperand operand)
        where TReader : IRecordReader<TRecord>
    {
        if (operand is LiteralOperand literal)
        {
            var constant = ConditionValue.FromLiteral(literal);
            return _ => constant;
        }

        var path = ((FieldOperand)operand).Path;
        return record => TReader.TryRead(path, record, out var value) ? value : ConditionValue.Missing;
    }

    private static Func<TRecord, bool> CompileIn<TRecord, TReader>(InCondition condition)
        where TReader : IRecordReader<TRecord>
    {
        var path = condition.Field;
        var negate = condition.Negated;
        var strings = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<double>();
        bool hasTrue = false, hasFalse = false, hasNull = false;
        foreach (var value in condition.Values)
        {
            switch (value.Kind)
            {
                case LiteralKind.Number:
                    numbers.Add(value.Number);
                    break;
                case LiteralKind.String:
                    strings.Add(value.String!);
                    break;
                case LiteralKind.Boolean:
                    hasTrue |= value.Boolean;
                    hasFalse |= !value.Boolean;
                    break;
                default:
                    hasNull = true;
                    break;
            }
        }

        // Same rules as ==: a value relates to literals of its own kind, and null relates to everything.
        var anyNumbers = hasNull || numbers.Count > 0;
        var anyStrings = hasNull || strings.Count > 0;
        var anyBooleans = hasNull || hasTrue || hasFalse;
        return record =>
        {
            if (!TReader.TryRead(path, record, out var value))
            {
                return false;
            }

            bool? found = value.Kind switch
            {
                ConditionValueKind.Null => hasNull,
                ConditionValueKind.Number => anyNumbers ? numbers.Contains(value.Number) : null,
                ConditionValueKind.String => anyStrings ? strings.Contains(value.String!) : null,
                ConditionValueKind.Boolean => anyBooleans ? (value.Boolean ? hasTrue : hasFalse) : null,
                _ => hasNull ? false : null,
            };
            return Holds(found, negate);
        };
    }

    private static Func<TRecord, bool> CompileMatches<TRecord, TReader>(MatchesCondition condition)
        where TReader : IRecordReader<TRecord>
    {
        var path = condition.Field;
        var regex = condition.Regex;
        var negate = condition.Negated;
        return record =>
        {
            if (!TReader.TryRead(path, record, out var value) || value.Kind != ConditionValueKind.String)
            {
                return false;
            }

            try
            {
                return regex.IsMatch(value.String!) != negate;
            }
            catch (RegexMatchTimeoutException ex)
            {
                throw new MuxlyException(
                    MuxlyErrorKind.InvalidData,
                    ConditionSyntaxErrors.RegexTimeoutId,
                    $"The regular expression '{regex}' in the condition took longer than {ex.MatchTimeout.TotalSeconds:0.#} s on a value of {value.String!.Length} characters of '{path}'.",
                    path.Text,
                    ex);
            }
        };
    }

    private static FieldPath[] FieldsOf(ComparisonCondition comparison) =>
        new[] { comparison.Left, comparison.Right }.OfType<FieldOperand>().Select(f => f.Path).DistinctBy(p => p.Text).ToArray();

    private static Func<JsonObject, string> DescribeFields(params FieldPath[] paths) =>
        record => string.Join(", ", paths.Select(path =>
            path.TryGet(record, out var node) ? $"{path} = {ConditionValue.FromNode(node).Describe()}" : $"{path} is missing"));
}

/// <summary>How a compiled condition reads a field from one kind of record.</summary>
internal interface IRecordReader<TRecord>
{
    static abstract bool TryRead(FieldPath path, TRecord record, out ConditionValue value);
}

/// <summary>Reads materialised records.</summary>
internal readonly struct NodeReader : IRecordReader<JsonObject>
{
    public static bool TryRead(FieldPath path, JsonObject record, out ConditionValue value)
    {
        var found = path.TryGet(record, out var node);
        value = found ? ConditionValue.FromNode(node) : ConditionValue.Missing;
        return found;
    }
}

/// <summary>Reads parsed records that are not materialised (the router's raw JSON lines).</summary>
internal readonly struct ElementReader : IRecordReader<JsonElement>
{
    public static bool TryRead(FieldPath path, JsonElement record, out ConditionValue value)
    {
        var found = path.TryGet(record, out var element);
        value = found ? ConditionValue.FromElement(element) : ConditionValue.Missing;
        return found;
    }
}
