using System.Text.Json.Nodes;
using Muxly.Router.Transformations;
using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class JoinTransformationTests
{
    private static readonly string[] Customers =
    [
        """{"id":1,"name":"Ann"}""",
        """{"id":2.0,"name":"Bob"}""",
        """{"id":3,"name":"Cy"}""",
        """{"name":"No id"}""",
    ];

    private static readonly string[] Orders =
    [
        """{"order":10,"customer_id":1}""",
        """{"order":11,"customer_id":2}""",
        """{"order":12,"customer_id":9}""",
        """{"order":13}""",
    ];

    private static TransformationContext Context(int[]? reads = null, params string[] right) => new()
    {
        ReadConnector = name =>
        {
            Assert.Equal("crm", name);
            if (reads is not null)
            {
                reads[0]++;
            }

            return JsonRecords(right.Length > 0 ? right : Customers);
        },
        ConnectorExists = name => name == "crm",
    };

    private static List<string> Join(string config, string[]? left = null, TransformationContext? context = null) =>
        Run("join", config, JsonRecords(left ?? Orders), context: context ?? Context());

    [Fact]
    public void Inner_join_keeps_matches_and_prefixes_right_fields_with_the_connector_name()
    {
        Assert.Equal(
        [
            """{"order":10,"customer_id":1,"crm_id":1,"crm_name":"Ann"}""",
            """{"order":11,"customer_id":2,"crm_id":2.0,"crm_name":"Bob"}""",
        ], Join("""{"connector":"crm","on":{"customer_id":"id"}}"""));
    }

    [Fact]
    public void Left_join_passes_unmatched_left_records_on()
    {
        var output = Join("""{"connector":"crm","on":{"customer_id":"id"},"type":"LEFT","prefix":"c."}""");
        Assert.Equal(
        [
            """{"order":10,"customer_id":1,"c.id":1,"c.name":"Ann"}""",
            """{"order":11,"customer_id":2,"c.id":2.0,"c.name":"Bob"}""",
            """{"order":12,"customer_id":9}""",
            """{"order":13}""",
        ], output);
    }

    [Fact]
    public void Right_join_emits_unmatched_right_records_after_the_stream()
    {
        var output = Join("""{"connector":"crm","on":{"customer_id":"id"},"type":"right","prefix":""}""");
        Assert.Equal(
        [
            """{"order":10,"customer_id":1,"id":1,"name":"Ann"}""",
            """{"order":11,"customer_id":2,"id":2.0,"name":"Bob"}""",
            """{"id":3,"name":"Cy"}""",
            """{"name":"No id"}""",
        ], output);
    }

    [Fact]
    public void Joins_on_fields_named_the_same_on_both_sides_including_composite_keys()
    {
        string[] right = ["""{"a":1,"b":"x","v":"1x"}""", """{"a":1,"b":"y","v":"1y"}""", """{"a":"1","b":"x","v":"text 1"}"""];
        var output = Run("join", """{"connector":"crm","on":["a","b"],"prefix":"r_"}""",
            JsonRecords("""{"a":1,"b":"y"}""", """{"a":1}"""), context: Context(null, right));
        Assert.Equal(["""{"a":1,"b":"y","r_a":1,"r_b":"y","r_v":"1y"}"""], output);
    }

    [Fact]
    public void Gives_one_output_per_match_each_with_its_own_copies()
    {
        string[] right = ["""{"k":1,"tags":["a"]}""", """{"k":1,"tags":["b"]}"""];
        var context = Context(null, right);
        var stage = TransformationRegistry.Default.Create("join", Obj("""{"connector":"crm","on":"k","prefix":"r_"}"""), context);
        var output = stage.Apply(JsonRecords("""{"k":1,"meta":{"n":1}}""", """{"k":1.0}""")).ToList();
        Assert.Equal(4, output.Count);
        output[0]["meta"]!["n"] = 99;
        ((JsonArray)output[0]["r_tags"]!).Add("changed");
        Assert.Equal("""{"k":1,"meta":{"n":1},"r_k":1,"r_tags":["b"]}""", output[1].ToJsonString());
        Assert.Equal("""{"k":1.0,"r_k":1,"r_tags":["a"]}""", output[2].ToJsonString());
    }

    [Fact]
    public void Reads_the_right_side_once_per_run_and_only_when_enumerated()
    {
        var reads = new int[1];
        var stage = TransformationRegistry.Default.Create("join", Obj("""{"connector":"crm","on":{"customer_id":"id"}}"""), Context(reads));
        var output = stage.Apply(JsonRecords(Orders));
        Assert.Equal(0, reads[0]);
        Assert.Equal(2, output.Count());
        Assert.Equal(1, reads[0]);
    }

    [Fact]
    public void Refuses_a_connector_that_does_not_exist_when_saved()
    {
        var error = AssertRefused("join", """{"connector":"nope","on":"id"}""", "join cannot use connector 'nope'",
            "MuxlyTransformationConnectorNotFound", name => name == "crm");
        Assert.Equal(MuxlyErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public void Needs_a_record_source_to_run()
    {
        var error = Assert.Throws<MuxlyException>(() =>
            TransformationRegistry.Default.Create("join", Obj("""{"connector":"crm","on":"id"}"""), TransformationContext.None));
        Assert.Equal("MuxlyTransformationJoinUnavailable", error.ErrorId);
    }

    [Theory]
    [InlineData("""{"on":"id"}""", "join needs 'connector' (the name of the connector to join with).")]
    [InlineData("""{"connector":"crm"}""", "join needs 'on'")]
    [InlineData("""{"connector":"crm","on":null}""", "join needs 'on'")]
    [InlineData("""{"connector":"crm","on":{}}""", "join 'on' cannot be empty.")]
    [InlineData("""{"connector":"crm","on":[]}""", "join 'on' cannot be empty.")]
    [InlineData("""{"connector":"crm","on":{"a":1}}""", "join 'on' must map 'a' to a right field path (text), not a number.")]
    [InlineData("""{"connector":"crm","on":"id","type":"full"}""", "join 'type' 'full' is not known; use inner, left or right.")]
    [InlineData("""{"connector":"crm","on":"id","prefix":1}""", "join 'prefix' must be text, not a number.")]
    [InlineData("""{"connector":"crm","on":"id","how":"left"}""", "join does not take 'how'")]
    public void Refuses_bad_configs(string config, string message) => AssertRefused("join", config, message, connectorExists: name => name == "crm");
}
