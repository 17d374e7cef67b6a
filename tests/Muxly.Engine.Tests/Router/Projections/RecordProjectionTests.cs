using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Muxly.Router.Runs;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Router.Projections;

/// <summary>
/// Rules whose transformations are all field-level write records straight from the parse (a projection); the
/// materialising path is the reference. Each test runs the same orders through the same route twice, over a real
/// SQLite configuration, the real file connector and a real file destination: once as the router does it, once with
/// projections switched off, and asserts the files are byte-identical and the summaries and warnings the same.
/// </summary>
public sealed class RecordProjectionTests : IDisposable
{
    private const int Orders = 600;

    private readonly TempDatabase _temp = new();
    private readonly MuxlyStore _store;

    public RecordProjectionTests()
    {
        _store = _temp.OpenStore();
        File.WriteAllLines(Input, GenerateOrders(Orders), new UTF8Encoding(false));
        _store.Connectors.Create(new ConnectorDefinition("orders", "file", Obj($$"""{"path":"{{Input}}"}"""), []), force: false);
    }

    private string Input => _temp.PathFor("orders.jsonl");

    /// <summary>The transformation chains, by name: (type, config) in sequence order.</summary>
    private static readonly Dictionary<string, (string Type, string Config)[]> Chains = new()
    {
        ["none"] = [],
        ["short"] = [("rename_field", """{"from":"amount","to":"revenue"}"""), ("set_field", """{"field":"category","value":"high"}""")],
        ["csv"] =
        [
            ("rename_field", """{"from":"amount","to":"revenue"}"""),
            ("set_field", """{"field":"category","value":"high"}"""),
            ("rename_field", """{"from":"customer.id","to":"customer_id"}"""),
            ("rename_field", """{"from":"customer.country","to":"country"}"""),
            ("remove_field", """{"fields":["items","customer"]}"""),
        ],
        ["nested"] =
        [
            ("rename_field", """{"from":"customer.id","to":"customer_id"}"""),
            ("set_field", """{"field":"customer.tier","value":"gold"}"""),
            ("set_field", """{"field":"meta.source.system","value":"muxly"}"""),
            ("remove_field", """{"field":"customer.name"}"""),
            ("rename_field", """{"from":"customer.address.city","to":"$['city name']"}"""),
        ],
        ["onto-existing"] =
        [
            ("rename_field", """{"from":"id","to":"status"}"""),
            ("set_field", """{"field":"currency","value":{"code":"EUR","digits":2,"sub":{"x":1}}}"""),
            ("set_field", """{"field":"note","value":null}"""),
            ("set_field", """{"field":"tags","value":[1,"two",{"three":3}]}"""),
            ("set_field", """{"field":"currency.sub.y","value":true}"""),
            ("set_field", """{"field":"empty","value":{}}"""),
        ],
        ["remove-parent-then-set"] =
        [
            ("remove_field", """{"field":"customer"}"""),
            ("set_field", """{"field":"customer.id","value":5}"""),
            ("remove_field", """{"fields":["missing","also.missing","items"]}"""),
        ],
        ["moves"] =
        [
            ("rename_field", """{"from":"customer","to":"customer.inner"}"""),
            ("rename_field", """{"from":"amount","to":"amount"}"""),
            ("rename_field", """{"from":"status","to":"$.status"}"""),
            ("rename_field", """{"from":"customer.inner.country","to":"customer.country"}"""),
        ],
        ["through-non-objects"] =
        [
            // customer is sometimes text (writing through it warns: those records are materialised) or null (replaced
            // by an object); meta.source is sometimes null or an object.
            ("set_field", """{"field":"customer.vip","value":false}"""),
            ("rename_field", """{"from":"amount","to":"customer.amount"}"""),
            ("set_field", """{"field":"meta.source.system","value":"muxly"}"""),
        ],
        ["long"] =
        [
            // The benchmark's long workload.
            ("rename_field", """{"from":"amount","to":"revenue"}"""),
            ("set_field", """{"field":"category","value":"high"}"""),
            ("formula", """{"expression":"revenue * 0.2","output":"tax"}"""),
            ("format_string", """{"template":"{{customer.name}} ({{customer.country}})","output":"label"}"""),
            ("remove_field", """{"field":"note"}"""),
            ("rename_field", """{"from":"customer.id","to":"customer_id"}"""),
        ],
        ["formula-operands"] =
        [
            // amount is spelled many ways (1.5e3, -0, 20 digits, 0.000001) and sometimes missing; customer.id is text
            // (not a number), customer sometimes null, text or empty; the results are whole, fractional, negative,
            // huge or too large (those records warn and get null on the materialising path).
            ("formula", """{"expression":"amount * 0.1 + 0.2","output":"a"}"""),
            ("formula", """{"expression":"-amount - id / 3","output":"b"}"""),
            ("formula", """{"expression":"(amount % 7) * 1e10","output":"status"}"""),
            ("formula", """{"expression":"{amount} * 1e290","output":"calc.huge"}"""),
            ("rename_field", """{"from":"amount","to":"revenue"}"""),
            ("formula", """{"expression":"revenue + a + b","output":"calc.sum"}"""),
            ("set_field", """{"field":"rate","value":"12.5"}"""),
            ("formula", """{"expression":"id * rate","output":"rated"}"""),
            ("format_string", """{"template":"{{id}}","output":"id_text"}"""),
            ("formula", """{"expression":"id_text * 2","output":"id_twice"}"""),
        ],
        ["formula-problems"] =
        [
            // Every few records: division or modulo by zero, a missing operand, an output through a parent that is
            // text (those records warn on the materialising path and go that way).
            ("formula", """{"expression":"id / (id % 13)","output":"every_thirteenth"}"""),
            ("formula", """{"expression":"id % (id % 17)","output":"every_seventeenth"}"""),
            ("formula", """{"expression":"id + 1","output":"customer.next"}"""),
            ("formula", """{"expression":"amount * 2","output":"double"}"""),
        ],
        ["formula-non-numbers"] =
        [
            // Operands that are text (from the input or a template), null, missing or under a parent that is null or
            // text: nearly every record is left to the materialising path, which writes null and warns (each value
            // kind's reading is checked on its own in ProjectedValueTests).
            ("formula", """{"expression":"customer.id * 2","output":"a"}"""),
            ("formula", """{"expression":"note + 1","output":"b"}"""),
            ("formula", """{"expression":"meta.source.v * 2","output":"meta.v2"}"""),
            ("format_string", """{"template":"{{id}} x","output":"id_text"}"""),
            ("formula", """{"expression":"id_text + 1","output":"c"}"""),
        ],
        ["templates"] =
        [
            // Placeholders on text with escapes and non-ASCII, numbers as spelled, null, missing fields, a removed
            // field, a renamed one, a set constant (text, number, boolean), a formula's result, and objects (city's
            // parent address, meta.source) where some records have them.
            ("set_field", """{"field":"flags","value":{"vip":true,"n":1.50,"t":"x\"y"}}"""),
            ("remove_field", """{"field":"currency"}"""),
            ("rename_field", """{"from":"amount","to":"revenue"}"""),
            ("formula", """{"expression":"revenue / 3","output":"third"}"""),
            ("format_string", """{"template":"{{ note }}|{{revenue}}|{{currency}}|{{flags.vip}}{{flags.n}}{{flags.t}}|{{third}}","output":"label"}"""),
            ("format_string", """{"template":"{{customer.name}}/{{customer.address}}/{{meta.source}}/{{id}}","output":"customer.label"}"""),
            ("set_field", """{"field":"status","value":"{{status}} and {{label}} é"}"""),
            ("set_field", """{"field":"deep.er.text","value":"{{customer.country}}{{missing.field}}"}"""),
            ("format_string", """{"template":"plain","output":"id"}"""),
        ],
    };

    /// <summary>Chains whose every record (nearly) is left to the materialising path: the bytes are compared all the same.</summary>
    private static readonly HashSet<string> MostlyDeclined = ["formula-non-numbers"];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var chain in Chains.Keys)
        {
            foreach (var format in new[] { "jsonl", "json", "csv" })
            {
                data.Add(chain, format);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Writing_from_the_parse_gives_the_same_bytes_as_the_materialising_path(string chain, string format)
    {
        var rule = _store.Rules.Create(new RuleDefinition("rule", "", Priority: 10, Destinations: [Destination("out", format)]), false).Item;
        foreach (var (type, config) in Chains[chain])
        {
            _store.Transformations.Add(rule.Id, type, Obj(config));
        }

        _store.Routes.Create(new RouteDefinition("route", "orders", ["rule"]), false);

        var reference = RunRoute(useProjections: false);
        var projected = RunRoute(useProjections: true);

        AssertSameRun(reference, projected);
        var projection = projected.Plan.Rules[0].Projection!;
        Assert.NotNull(projection);
        if (chain.StartsWith("formula-", StringComparison.Ordinal))
        {
            Assert.NotEmpty(reference.Warnings); // the records that cannot be computed were there, and warned
        }

        if (MostlyDeclined.Contains(chain))
        {
            Assert.True(projection.Declined > Orders / 2, $"only {projection.Declined} of {Orders} records were declined");
            return;
        }

        // Most orders share one shape: they must really have gone the projected way for this test to mean anything.
        Assert.True(projection.Declined < Orders / 4, $"{projection.Declined} of {Orders} records were declined");
        Assert.True(projection.Materialised < Orders / 4, $"{projection.Materialised} of {Orders} records were materialised by the writer");
    }

    [Fact]
    public void A_projected_rule_leaves_the_record_as_read_for_the_rules_after_it_and_the_counts_are_the_same()
    {
        _store.Destinations.Create(new DestinationDefinition("dead", "file", Obj($$"""{"path":"{{_temp.PathFor("dead.jsonl")}}","mode":"replace"}""")), force: false);
        var first = _store.Rules.Create(new RuleDefinition("first", "amount > 1000", Priority: 10, Destinations: [Destination("a", "jsonl"), Destination("b", "csv")]), false).Item;
        _store.Transformations.Add(first.Id, "rename_field", Obj("""{"from":"amount","to":"revenue"}"""));
        _store.Transformations.Add(first.Id, "remove_field", Obj("""{"fields":["items","customer"]}"""));
        var second = _store.Rules.Create(new RuleDefinition("second", "EXISTS amount", Priority: 20, Destinations: [Destination("c", "jsonl")]), false).Item;
        _store.Transformations.Add(second.Id, "formula", Obj("""{"expression":"items[0].qty * amount","output":"total"}"""));
        _store.Rules.Create(new RuleDefinition("third", "status == 'paid'", Priority: 30, Destinations: [Destination("d", "json")]), false);
        _store.Routes.Create(new RouteDefinition("route", "orders", ["first", "second", "third"], DeadLetterDestination: "dead", UnmatchedDestination: Destination("rest", "jsonl")), false);

        var reference = RunRoute(useProjections: false);
        var projected = RunRoute(useProjections: true);

        AssertSameRun(reference, projected);
        Assert.Null(projected.Plan.Rules[1].Projection); // an array index in the formula: materialised
        Assert.NotNull(projected.Plan.Rules[2].Projection); // no transformations: written as parsed
        Assert.True(projected.Summary.Rules[0].Matched > 0);
    }

    [Fact]
    public void A_size_rotated_series_is_cut_at_the_same_records()
    {
        var rule = _store.Rules.Create(new RuleDefinition("rule", "", Priority: 10, Destinations: [Destination("out", "csv", "append", ""","rotation":"size","max_bytes":4000""")]), false).Item;
        _store.Transformations.Add(rule.Id, "remove_field", Obj("""{"fields":["items","customer"]}"""));
        _store.Routes.Create(new RouteDefinition("route", "orders", ["rule"]), false);

        var reference = RunRoute(useProjections: false);
        var projected = RunRoute(useProjections: true);

        AssertSameRun(reference, projected);
        Assert.True(reference.Files.Count > 5);
    }

    private sealed record RunResult(RoutePlan Plan, RouteRunSummary Summary, List<string> Warnings, Dictionary<string, byte[]> Files);

    // Each run writes into a fresh folder of its own; the destinations' paths point there.
    private RunResult RunRoute(bool useProjections)
    {
        var folder = _temp.PathFor(useProjections ? "projected" : "reference");
        Directory.CreateDirectory(folder);
        Environment.SetEnvironmentVariable(OutputFolderVariable, folder);
        try
        {
            var warnings = new List<string>();
            var context = new RunContext(warn: warnings.Add);
            var plan = RoutePlan.Build(_store, _store.Routes.Get("route"), context);
            plan.UseProjections = useProjections;
            var summary = RouteRun.Run(plan, RouteSources.ReadForRun(plan.Connector, context), context);
            var files = Directory.EnumerateFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
            return new RunResult(plan, summary, warnings, files);
        }
        finally
        {
            Environment.SetEnvironmentVariable(OutputFolderVariable, null);
        }
    }

    private const string OutputFolderVariable = "MUXLY_PROJECTION_TEST_OUT";

    private string Destination(string name, string format, string mode = "replace", string extra = "")
    {
        var path = "${env:" + OutputFolderVariable + "}/" + name + "." + format;
        _store.Destinations.Create(new DestinationDefinition(name, "file", Obj($$"""{"path":"{{path}}","mode":"{{mode}}","format":"{{format}}"{{extra}}}""")), force: false);
        return name;
    }

    private static void AssertSameRun(RunResult reference, RunResult projected)
    {
        Assert.Equal(reference.Files.Keys.Order(), projected.Files.Keys.Order());
        foreach (var (name, bytes) in reference.Files)
        {
            // Lines first, for a readable difference; then every byte.
            Assert.Equal(Encoding.UTF8.GetString(bytes).Split('\n'), Encoding.UTF8.GetString(projected.Files[name]).Split('\n'));
            Assert.Equal(bytes, projected.Files[name]);
        }

        Assert.Equal(reference.Warnings, projected.Warnings);
        Assert.Equal(reference.Summary.Status, projected.Summary.Status);
        Assert.Equal(reference.Summary.Errors, projected.Summary.Errors);
        Assert.Equal(reference.Summary.RecordsRead, projected.Summary.RecordsRead);
        Assert.Equal(reference.Summary.Unmatched, projected.Summary.Unmatched);
        Assert.Equal(reference.Summary.Rules.Select(r => (r.Rule, r.Matched, r.Produced)), projected.Summary.Rules.Select(r => (r.Rule, r.Matched, r.Produced)));
        Assert.Equal(reference.Summary.Destinations.Select(d => (d.Destination, d.Accepted, d.Failed)), projected.Summary.Destinations.Select(d => (d.Destination, d.Accepted, d.Failed)));
    }

    /// <summary>
    /// Orders shaped as the benchmark's generator writes them (most share one set of keys), and, every few records, the
    /// awkward ones: missing fields, a customer that is null, text or empty, fields that rename or set lands on,
    /// a root key with a dot in it, names and text with escapes and non-ASCII, numbers spelled oddly, and repeated names.
    /// </summary>
    private static IEnumerable<string> GenerateOrders(int count)
    {
        var random = new Random(20240101);
        string[] countries = ["US", "US", "DE", "FR", "JP"];
        string[] names = ["Ana Silva", "Chloé Müller", "Eun-ji Kim", "Jo \\\"JJ\\\" Novak", "Ivan, Jr."];
        string[] notes = ["\"\"", "\"gift, wrap please\"", "\"call \\\"before\\\" delivery\"", "\"café; no rush\"", "\"line\\nbreak\"", "\"\\u00e9t\\u00e9 \\ud83d\\ude00\"", "\"a\\r\\nb\""];
        string[] amounts = ["1234.56", "1500", "1500.0", "1.5e3", "15E2", "999.99", "-0", "12345678901234567890", "0.000001", "2000.10"];
        for (var id = 1; id <= count; id++)
        {
            var customer = $$"""{"id":"C{{random.Next(10000):D4}}","name":"{{names[random.Next(names.Length)]}}","country":"{{countries[random.Next(countries.Length)]}}"}""";
            var items = $$"""[{"sku":"SKU-{{random.Next(100):D5}}","qty":{{random.Next(1, 5)}},"price":19.99}]""";
            var fields = new List<string>
            {
                $"\"id\":{id}",
                $"\"created_at\":\"2024-01-01T00:{id % 60:D2}:07Z\"",
                $"\"status\":\"{(random.Next(3) == 0 ? "pending" : "paid")}\"",
                "\"currency\":\"USD\"",
                $"\"customer\":{customer}",
                $"\"items\":{items}",
                $"\"amount\":{amounts[random.Next(amounts.Length)]}",
                $"\"note\":{notes[random.Next(notes.Length)]}",
            };
            if (id > 1 && id % 7 == 0)
            {
                Awkward(fields, id / 7 % 16, random);
            }

            yield return "{" + string.Join(",", fields) + "}";
        }
    }

    private static void Awkward(List<string> fields, int kind, Random random)
    {
        switch (kind)
        {
            case 0: fields.RemoveAt(6); break; // no amount
            case 1: fields[4] = "\"customer\":null"; break;
            case 2: fields[4] = "\"customer\":\"walk-in\""; break;
            case 3: fields[4] = "\"customer\":{}"; break;
            case 4: fields.RemoveAt(4); break; // no customer
            case 5: fields.Add("\"revenue\":1,\"category\":\"low\""); break; // rename and set land on existing fields
            case 6: fields.Insert(2, "\"customer.id\":\"dotted\""); break; // flattens onto customer.id
            case 7: fields.Add("\"caf\\u00e9 n\\u00e4me\":\"\\u00fc\",\"tab\\tname\":1"); break;
            case 8: fields.Add("\"status\":\"again\""); break; // a repeated name: JsonObject refuses it
            case 9: fields[4] = """ "customer":{"id":"C1","id":"C2","country":"US"} """.Trim(); break;
            case 10: fields[4] = """ "customer":{"id":"C9","name":"Deep","country":"US","address":{"city":"Zürich","zip":"8000","geo":{"lat":47.37}}} """.Trim(); break;
            case 11: fields[7] = "\"note\":null"; break;
            case 12: fields[5] = "\"items\":[]"; break;
            case 13: fields[5] = "\"items\":{\"total\":3}"; break;
            case 14: fields.Insert(0, $"\"meta\":{{\"source\":{(random.Next(2) == 0 ? "null" : "{\"system\":\"old\",\"v\":2}")}}}"); break;
            default: fields.Reverse(); break;
        }
    }

    public void Dispose() => _temp.Dispose();

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
