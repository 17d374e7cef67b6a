using Muxly.Router.Transformations;
using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class ArrayFlattenTransformationTests
{
    [Fact]
    public void Emits_one_record_per_element_keeping_parent_fields_by_default()
    {
        var output = Run("array_flatten", """{"field":"items"}""", """{"order":1,"items":[{"sku":"A"},{"sku":"B"}]}""");
        Assert.Equal(["""{"order":1,"items":{"sku":"A"}}""", """{"order":1,"items":{"sku":"B"}}"""], output);
    }

    [Fact]
    public void Writes_the_element_under_another_name_and_drops_the_array()
    {
        var output = Run("array_flatten", """{"field":"order.items","as":"item"}""", """{"order":{"id":1,"items":[1,2]}}""");
        Assert.Equal(["""{"order":{"id":1},"item":1}""", """{"order":{"id":1},"item":2}"""], output);
    }

    [Fact]
    public void Can_leave_out_the_parent()
    {
        var output = Run("array_flatten", """{"field":"items","keep_parent":false,"as":"value"}""", """{"order":1,"items":["x","y"]}""");
        Assert.Equal(["""{"value":"x"}""", """{"value":"y"}"""], output);
    }

    [Fact]
    public void Drops_records_with_missing_null_or_empty_arrays_unless_asked()
    {
        string[] records = ["""{"id":1}""", """{"id":2,"items":null}""", """{"id":3,"items":[]}"""];
        Assert.Empty(Run("array_flatten", """{"field":"items"}""", records));
        Assert.Equal(["""{"id":1,"items":null}""", """{"id":2,"items":null}""", """{"id":3,"items":null}"""],
            Run("array_flatten", """{"field":"items","keep_empty":true}""", records));
    }

    [Fact]
    public void Treats_a_single_value_as_a_one_element_array()
    {
        Assert.Equal(["""{"id":1,"items":"solo"}"""], Run("array_flatten", """{"field":"items"}""", """{"id":1,"items":"solo"}"""));
    }

    [Fact]
    public void Gives_each_output_its_own_copy_of_the_parent()
    {
        var stage = TransformationRegistry.Default.Create("array_flatten", Obj("""{"field":"items"}"""), TransformationContext.None);
        var output = stage.Apply(JsonRecords("""{"meta":{"n":1},"items":[1,2,3]}""")).ToList();
        output[0]["meta"]!["n"] = 99;
        Assert.Equal("""{"meta":{"n":1},"items":2}""", output[1].ToJsonString());
        Assert.Equal("""{"meta":{"n":1},"items":3}""", output[2].ToJsonString());
    }

    [Theory]
    [InlineData("{}", "array_flatten needs 'field' (a field path).")]
    [InlineData("""{"field":"items","keep_parent":"yes"}""", "array_flatten 'keep_parent' must be true or false, not text.")]
    [InlineData("""{"field":"items","as":3}""", "array_flatten 'as' must be a field path (text), not a number.")]
    [InlineData("""{"field":"items","keep_empty":1}""", "array_flatten 'keep_empty' must be true or false")]
    [InlineData("""{"field":"items","flatten":true}""", "array_flatten does not take 'flatten'")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("array_flatten", config, message);
}
