using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Muxly.Router.Transformations;

namespace Muxly.Benchmarks.Engine;

/// <summary>
/// Each transformation pushing one record. Stages may change the records they are given, so every iteration gets
/// fresh copies made before it starts (not measured); one iteration pushes <see cref="Records"/> records and, for
/// the stages that hold records back, completes.
/// </summary>
[MemoryDiagnoser]
public class TransformationBenchmarks
{
    private const int Records = 16384;

    public static readonly IReadOnlyDictionary<string, (string Type, string Config)> Transformations = new Dictionary<string, (string, string)>
    {
        ["rename_field"] = ("rename_field", """{"from": "amount", "to": "revenue"}"""),
        ["rename_field nested"] = ("rename_field", """{"from": "customer.id", "to": "customer_id"}"""),
        ["set_field"] = ("set_field", """{"field": "category", "value": "high"}"""),
        ["remove_field"] = ("remove_field", """{"field": "note"}"""),
        ["filter"] = ("filter", """{"field": "amount", "operator": ">", "value": 1000}"""),
        ["formula"] = ("formula", """{"expression": "amount * 0.2", "output": "tax"}"""),
        ["format_string"] = ("format_string", """{"template": "{{customer.name}} ({{customer.country}})", "output": "label"}"""),
        ["array_flatten"] = ("array_flatten", """{"field": "items", "keep_parent": true, "as": "item"}"""),
        ["aggregate"] = ("aggregate", """{"group_by": "customer.country", "aggregations": [{"field": "amount", "function": "sum"}, {"function": "count"}]}"""),
        ["join"] = ("join", """{"connector": "crm", "on": {"customer.id": "id"}, "type": "left", "prefix": "crm_"}"""),
    };

    private JsonObject[] _source = [];
    private JsonObject[] _records = [];
    private ITransformation _stage = null!;
    private int _emitted;
    private Action<JsonObject> _emit = null!;

    [ParamsSource(nameof(Names))]
    public string Transformation { get; set; } = "rename_field";

    public static IEnumerable<string> Names => Transformations.Keys;

    [GlobalSetup]
    public void Setup()
    {
        _source = SampleRecords.Parse(Records);
        _records = new JsonObject[Records];
        _emit = _ => _emitted++;
        // join reads its right side from another connector: 1,000 CRM rows keyed like the generator's customers.
        var crm = Enumerable.Range(0, 1000)
            .Select(i => new JsonObject { ["id"] = $"C{i * 50:D7}", ["segment"] = i % 3 == 0 ? "gold" : "standard" })
            .ToList();
        var context = new TransformationContext { ReadConnector = _ => crm };
        var (type, config) = Transformations[Transformation];
        _stage = TransformationRegistry.Default.Create(type, JsonNode.Parse(config)!.AsObject(), context);
    }

    [IterationSetup]
    public void CopyRecords()
    {
        for (var i = 0; i < _source.Length; i++)
        {
            _records[i] = _source[i].DeepClone().AsObject();
        }
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int Push()
    {
        _emitted = 0;
        foreach (var record in _records)
        {
            _stage.Push(record, _emit);
        }

        _stage.Complete(_emit);
        return _emitted;
    }
}
