using System.Text;

namespace Muxly.Router.Conditions;

/// <summary>
/// Which parts of a condition held for one record (<see cref="CompiledCondition.Explain"/>).
/// </summary>
public sealed class ConditionExplanation
{
    internal ConditionExplanation(string condition, bool result, IReadOnlyList<ConditionPartResult> parts)
    {
        Condition = condition;
        Result = result;
        Parts = parts;
    }

    /// <summary>The condition as given.</summary>
    public string Condition { get; }

    /// <summary>Whether the whole condition held.</summary>
    public bool Result { get; }

    /// <summary>
    /// Every part, the whole condition first, then each AND, OR and NOT followed by its operands (depth first, so a
    /// part's operands follow it with a <see cref="ConditionPartResult.Depth"/> one greater).
    /// </summary>
    public IReadOnlyList<ConditionPartResult> Parts { get; }

    /// <summary>An indented tree, one part a line: <c>true  amount &gt; 1000   [amount = 1500]</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var part in Parts)
        {
            text.Append(' ', part.Depth * 2)
                .Append(part.Held ? "true  " : "false ")
                .Append(part.Text);
            if (!string.IsNullOrEmpty(part.Detail))
            {
                text.Append("   [").Append(part.Detail).Append(']');
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}

/// <summary>
/// One part of an explained condition: its text as written, its depth in the tree (0 for the whole condition), whether
/// it held, and for comparisons the values of the fields it read (<c>amount = 1500</c>, <c>user.name is missing</c>).
/// </summary>
public sealed record ConditionPartResult(int Depth, string Text, bool Held, string? Detail);
