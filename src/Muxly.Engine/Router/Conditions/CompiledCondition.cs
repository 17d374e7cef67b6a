using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Router.Conditions;

/// <summary>
/// A condition compiled by <see cref="ConditionCompiler"/>, ready to be evaluated against any number of records.
/// </summary>
public sealed class CompiledCondition
{
    private readonly CompiledPart _root;
    private readonly Func<JsonObject, bool> _test;
    private readonly Func<JsonElement, bool> _testElement;

    internal CompiledCondition(string text, ConditionNode syntax, CompiledPart root)
    {
        Text = text;
        Syntax = syntax;
        _root = root;
        _test = root.Test;
        _testElement = root.TestElement;
    }

    /// <summary>The condition as given.</summary>
    public string Text { get; }

    /// <summary>The parsed condition.</summary>
    public ConditionNode Syntax { get; }

    /// <summary>True where the condition was empty, so every record matches.</summary>
    public bool IsAlwaysTrue => Syntax is AlwaysTrueCondition;

    /// <summary>Whether <paramref name="record"/> satisfies the condition.</summary>
    public bool Evaluate(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _test(record);
    }

    /// <summary>
    /// Whether a parsed record satisfies the condition, read straight from its JSON without building a
    /// <see cref="JsonObject"/>: the same answer as <see cref="Evaluate(JsonObject)"/> for the same record.
    /// </summary>
    public bool Evaluate(JsonElement record) => _testElement(record);

    /// <summary>
    /// Evaluates every part of the condition against <paramref name="record"/> (without short-circuiting, so each part
    /// is reported) and says which held. <see cref="ConditionExplanation.Result"/> equals <see cref="Evaluate(JsonObject)"/>.
    /// </summary>
    public ConditionExplanation Explain(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var parts = new List<ConditionPartResult>();
        var result = ExplainPart(_root, record, 0, parts);
        return new ConditionExplanation(Text, result, parts);
    }

    public override string ToString() => Text;

    private static bool ExplainPart(CompiledPart part, JsonObject record, int depth, List<ConditionPartResult> parts)
    {
        var index = parts.Count;
        parts.Add(null!);
        bool held;
        switch (part.Kind)
        {
            case CompiledPartKind.And:
            {
                var left = ExplainPart(part.Children[0], record, depth + 1, parts);
                var right = ExplainPart(part.Children[1], record, depth + 1, parts);
                held = left && right;
                break;
            }

            case CompiledPartKind.Or:
            {
                var left = ExplainPart(part.Children[0], record, depth + 1, parts);
                var right = ExplainPart(part.Children[1], record, depth + 1, parts);
                held = left || right;
                break;
            }

            case CompiledPartKind.Not:
                held = !ExplainPart(part.Children[0], record, depth + 1, parts);
                break;
            default:
                held = part.Test(record);
                break;
        }

        parts[index] = new ConditionPartResult(depth, part.Text, held, part.Describe?.Invoke(record));
        return held;
    }
}

internal enum CompiledPartKind
{
    Leaf,
    And,
    Or,
    Not,
}

/// <summary>One compiled node: its delegate (which already composes its children's) and what Explain needs.</summary>
internal sealed class CompiledPart
{
    public CompiledPart(
        string text, CompiledPartKind kind, Func<JsonObject, bool> test, Func<JsonElement, bool> testElement, CompiledPart[] children, Func<JsonObject, string>? describe)
    {
        Text = text;
        Kind = kind;
        Test = test;
        TestElement = testElement;
        Children = children;
        Describe = describe;
    }

    public string Text { get; }

    public CompiledPartKind Kind { get; }

    public Func<JsonObject, bool> Test { get; }

    /// <summary>The same test on a record that is parsed but not materialised.</summary>
    public Func<JsonElement, bool> TestElement { get; }

    public CompiledPart[] Children { get; }

    public Func<JsonObject, string>? Describe { get; }

    public static CompiledPart Leaf(string text, Func<JsonObject, bool> test, Func<JsonElement, bool> testElement, Func<JsonObject, string>? describe) =>
        new(text, CompiledPartKind.Leaf, test, testElement, [], describe);
}
