using Muxly.Router.Transformations;
using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class AggregateTransformationTests
{
    private static readonly string[] Sales =
    [
        """{"region":"north","sku":"A","amount":10,"day":"2024-01-03"}""",
        """{"region":"south","sku":"A","amount":5.5,"day":"2024-01-01"}""",
        """{"region":"north","sku":"B","amount":"20","day":"2024-01-02"}""",
        """{"region":"north","sku":"A","amount":null}""",
    ];

    [Fact]
    public void Computes_each_function_per_group_in_first_seen_order()
    {
        var output = Run("aggregate", """
            {"group_by":["region"],"aggregations":[
              {"field":"amount","function":"sum","as":"total"},
              {"function":"count"},
              {"field":"amount","function":"count","as":"priced"},
              {"field":"amount","function":"avg"},
              {"field":"amount","function":"min"},
              {"field":"amount","function":"max"},
              {"field":"day","function":"min","as":"first_day"}]}
            """, Sales);
        Assert.Equal(
        [
            """{"region":"north","total":30,"count":3,"priced":2,"avg_amount":15,"min_amount":10,"max_amount":20,"first_day":"2024-01-02"}""",
            """{"region":"south","total":5.5,"count":1,"priced":1,"avg_amount":5.5,"min_amount":5.5,"max_amount":5.5,"first_day":"2024-01-01"}""",
        ], output);
    }

    [Fact]
    public void Groups_by_several_and_nested_fields_with_numbers_by_value()
    {
        var output = Run("aggregate", """{"group_by":["k.n","tag"],"aggregations":[{"function":"count","as":"stats.count"}]}""",
            """{"k":{"n":1},"tag":"x"}""", """{"k":{"n":1.0},"tag":"x"}""", """{"k":{"n":0},"tag":"x"}""", """{"k":{"n":-0.0},"tag":"x"}""", """{"k":{"n":1},"tag":"y"}""", """{"tag":"x"}""");
        Assert.Equal(
        [
            """{"k":{"n":1},"tag":"x","stats":{"count":2}}""",
            """{"k":{"n":0},"tag":"x","stats":{"count":2}}""",
            """{"k":{"n":1},"tag":"y","stats":{"count":1}}""",
            """{"k":{"n":null},"tag":"x","stats":{"count":1}}""",
        ], output);
    }

    [Fact]
    public void Without_group_by_makes_one_group_and_nothing_from_no_input()
    {
        const string config = """{"aggregations":[{"field":"amount","function":"sum"},{"field":"x","function":"avg"},{"field":"x","function":"max"}]}""";
        Assert.Equal(["""{"sum_amount":35.5,"avg_x":null,"max_x":null}"""], Run("aggregate", config, Sales));
        Assert.Empty(Run("aggregate", config));
    }

    [Fact]
    public void Lists_distinct_groups_without_aggregations()
    {
        Assert.Equal(["""{"sku":"A"}""", """{"sku":"B"}"""], Run("aggregate", """{"group_by":"sku","aggregations":[]}""", Sales));
    }

    [Fact]
    public void Skips_non_numeric_values_with_one_warning()
    {
        var warnings = new List<string>();
        var output = Run("aggregate", """{"aggregations":[{"field":"v","function":"sum"}]}""",
            JsonRecords("""{"v":1}""", """{"v":"x"}""", """{"v":true}""", """{"v":2}"""), warnings);
        Assert.Equal(["""{"sum_v":3}"""], output);
        Assert.Contains("2 value(s)", Assert.Single(warnings));
    }

    [Fact]
    public void Min_and_max_put_numbers_before_text()
    {
        var output = Run("aggregate", """{"aggregations":[{"field":"v","function":"min"},{"field":"v","function":"max"}]}""",
            """{"v":"b"}""", """{"v":3}""", """{"v":"a"}""", """{"v":-1}""", """{"v":false}""");
        Assert.Equal(["""{"min_v":-1,"max_v":"b"}"""], output);
    }

    [Fact]
    public void Reads_its_input_only_when_enumerated()
    {
        var read = 0;
        IEnumerable<System.Text.Json.Nodes.JsonObject> Source()
        {
            read++;
            yield return Obj("""{"a":1}""");
        }

        var stage = TransformationRegistry.Default.Create("aggregate", Obj("""{"aggregations":[{"function":"count"}]}"""), TransformationContext.None);
        var output = stage.Apply(Source());
        Assert.Equal(0, read);
        Assert.Equal("""{"count":1}""", Assert.Single(output).ToJsonString());
    }

    [Theory]
    [InlineData("{}", "aggregate needs 'aggregations'")]
    [InlineData("""{"aggregations":{}}""", "aggregate 'aggregations' must be an array, not an object.")]
    [InlineData("""{"aggregations":[]}""", "cannot be empty unless 'group_by' is given")]
    [InlineData("""{"aggregations":[1]}""", "aggregate 'aggregations[0]' must be an object, not a number.")]
    [InlineData("""{"aggregations":[{"field":"a"}]}""", "aggregate 'aggregations[0]' needs 'function'")]
    [InlineData("""{"aggregations":[{"field":"a","function":"median"}]}""", "function 'median' is not known")]
    [InlineData("""{"aggregations":[{"function":"sum"}]}""", "aggregate 'aggregations[0]' needs 'field' (a field path).")]
    [InlineData("""{"aggregations":[{"function":"count"},{"function":"count"}]}""", "aggregate writes 'count' twice")]
    [InlineData("""{"group_by":"total","aggregations":[{"field":"a","function":"sum","as":"total"}]}""", "aggregate writes 'total' twice")]
    [InlineData("""{"group_by":[1],"aggregations":[{"function":"count"}]}""", "aggregate 'group_by' must list field paths as text")]
    [InlineData("""{"aggregations":[{"function":"count","by":"x"}]}""", "does not take 'by'")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("aggregate", config, message);
}
