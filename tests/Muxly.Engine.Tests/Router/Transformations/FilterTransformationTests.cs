using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class FilterTransformationTests
{
    private static readonly string[] Sample =
    [
        """{"id":1,"amount":100,"name":"alpha","tags":["a","b"]}""",
        """{"id":2,"amount":250.0,"name":"beta","tags":[]}""",
        """{"id":3,"amount":"75","name":"Alphabet"}""",
        """{"id":4,"amount":null,"name":null}""",
        """{"id":5}""",
    ];

    private static List<int> Ids(string field, string op, string? valueJson)
    {
        var config = valueJson is null
            ? $$"""{"field":"{{field}}","operator":"{{op}}"}"""
            : $$"""{"field":"{{field}}","operator":"{{op}}","value":{{valueJson}}}""";
        return Run("filter", config, Sample).Select(json => (int)Obj(json)["id"]!).ToList();
    }

    [Theory]
    [InlineData("==", "100", new[] { 1 })]
    [InlineData("==", "1e2", new[] { 1 })]
    [InlineData("==", "250", new[] { 2 })]
    [InlineData("==", "75", new[] { 3 })]
    [InlineData("==", "null", new[] { 4 })]
    [InlineData("!=", "100", new[] { 2, 3, 4 })]
    [InlineData(">", "99.5", new[] { 1, 2 })]
    [InlineData(">=", "100", new[] { 1, 2 })]
    [InlineData("<", "100", new[] { 3 })]
    [InlineData("<=", "100", new[] { 1, 3 })]
    [InlineData("in", "[75, 250, \"x\"]", new[] { 2, 3 })]
    public void Compares_numbers_by_value_and_never_matches_a_missing_field(string op, string value, int[] expected)
    {
        Assert.Equal(expected, Ids("amount", op, value));
    }

    [Theory]
    [InlineData("==", "\"alpha\"", new[] { 1 })]
    [InlineData(">", "\"alpha\"", new[] { 2 })] // ordinal: "Alphabet" < "alpha"
    [InlineData("contains", "\"lph\"", new[] { 1, 3 })]
    [InlineData("starts_with", "\"Alpha\"", new[] { 3 })]
    [InlineData("ends_with", "\"ta\"", new[] { 2 })]
    [InlineData("in", "[\"beta\", \"gamma\"]", new[] { 2 })]
    public void Compares_text_ordinally_and_case_sensitively(string op, string value, int[] expected)
    {
        Assert.Equal(expected, Ids("name", op, value));
    }

    [Fact]
    public void Contains_on_an_array_looks_for_an_element()
    {
        Assert.Equal([1], Ids("tags", "contains", "\"b\""));
    }

    [Fact]
    public void Exists_and_not_exists_test_presence()
    {
        Assert.Equal([1, 2, 3, 4], Ids("amount", "exists", null));
        Assert.Equal([5], Ids("amount", "NOT_EXISTS", null));
    }

    [Fact]
    public void Reads_nested_and_indexed_fields()
    {
        var output = Run("filter", """{"field":"$.order.lines[0].sku","operator":"==","value":"A"}""",
            """{"order":{"lines":[{"sku":"A"}]}}""", """{"order":{"lines":[{"sku":"B"}]}}""", """{"order":{"lines":[]}}""");
        Assert.Equal(["""{"order":{"lines":[{"sku":"A"}]}}"""], output);
    }

    [Fact]
    public void Compares_objects_as_json()
    {
        var output = Run("filter", """{"field":"a","operator":"==","value":{"x":1}}""", """{"a":{"x":1}}""", """{"a":{"x":2}}""");
        Assert.Equal(["""{"a":{"x":1}}"""], output);
    }

    [Fact]
    public void Does_not_order_values_of_different_kinds()
    {
        Assert.Empty(Run("filter", """{"field":"a","operator":">","value":1}""", """{"a":"abc"}""", """{"a":true}"""));
    }

    [Theory]
    [InlineData("""{"operator":"==","value":1}""", "filter needs 'field' (a field path).")]
    [InlineData("""{"field":"a","value":1}""", "filter needs 'operator'")]
    [InlineData("""{"field":"a","operator":"=="}""", "filter needs 'value' (the value to compare with for '==').")]
    [InlineData("""{"field":"a","operator":"like","value":1}""", "filter 'operator' 'like' is not known")]
    [InlineData("""{"field":"a","operator":"in","value":1}""", "filter 'in' needs 'value' to be an array, not a number.")]
    [InlineData("""{"field":"a","operator":"starts_with","value":1}""", "filter 'starts_with' needs 'value' to be text")]
    [InlineData("""{"field":"a","operator":"==","value":1,"values":[1]}""", "filter does not take 'values'")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("filter", config, message);
}
