using System.Text.Json.Nodes;
using Muxly.Router.Transformations;
using static Muxly.Tests.Router.Transformations.TransformationTestKit;

namespace Muxly.Tests.Router.Transformations;

public class TransformationPipelineTests
{
    private static TransformationStep Step(string type, string config) => new(type, Obj(config));

    [Fact]
    public void Chains_six_transformations_in_order()
    {
        var warnings = new List<string>();
        var pipeline = TransformationRegistry.Default.CreatePipeline(
        [
            Step("array_flatten", """{"field":"lines","as":"line"}"""),
            Step("rename_field", """{"from":"line.qty","to":"quantity"}"""),
            Step("formula", """{"expression":"quantity * line.price","output":"total"}"""),
            Step("filter", """{"field":"total","operator":">=","value":10}"""),
            Step("format_string", """{"template":"{{order}}/{{line.sku}}: {{total}}","output":"label"}"""),
            Step("remove_field", """{"fields":["line","quantity"]}"""),
        ], new TransformationContext { Warn = warnings.Add });

        Assert.Equal(6, pipeline.Stages.Count);
        var output = pipeline.Apply(JsonRecords(
            """{"order":"A1","lines":[{"sku":"x","qty":2,"price":7.5},{"sku":"y","qty":1,"price":3}]}""",
            """{"order":"A2","lines":[{"sku":"z","qty":0,"price":5},{"sku":"w","qty":4,"price":2.5}]}"""));

        Assert.Equal(
        [
            """{"order":"A1","total":15,"label":"A1/x: 15"}""",
            """{"order":"A2","total":10,"label":"A2/w: 10"}""",
        ], output.Select(r => r.ToJsonString()));
        Assert.Empty(warnings);
    }

    [Fact]
    public void An_empty_pipeline_passes_records_through()
    {
        var records = JsonRecords("""{"a":1}""");
        Assert.Same(records[0], TransformationPipeline.Empty.Apply(records).Single());
    }

    [Fact]
    public void Refuses_to_build_with_a_bad_step()
    {
        var error = Assert.Throws<MuxlyException>(() => TransformationRegistry.Default.CreatePipeline(
            [Step("set_field", """{"field":"a","value":1}"""), Step("formula", """{"expression":"(a","output":"b"}""")],
            TransformationContext.None));
        Assert.Equal("MuxlyFormulaSyntaxError", error.ErrorId);
    }

    [Fact]
    public void Per_record_stages_stream_an_endless_source()
    {
        var pulled = 0;
        IEnumerable<JsonObject> Endless()
        {
            for (var i = 0; ; i++)
            {
                pulled++;
                yield return new JsonObject { ["i"] = i, ["items"] = new JsonArray(i, i) };
            }
        }

        var pipeline = TransformationRegistry.Default.CreatePipeline(
        [
            Step("filter", """{"field":"i","operator":">=","value":0}"""),
            Step("rename_field", """{"from":"i","to":"n"}"""),
            Step("set_field", """{"field":"tag","value":"t{{n}}"}"""),
            Step("remove_field", """{"field":"tag"}"""),
            Step("formula", """{"expression":"n * 2","output":"double"}"""),
            Step("format_string", """{"template":"#{{n}}","output":"label"}"""),
            Step("array_flatten", """{"field":"items","as":"item"}"""),
            Step("join", """{"connector":"lookup","on":{"n":"id"},"type":"left"}"""),
        ], new TransformationContext { ReadConnector = _ => [new JsonObject { ["id"] = 1, ["name"] = "one" }] });

        var first = pipeline.Apply(Endless()).Take(5).Select(r => r.ToJsonString()).ToList();

        Assert.Equal(
        [
            """{"n":0,"double":0,"label":"#0","item":0}""",
            """{"n":0,"double":0,"label":"#0","item":0}""",
            """{"n":1,"double":2,"label":"#1","item":1,"lookup_id":1,"lookup_name":"one"}""",
            """{"n":1,"double":2,"label":"#1","item":1,"lookup_id":1,"lookup_name":"one"}""",
            """{"n":2,"double":4,"label":"#2","item":2}""",
        ], first);
        Assert.Equal(3, pulled);
    }
}
