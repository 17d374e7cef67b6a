using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class FormatStringTransformationTests
{
    [Fact]
    public void Fills_placeholders_from_dotted_paths()
    {
        var output = Run("format_string", """{"template":"Order {{id}} for {{ customer.name }} ({{customer.tags[0]}})","output":"title"}""",
            """{"id":42,"customer":{"name":"Ann","tags":["vip"]}}""");
        Assert.Equal("Order 42 for Ann (vip)", (string)Obj(Assert.Single(output))["title"]!);
    }

    [Fact]
    public void Writes_missing_and_null_as_empty_and_other_values_as_json()
    {
        var output = Run("format_string", """{"template":"[{{missing}}|{{n}}|{{b}}|{{o}}|{{x}}]","output":"t"}""",
            """{"n":null,"b":true,"o":{"k":[1]},"x":1.50}""");
        Assert.Equal("""[||true|{"k":[1]}|1.50]""", (string)Obj(Assert.Single(output))["t"]!);
    }

    [Fact]
    public void Keeps_text_without_placeholders_and_single_braces()
    {
        var output = Run("format_string", """{"template":"a {b} c","output":"t"}""", "{}");
        Assert.Equal("""{"t":"a {b} c"}""", Assert.Single(output));
    }

    [Fact]
    public void Writes_to_a_nested_output_and_may_replace_a_field_it_reads()
    {
        Assert.Equal(["""{"name":"Ann!","out":{"x":"Ann!!"}}"""],
            Run("format_string", """{"template":"{{name}}!","output":"out.x"}""", """{"name":"Ann!"}"""));
        Assert.Equal(["""{"name":"[Ann]"}"""], Run("format_string", """{"template":"[{{name}}]","output":"name"}""", """{"name":"Ann"}"""));
    }

    [Theory]
    [InlineData("""{"output":"t"}""", "format_string needs 'template'")]
    [InlineData("""{"template":"x"}""", "format_string needs 'output' (a field path).")]
    [InlineData("""{"template":5,"output":"t"}""", "format_string 'template' must be text, not a number.")]
    [InlineData("""{"template":"ab {{name","output":"t"}""", "format_string 'template' has '{{' at position 4 without a closing '}}'.")]
    [InlineData("""{"template":"{{ }}","output":"t"}""", "format_string 'template' has an empty placeholder at position 1")]
    [InlineData("""{"template":"{{a..b}}","output":"t"}""", "format_string 'template' is not a valid field path")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("format_string", config, message);
}
