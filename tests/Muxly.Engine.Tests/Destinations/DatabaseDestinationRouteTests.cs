using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Connectors;
using Muxly.Destinations;
using Muxly.Router.Runs;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Destinations;

/// <summary>
/// The database destination inside whole route runs (a real configuration database, the file connector): how a
/// refused batch is counted and dead-lettered under each error mode, and what Test-MuxlyDestination checks.
/// </summary>
public sealed class DatabaseDestinationRouteTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly MuxlyStore _store;

    public DatabaseDestinationRouteTests()
    {
        _store = _temp.OpenStore();
        // The fourth record repeats id 3, which the table holds UNIQUE: with batches of two, the second batch fails.
        File.WriteAllLines(Input, [
            """{"id":1,"amount":10}""",
            """{"id":2,"amount":20}""",
            """{"id":3,"amount":30}""",
            """{"id":3,"amount":40}""",
            """{"id":5,"amount":50}""",
        ]);
        using (var connection = new SqliteConnection($"Data Source={Target};Pooling=False"))
        {
            connection.Open();
            SqliteInspection.Execute(connection, "CREATE TABLE orders (id INTEGER UNIQUE, amount REAL)");
        }

        _store.Connectors.Create(new ConnectorDefinition("orders", "file", Obj($$"""{"path":{{Json(Input)}}}"""), []), force: false);
        _store.Destinations.Create(new DestinationDefinition("warehouse", "database",
            Obj($$"""{"provider":"sqlite","path":{{Json(Target)}},"table":"orders","batch_size":2}""")), force: false);
        _store.Destinations.Create(new DestinationDefinition("dead", "file", Obj($$"""{"path":{{Json(DeadLetters)}}}""")), force: false);
        _store.Rules.Create(new RuleDefinition("all", "", Priority: 10, Destinations: ["warehouse"]), false);
        _store.Routes.Create(new RouteDefinition("orders", "orders", ["all"], DeadLetterDestination: "dead"), false);
    }

    private string Input => _temp.PathFor("orders.jsonl");

    private string Target => _temp.PathFor("warehouse.db");

    private string DeadLetters => _temp.PathFor("dead.jsonl");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Under_continue_a_refused_batch_is_counted_and_dead_lettered_and_the_other_batches_are_written()
    {
        var summary = Run();

        Assert.Equal("CompletedWithErrors", summary.Status);
        var warehouse = summary.Destinations.Single(d => d.Destination == "warehouse");
        Assert.Equal(2, warehouse.Failed);
        Assert.Contains("UNIQUE constraint failed", summary.Errors.Single());
        Assert.Equal([1, 2, 5], Ids());
        var dead = File.ReadAllLines(DeadLetters).Select(Obj).ToList();
        Assert.Equal([3, 3], dead.Select(d => (int)d["record"]!["id"]!));
        Assert.All(dead, d => Assert.Equal("warehouse", (string)d["destination"]!));
    }

    [Fact]
    public void Under_fail_the_refused_batch_stops_the_run_and_only_the_batches_committed_before_it_stay()
    {
        var route = _store.Routes.Get("orders");
        _store.Routes.Update(route.Id, new RouteChanges(ErrorMode: "fail"));

        var summary = Run();

        Assert.Equal("Failed", summary.Status);
        Assert.Contains("warehouse", summary.FailureReason);
        Assert.Equal([1, 2], Ids());
    }

    [Fact]
    public void Testing_the_destination_checks_the_table_without_leaving_a_row_in_it()
    {
        var result = DestinationProbe.Send(_store.Destinations.Get("warehouse"), new RunContext());

        Assert.True(result.Success, result.Message);
        Assert.Contains("'orders'", result.Message);
        Assert.Empty(Ids());
    }

    [Fact]
    public void Testing_a_destination_whose_table_is_missing_and_may_not_be_created_reports_why()
    {
        var warehouse = _store.Destinations.Get("warehouse");
        _store.Destinations.Update(warehouse.Id, new DestinationChanges(Config: Obj(
            $$"""{"provider":"sqlite","path":{{Json(Target)}},"table":"invoices","create_table":false}""")));

        var result = DestinationProbe.Send(_store.Destinations.Get("warehouse"), new RunContext());

        Assert.False(result.Success);
        Assert.Contains("'invoices' does not exist", result.Message);
    }

    private RouteRunSummary Run()
    {
        var context = new RunContext();
        var plan = RoutePlan.Build(_store, _store.Routes.Get("orders"), context);
        return RouteRun.Run(plan, RouteSources.Read(plan.Connector, context), context);
    }

    private List<long> Ids()
    {
        using var connection = _temp.ConnectRaw(Target);
        return SqliteInspection.Rows(connection, "SELECT id FROM orders ORDER BY id").Select(long.Parse).ToList();
    }

    private static string Json(string text) => JsonValue.Create(text).ToJsonString();

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
