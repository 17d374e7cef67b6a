using System.Text.Json.Nodes;
using Muxly.Router.Transformations;
using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class SetFieldTransformationTests
{
    [Fact]
    public void Sets_a_fixed_value_of_any_json_kind()
    {
        Assert.Equal(["""{"a":1,"source":"crm"}"""], Run("set_field", """{"field":"source","value":"crm"}""", """{"a":1}"""));
        Assert.Equal(["""{"a":null}"""], Run("set_field", """{"field":"a","value":null}""", """{"a":1}"""));
        Assert.Equal(["""{"meta":{"tags":["x"]}}"""], Run("set_field", """{"field":"meta","value":{"tags":["x"]}}""", "{}"));
    }

    [Fact]
    public void Creates_nested_parents()
    {
        Assert.Equal(["""{"a":{"b":{"c":true}}}"""], Run("set_field", """{"field":"a.b.c","value":true}""", "{}"));
    }

    [Fact]
    public void Gives_each_record_its_own_copy_of_an_object_value()
    {
        var stage = TransformationRegistry.Default.Create("set_field", Obj("""{"field":"meta","value":{"n":1}}"""), TransformationContext.None);
        var output = stage.Apply(JsonRecords("{}", "{}")).ToList();
        output[0]["meta"]!["n"] = 99;
        Assert.Equal("""{"meta":{"n":1}}""", output[1].ToJsonString());
    }

    [Fact]
    public void Fills_templates_in_text_values()
    {
        Assert.Equal(["""{"id":7,"user":{"name":"Ann"},"label":"7-Ann-"}"""],
            Run("set_field", """{"field":"label","value":"{{id}}-{{user.name}}-{{missing}}"}""", """{"id":7,"user":{"name":"Ann"}}"""));
    }

    [Fact]
    public void Warns_where_the_field_cannot_be_written()
    {
        var warnings = new List<string>();
        Assert.Equal(["""{"a":3}"""], Run("set_field", """{"field":"a.b","value":1}""", JsonRecords("""{"a":3}"""), warnings));
        Assert.Single(warnings);
    }

    [Fact]
    public void Does_not_change_the_config_it_was_created_from()
    {
        var config = Obj("""{"field":"meta","value":{"n":1}}""");
        var stage = TransformationRegistry.Default.Create("set_field", config, TransformationContext.None);
        stage.Apply(JsonRecords("{}")).Single()["meta"]!["n"] = 2;
        Assert.Equal("""{"field":"meta","value":{"n":1}}""", config.ToJsonString());
    }

    [Theory]
    [InlineData("""{"value":1}""", "set_field needs 'field' (a field path).")]
    [InlineData("""{"field":"a"}""", "set_field needs 'value' (any JSON value).")]
    [InlineData("""{"field":"a","value":"{{oops"}""", "set_field 'value' has '{{' at position 1 without a closing '}}'.")]
    [InlineData("""{"field":["a"],"value":1}""", "set_field 'field' must be a field path (text), not an array.")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("set_field", config, message);
}
