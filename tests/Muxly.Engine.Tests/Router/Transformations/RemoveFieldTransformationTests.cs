using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class RemoveFieldTransformationTests
{
    [Fact]
    public void Removes_one_field()
    {
        Assert.Equal(["""{"b":2}"""], Run("remove_field", """{"field":"a"}""", """{"a":1,"b":2}"""));
    }

    [Fact]
    public void Removes_several_fields_including_nested_and_indexed_ones()
    {
        var output = Run("remove_field", """{"fields":["a","user.secret","items[0]"]}""",
            """{"a":1,"user":{"secret":"x","name":"Ann"},"items":[1,2]}""");
        Assert.Equal(["""{"user":{"name":"Ann"},"items":[2]}"""], output);
    }

    [Fact]
    public void Ignores_fields_the_record_does_not_have()
    {
        Assert.Equal(["""{"b":2}"""], Run("remove_field", """{"fields":["a","x.y"]}""", """{"b":2}"""));
    }

    [Theory]
    [InlineData("{}", "remove_field needs 'field' (a field path) or 'fields' (an array of field paths).")]
    [InlineData("""{"field":"a","fields":["b"]}""", "either 'field' or 'fields', not both")]
    [InlineData("""{"fields":[]}""", "remove_field 'fields' cannot be empty.")]
    [InlineData("""{"fields":"a"}""", "remove_field 'fields' must be an array of field paths, not text.")]
    [InlineData("""{"fields":["a",3]}""", "must list field paths as text, not a number")]
    [InlineData("""{"field":"a["}""", "remove_field 'field' is not a valid field path")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("remove_field", config, message);
}
