using System.Text.Json.Nodes;
using Muxly.Router.Transformations;
using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class FormulaTransformationTests
{
    private static JsonNode? Compute(string expression, string record = "{}", List<string>? warnings = null)
    {
        var config = new JsonObject { ["expression"] = expression, ["output"] = "result" };
        var output = Run("formula", config.ToJsonString(), JsonRecords(record), warnings);
        return Obj(Assert.Single(output))["result"];
    }

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 4 - 3", "3")]
    [InlineData("2 * 3 / 4", "1.5")]
    [InlineData("17 % 5", "2")]
    [InlineData("-3 + 1", "-2")]
    [InlineData("-(2 + 3) * -2", "10")]
    [InlineData("+4 - -4", "8")]
    [InlineData(".5 + 1e1 + 2.5E-1", "10.75")]
    [InlineData("  7  ", "7")]
    public void Evaluates_arithmetic_with_precedence(string expression, string expected)
    {
        Assert.Equal(expected, Compute(expression)!.ToJsonString());
    }

    [Fact]
    public void Reads_bare_dotted_indexed_and_braced_fields()
    {
        var record = """{"price":2.5,"qty":4,"order":{"lines":[{"n":3}]},"unit price":10,"vat-rate":0.2,"$odd":1}""";
        Assert.Equal("10", Compute("price * qty", record)!.ToJsonString());
        Assert.Equal("13", Compute("order.lines[0].n + {unit price}", record)!.ToJsonString());
        Assert.Equal("12", Compute("{unit price} * (1 + {vat-rate})", record)!.ToJsonString());
        Assert.Equal("4", Compute("$.order.lines[0].n + 1", record)!.ToJsonString());
        Assert.Equal("3", Compute("$['unit price'] - order.lines[0]['n'] * 2 - 1", record)!.ToJsonString());
    }

    [Fact]
    public void Treats_numeric_text_as_a_number()
    {
        Assert.Equal("6", Compute("a * 2", """{"a":"3"}""")!.ToJsonString());
    }

    [Theory]
    [InlineData("a / 0", "division by zero")]
    [InlineData("a % (b - b)", "modulo by zero")]
    [InlineData("a + missing", "field 'missing' is missing")]
    [InlineData("a + s", "field 's' is not a number")]
    [InlineData("a + n", "field 'n' is null")]
    [InlineData("1e308 * 10", "too large")]
    public void Gives_null_and_one_warning_where_a_record_cannot_be_computed(string expression, string reason)
    {
        var warnings = new List<string>();
        var result = Compute(expression, """{"a":1,"b":2,"s":"x","n":null}""", warnings);
        Assert.Null(result);
        Assert.Contains(reason, Assert.Single(warnings));
    }

    [Fact]
    public void Warns_once_per_record_and_goes_on()
    {
        var warnings = new List<string>();
        var output = Run("formula", """{"expression":"a / b / b","output":"r"}""",
            JsonRecords("""{"a":1,"b":0}""", """{"a":6,"b":2}""", """{"a":1,"b":0}"""), warnings);
        Assert.Equal(["""{"a":1,"b":0,"r":null}""", """{"a":6,"b":2,"r":1.5}""", """{"a":1,"b":0,"r":null}"""], output);
        Assert.Equal(2, warnings.Count);
    }

    [Fact]
    public void Writes_to_a_nested_output()
    {
        Assert.Equal(["""{"a":2,"calc":{"sq":4}}"""], Run("formula", """{"expression":"a*a","output":"calc.sq"}""", """{"a":2}"""));
    }

    [Fact]
    public void Exposes_the_fields_it_reads()
    {
        var formula = FormulaExpression.Parse("a + b.c * {x y}");
        Assert.Equal(["a", "b.c", "x y"], formula.Fields.Select(f => f.Text));
        Assert.Equal((double?)7, formula.Evaluate(Obj("""{"a":1,"b":{"c":2},"x y":3}"""), out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("", 1, "a number, a field or '('")]
    [InlineData("1 +", 4, "a number, a field or '('")]
    [InlineData("(1 + 2", 7, "')' to close the '(' at position 1")]
    [InlineData("1 + 2)", 6, "an operator or the end")]
    [InlineData("2 x", 3, "an operator or the end")]
    [InlineData("a ^ 2", 3, "not '^'")]
    [InlineData("1e+", 4, "digits of the exponent")]
    [InlineData("{price", 7, "'}' to close")]
    [InlineData("a[0 + 1", 8, "']' to close the '[' at position 2")]
    [InlineData("a..b + 1", 1, "a valid field")]
    [InlineData("* 2", 1, "a number, a field or '('")]
    public void Reports_syntax_errors_with_their_position(string expression, int position, string expected)
    {
        var config = new JsonObject { ["expression"] = expression, ["output"] = "r" };
        if (expression.Length == 0)
        {
            // An empty expression is a missing key rather than a syntax error.
            AssertRefused("formula", config.ToJsonString(), "formula 'expression' cannot be empty");
            Assert.Contains($"position {position}", Assert.Throws<MuxlyException>(() => FormulaExpression.Parse(expression)).Message);
            return;
        }

        var error = AssertRefused("formula", config.ToJsonString(), expected, "MuxlyFormulaSyntaxError");
        Assert.Contains($"at position {position}:", error.Message);
        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [InlineData("""{"output":"r"}""", "formula needs 'expression'")]
    [InlineData("""{"expression":"1"}""", "formula needs 'output' (a field path).")]
    [InlineData("""{"expression":1,"output":"r"}""", "formula 'expression' must be")]
    [InlineData("""{"expression":"1","output":"r","outptu":"x"}""", "formula does not take 'outptu'")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("formula", config, message);
}
