using Muxly.Router.Conditions;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Router.Conditions;

public sealed class ConditionExplainTests
{
    [Fact]
    public void Explain_reports_every_part_with_its_depth_and_whether_it_held()
    {
        var compiled = ConditionCompiler.Compile("amount > 1000 AND (status == 'x' OR NOT EXISTS missing)");

        var explanation = compiled.Explain(ConditionTestRecords.Sample);

        Assert.True(explanation.Result);
        Assert.Equal("amount > 1000 AND (status == 'x' OR NOT EXISTS missing)", explanation.Condition);
        Assert.Equal(
            new[]
            {
                new ConditionPartResult(0, "amount > 1000 AND (status == 'x' OR NOT EXISTS missing)", true, null),
                new ConditionPartResult(1, "amount > 1000", true, "amount = 1500"),
                new ConditionPartResult(1, "(status == 'x' OR NOT EXISTS missing)", true, null),
                new ConditionPartResult(2, "status == 'x'", false, "status = 'Active'"),
                new ConditionPartResult(2, "NOT EXISTS missing", true, null),
                new ConditionPartResult(3, "EXISTS missing", false, "missing is missing"),
            },
            explanation.Parts);
    }

    [Fact]
    public void Explain_evaluates_parts_a_short_circuit_would_skip()
    {
        var explanation = ConditionCompiler.Compile("amount > 9999 AND status == 'Active'").Explain(ConditionTestRecords.Sample);

        Assert.False(explanation.Result);
        Assert.False(explanation.Parts[1].Held);
        Assert.Equal("status == 'Active'", explanation.Parts[2].Text);
        Assert.True(explanation.Parts[2].Held);
    }

    [Fact]
    public void Explain_shows_both_fields_of_a_field_to_field_comparison()
    {
        var explanation = ConditionCompiler.Compile("limits.max > user.nickname").Explain(ConditionTestRecords.Sample);

        var part = Assert.Single(explanation.Parts);
        Assert.False(part.Held);
        Assert.Equal("limits.max = 2000, user.nickname is missing", part.Detail);
    }

    [Fact]
    public void Explain_shows_arrays_null_and_in_lists()
    {
        var explanation = ConditionCompiler.Compile("tags CONTAINS 'red' AND note IN (null)").Explain(ConditionTestRecords.Sample);

        Assert.Equal("tags = [\"red\",\"blue\",3,true,null]", explanation.Parts[1].Detail);
        Assert.Equal("note = null", explanation.Parts[2].Detail);
        Assert.True(explanation.Result);
    }

    [Fact]
    public void Explain_names_the_inner_part_of_a_postfix_NOT_EXISTS()
    {
        var explanation = ConditionCompiler.Compile("amount NOT EXISTS").Explain(ConditionTestRecords.Sample);

        Assert.Equal(
            new[]
            {
                new ConditionPartResult(0, "amount NOT EXISTS", false, null),
                new ConditionPartResult(1, "EXISTS amount", true, "amount = 1500"),
            },
            explanation.Parts);
    }

    [Fact]
    public void Explain_names_a_field_compared_with_itself_once()
    {
        var explanation = ConditionCompiler.Compile("note == note").Explain(ConditionTestRecords.Sample);

        Assert.Equal("note = null", Assert.Single(explanation.Parts).Detail);
    }

    [Fact]
    public void Explain_of_an_empty_condition_is_one_part_that_holds()
    {
        var explanation = ConditionCompiler.Compile("").Explain(ConditionTestRecords.Sample);

        Assert.True(explanation.Result);
        Assert.Equal(new ConditionPartResult(0, "(no condition)", true, null), Assert.Single(explanation.Parts));
    }

    [Fact]
    public void An_explanation_reads_as_an_indented_tree()
    {
        var explanation = ConditionCompiler.Compile("NOT amount < 10 OR code STARTS WITH 'X'").Explain(ConditionTestRecords.Sample);

        var lines = explanation.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
            new[]
            {
                "true  NOT amount < 10 OR code STARTS WITH 'X'",
                "  true  NOT amount < 10",
                "    false amount < 10   [amount = 1500]",
                "  false code STARTS WITH 'X'   [code = 'ABC-123']",
            },
            lines);
    }
}
