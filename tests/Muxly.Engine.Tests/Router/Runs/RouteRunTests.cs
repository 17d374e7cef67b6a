using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Router.Runs;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Router.Runs;

/// <summary>
/// Whole route runs over a real SQLite configuration, the real file connector and real file destinations: what each
/// destination ends up holding, and what the summary says.
/// </summary>
public sealed class RouteRunTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly MuxlyStore _store;
    private readonly List<string> _warnings = [];

    public RouteRunTests()
    {
        _store = _temp.OpenStore();
        File.WriteAllLines(Input, [
            """{"id":1,"amount":1500,"status":"paid","country":"US"}""",
            """{"id":2,"amount":200,"status":"paid","country":"US"}""",
            """{"id":3,"amount":3000.0,"status":"paid","country":"DE"}""",
            """{"id":4,"amount":50,"status":"test","country":"US"}""",
            """{"id":5,"amount":10,"status":"paid","country":"FR"}""",
        ]);
        _store.Connectors.Create(new ConnectorDefinition("orders", "file", Obj($$"""{"path":"{{Input}}"}"""), []), force: false);
        foreach (var name in new[] { "big", "us", "tests", "rest", "dead" })
        {
            _store.Destinations.Create(new DestinationDefinition(name, "file", Obj($$"""{"path":"{{Out(name)}}","mode":"{{(name == "dead" ? "append" : "replace")}}"}""")), force: false);
        }

        _store.Rules.Create(new RuleDefinition("test-orders", "status == 'test'", Priority: 5, Destinations: ["tests"], StopAfterMatch: true), false);
        var big = _store.Rules.Create(new RuleDefinition("big-orders", "amount > 1000", Priority: 10, Destinations: ["big"]), false).Item;
        _store.Transformations.Add(big.Id, "rename_field", Obj("""{"from":"amount","to":"revenue"}"""));
        _store.Rules.Create(new RuleDefinition("us-orders", "country == 'US'", Priority: 20, Destinations: ["us"]), false);
        _store.Routes.Create(new RouteDefinition("orders", "orders", ["us-orders", "big-orders", "test-orders"],
            DeadLetterDestination: "dead", UnmatchedDestination: "rest"), false);
    }

    private string Input => _temp.PathFor("orders.jsonl");

    [Fact]
    public void Rules_run_in_priority_order_each_destination_gets_exactly_its_records_and_the_counts_add_up()
    {
        var summary = Run();

        Assert.Equal("Succeeded", summary.Status);
        Assert.Equal([1, 3], Ids("big"));
        Assert.Equal([1, 2], Ids("us"));
        Assert.Equal([4], Ids("tests"));
        Assert.Equal([5], Ids("rest"));
        Assert.Empty(File.ReadAllText(Out("dead"))); // nothing failed: the dead-letter file (opened for appending) holds nothing
        Assert.Equal(["test-orders", "big-orders", "us-orders"], summary.Rules.Select(r => r.Rule));
        Assert.Equal([1, 2, 2], summary.Rules.Select(r => r.Matched));
        Assert.Equal(5, summary.RecordsRead);
        Assert.Equal(1, summary.Unmatched);
        Assert.Equal(6, summary.Delivered);
    }

    [Fact]
    public void A_later_rule_sees_the_record_as_it_was_read_not_as_an_earlier_rule_transformed_it()
    {
        Run();

        var big = Lines("big").First();
        Assert.Equal(1500, (int)big["revenue"]!);
        Assert.False(big.ContainsKey("amount"));
        Assert.Equal(1500, (int)Lines("us").First()["amount"]!);
    }

    [Fact]
    public void A_dry_run_counts_what_would_be_delivered_and_writes_nothing()
    {
        var summary = Run(dryRun: true);

        Assert.True(summary.DryRun);
        Assert.Equal(6, summary.Delivered);
        Assert.False(Directory.EnumerateFiles(_temp.Folder, "*.out.jsonl").Any());
    }

    [Fact]
    public void Under_continue_a_malformed_line_is_recorded_with_its_line_and_dead_lettered_and_the_rest_go_on()
    {
        File.AppendAllLines(Input, ["""{"id":6,""", """{"id":7,"amount":7000,"status":"paid","country":"DE"}"""]);

        var summary = Run();

        Assert.Equal("CompletedWithErrors", summary.Status);
        Assert.Equal(1, summary.ReadErrors);
        Assert.Contains("line 6", summary.Errors.Single());
        Assert.Equal([1, 3, 7], Ids("big"));
        var dead = Assert.Single(Lines("dead"));
        Assert.Equal("orders", (string)dead["route"]!);
        Assert.Contains("line 6", (string)dead["location"]!);
    }

    [Fact]
    public void A_record_whose_text_cannot_be_written_fails_alone_even_when_its_dead_letter_cannot_be_written_either()
    {
        // Valid JSON syntax, but half a surrogate pair: no UTF-8 file can hold that text.
        File.AppendAllLines(Input, [
            """{"id":6,"amount":6000,"status":"paid","country":"US","note":"half \ud800 a pair"}""",
            """{"id":7,"amount":7000,"status":"paid","country":"US"}""",
        ]);

        var summary = Run();

        Assert.Equal("CompletedWithErrors", summary.Status);
        Assert.Equal(7, summary.RecordsRead);
        Assert.Equal([1, 3, 7], Ids("big"));
        Assert.Equal([1, 2, 7], Ids("us"));
        Assert.Empty(File.ReadAllText(Out("dead")));
        Assert.Equal(1, summary.Destinations.Single(d => d.Destination == "big").Failed);
        Assert.Equal(1, summary.Destinations.Single(d => d.Destination == "us").Failed);
        Assert.Equal(2, summary.Destinations.Single(d => d.Destination == "dead").Failed);
        Assert.All(summary.Errors, e => Assert.Contains("cannot be written", e));
    }

    [Fact]
    public void Under_fail_the_first_error_stops_the_run_and_a_replaced_file_keeps_its_old_content()
    {
        Run();
        var before = File.ReadAllText(Out("big"));
        var route = _store.Routes.Get("orders");
        _store.Routes.Update(route.Id, new RouteChanges(ErrorMode: "fail"));
        File.AppendAllLines(Input, ["not json", """{"id":8,"amount":8000,"status":"paid","country":"DE"}"""]);

        var summary = Run();

        Assert.Equal("Failed", summary.Status);
        Assert.Contains("line 6", summary.FailureReason);
        Assert.Equal(before, File.ReadAllText(Out("big")));
        Assert.Equal(5, summary.RecordsRead);
    }

    [Fact]
    public void A_destination_that_cannot_be_written_stops_the_run_before_anything_is_read_or_written()
    {
        File.WriteAllText(_temp.PathFor("blocker"), "a file where a folder should be");
        var big = _store.Destinations.Get("big");
        _store.Destinations.Update(big.Id, new DestinationChanges(Config: Obj($$"""{"path":"{{_temp.PathFor("blocker/big.jsonl")}}"}""")));

        Assert.Throws<MuxlyException>(() => Run());

        Assert.False(File.Exists(Out("us")));
        Assert.False(File.Exists(Out("rest")));
    }

    [Fact]
    public void Records_pushed_one_at_a_time_are_routed_as_from_a_connector()
    {
        var context = new RunContext(warn: _warnings.Add);
        var plan = RoutePlan.Build(_store, _store.Routes.Get("orders"), context);
        using (var run = RouteRun.Start(plan, context))
        {
            run.Push(SourceItem.Ok(Obj("""{"id":10,"amount":5000,"country":"US","status":"paid"}""")));
            run.Push(SourceItem.Ok(Obj("""{"id":11,"amount":1,"country":"JP","status":"paid"}""")));
            var summary = run.Complete();
            Assert.Equal(2, summary.RecordsRead);
        }

        Assert.Equal([10], Ids("big"));
        Assert.Equal([10], Ids("us"));
        Assert.Equal([11], Ids("rest"));
    }

    [Fact]
    public void An_aggregate_rule_emits_its_groups_when_the_input_ends()
    {
        var totals = _store.Rules.Create(new RuleDefinition("totals", "", Priority: 30, Destinations: ["rest"]), false).Item;
        _store.Transformations.Add(totals.Id, "aggregate", Obj("""{"group_by":"country","aggregations":[{"field":"amount","function":"sum","as":"total"}]}"""));
        var route = _store.Routes.Get("orders");
        _store.Routes.Update(route.Id, new RouteChanges(Rules: ["totals"], UnmatchedDestination: ""));

        Run();

        var totalsByCountry = Lines("rest").ToDictionary(r => (string)r["country"]!, r => (double)r["total"]!);
        Assert.Equal(new Dictionary<string, double> { ["US"] = 1750, ["DE"] = 3000, ["FR"] = 10 }, totalsByCountry);
    }

    [Fact]
    public void Disabled_rules_are_skipped()
    {
        var rule = _store.Rules.Get("big-orders");
        _store.Rules.SetEnabled(rule.Id, false);

        var summary = Run();

        Assert.DoesNotContain(summary.Rules, r => r.Rule == "big-orders");
        Assert.False(File.Exists(Out("big")));
    }

    public void Dispose() => _temp.Dispose();

    private RouteRunSummary Run(bool dryRun = false)
    {
        var context = new RunContext(warn: _warnings.Add);
        var plan = RoutePlan.Build(_store, _store.Routes.Get("orders"), context);
        return RouteRun.Run(plan, RouteSources.ReadForRun(plan.Connector, context), context, dryRun);
    }

    private string Out(string name) => _temp.PathFor($"{name}.out.jsonl");

    private List<JsonObject> Lines(string name) => File.ReadAllLines(Out(name)).Select(Obj).ToList();

    private int[] Ids(string name) => Lines(name).Select(r => (int)r["id"]!).ToArray();

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
