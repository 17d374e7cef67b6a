using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class RenameFieldTransformationTests
{
    [Fact]
    public void Moves_a_top_level_field()
    {
        Assert.Equal(["""{"b":2,"c":1}"""], Run("rename_field", """{"from":"a","to":"c"}""", """{"a":1,"b":2}"""));
    }

    [Fact]
    public void Moves_between_nested_paths_creating_parents()
    {
        var output = Run("rename_field", """{"from":"user.name","to":"$.person.full_name"}""", """{"user":{"name":"Ann","id":7}}""");
        Assert.Equal(["""{"user":{"id":7},"person":{"full_name":"Ann"}}"""], output);
    }

    [Fact]
    public void Passes_records_without_the_field_unchanged()
    {
        Assert.Equal(["""{"b":2}"""], Run("rename_field", """{"from":"a","to":"c"}""", """{"b":2}"""));
    }

    [Fact]
    public void Overwrites_an_existing_target()
    {
        Assert.Equal(["""{"c":1}"""], Run("rename_field", """{"from":"a","to":"c"}""", """{"a":1,"c":"old"}"""));
    }

    [Fact]
    public void Keeps_the_value_and_warns_where_the_target_cannot_be_written()
    {
        var warnings = new List<string>();
        var output = Run("rename_field", """{"from":"a","to":"b.c"}""", JsonRecords("""{"a":1,"b":5}"""), warnings);
        Assert.Equal(["""{"b":5,"a":1}"""], output);
        Assert.Contains("b.c", Assert.Single(warnings));
    }

    [Fact]
    public void Moves_a_null_value()
    {
        Assert.Equal(["""{"c":null}"""], Run("rename_field", """{"from":"a","to":"c"}""", """{"a":null}"""));
    }

    [Theory]
    [InlineData("""{"to":"c"}""", "rename_field needs 'from' (a field path).")]
    [InlineData("""{"from":"a"}""", "rename_field needs 'to' (a field path).")]
    [InlineData("""{"from":5,"to":"c"}""", "rename_field 'from' must be a field path (text), not a number.")]
    [InlineData("""{"from":"","to":"c"}""", "rename_field 'from' cannot be empty")]
    [InlineData("""{"from":"a..b","to":"c"}""", "rename_field 'from' is not a valid field path")]
    [InlineData("""{"from":"a","to":"c","too":"d"}""", "rename_field does not take 'too'")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("rename_field", config, message);
}
