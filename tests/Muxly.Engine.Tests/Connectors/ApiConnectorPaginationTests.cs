using System.Text.Json.Nodes;
using Muxly.Connectors.Api;

namespace Muxly.Tests.Connectors;

public sealed class ApiConnectorPaginationTests : IClassFixture<LocalHttpServer>
{
    private readonly LocalHttpServer _server;
    private readonly ConnectorRun _run = new();

    public ApiConnectorPaginationTests(LocalHttpServer server) => _server = server;

    private List<int> ReadIds(JsonObject connection, JsonObject? auth = null) =>
        ConnectorRun.Records(_run.Read(new ApiConnector(), connection, auth)).Select(r => (int)r["id"]!).ToList();

    [Fact]
    public void Next_link_in_the_body_is_followed_to_the_last_page()
    {
        _server.Reset(request => request.QueryValue("page") switch
        {
            null => ServerResponse.Json($$$"""{"data":[{"id":1},{"id":2}],"links":{"next":"{{{_server.BaseUrl}}}/items?page=2"}}"""),
            "2" => ServerResponse.Json("""{"data":[{"id":3}],"links":{"next":"/items?page=3"}}"""),
            _ => ServerResponse.Json("""{"data":[{"id":4}],"links":{"next":null}}"""),
        });

        var ids = ReadIds(new JsonObject
        {
            ["url"] = _server.BaseUrl + "/items",
            ["records_path"] = "data",
            ["pagination"] = new JsonObject { ["type"] = "next_link", ["next_path"] = "links.next" },
        });

        Assert.Equal([1, 2, 3, 4], ids);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public void Next_link_in_the_Link_header_is_followed_and_auth_goes_with_every_page()
    {
        _server.Reset(request =>
        {
            var page = int.Parse(request.QueryValue("page") ?? "1");
            var headers = page < 3
                ? new Dictionary<string, string> { ["Link"] = $"<{_server.BaseUrl}/items?page={page + 1}>; rel=\"next\", <{_server.BaseUrl}/items?page=3>; rel=\"last\"" }
                : null;
            return new ServerResponse(200, $$"""[{"id":{{page}}}]""", Headers: headers);
        });

        var ids = ReadIds(
            new JsonObject { ["url"] = _server.BaseUrl + "/items", ["pagination"] = new JsonObject { ["type"] = "next_link" } },
            new JsonObject { ["type"] = "bearer", ["token"] = "page-token" });

        Assert.Equal([1, 2, 3], ids);
        Assert.All(_server.Requests, r => Assert.Equal("Bearer page-token", r.Header("Authorization")));
    }

    [Fact]
    public void Cursor_from_the_body_is_sent_as_a_query_parameter_until_it_runs_out()
    {
        _server.Reset(request => request.QueryValue("after") switch
        {
            null => ServerResponse.Json("""{"results":[{"id":1}],"paging":{"next":{"after":"c2"}}}"""),
            "c2" => ServerResponse.Json("""{"results":[{"id":2}],"paging":{"next":{"after":"c3"}}}"""),
            _ => ServerResponse.Json("""{"results":[{"id":3}]}"""),
        });

        var ids = ReadIds(new JsonObject
        {
            ["url"] = _server.BaseUrl + "/contacts",
            ["query"] = new JsonObject { ["limit"] = 1 },
            ["records_path"] = "results",
            ["pagination"] = new JsonObject { ["type"] = "cursor", ["cursor_path"] = "paging.next.after", ["cursor_param"] = "after" },
        });

        Assert.Equal([1, 2, 3], ids);
        Assert.All(_server.Requests, r => Assert.Equal("1", r.QueryValue("limit")));
    }

    [Fact]
    public void Page_numbers_count_up_until_a_page_is_empty()
    {
        _server.Reset(request => int.Parse(request.QueryValue("p")!) switch
        {
            < 3 and var n => ServerResponse.Json($$"""{"items":[{"id":{{n}}}]}"""),
            _ => ServerResponse.Json("""{"items":[]}"""),
        });

        var ids = ReadIds(new JsonObject
        {
            ["url"] = _server.BaseUrl + "/list",
            ["records_path"] = "items",
            ["pagination"] = new JsonObject { ["type"] = "page", ["page_param"] = "p", ["start_page"] = 0 },
        });

        Assert.Equal([0, 1, 2], ids);
        Assert.Equal(["0", "1", "2", "3"], _server.Requests.Select(r => r.QueryValue("p")!).ToArray());
    }

    [Fact]
    public void A_page_shorter_than_page_size_is_the_last()
    {
        _server.Reset(request => request.QueryValue("page") == "1"
            ? ServerResponse.Json("""[{"id":1},{"id":2}]""")
            : ServerResponse.Json("""[{"id":3}]"""));

        var ids = ReadIds(new JsonObject
        {
            ["url"] = _server.BaseUrl + "/list",
            ["pagination"] = new JsonObject { ["type"] = "page", ["size_param"] = "per_page", ["page_size"] = 2 },
        });

        Assert.Equal([1, 2, 3], ids);
        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal("2", r.QueryValue("per_page")));
    }

    [Fact]
    public void Max_pages_caps_an_endless_api_with_a_warning()
    {
        _server.Reset(request => ServerResponse.Json($$"""[{"id":{{request.QueryValue("page")}}}]"""));

        var ids = ReadIds(new JsonObject
        {
            ["url"] = _server.BaseUrl + "/endless",
            ["pagination"] = new JsonObject { ["type"] = "page", ["max_pages"] = 3 },
        });

        Assert.Equal([1, 2, 3], ids);
        Assert.Contains(_run.Warnings, w => w.Contains("max_pages"));
    }

    [Fact]
    public void Records_path_to_an_object_is_one_record()
    {
        _server.Reset(_ => ServerResponse.Json("""{"meta":{},"result":{"id":7,"name":"x"}}"""));

        var ids = ReadIds(new JsonObject { ["url"] = _server.BaseUrl + "/one", ["records_path"] = "result" });

        Assert.Equal([7], ids);
    }

    [Fact]
    public void Without_records_path_an_object_response_is_one_record()
    {
        _server.Reset(_ => ServerResponse.Json("""{"id":9}"""));

        Assert.Equal([9], ReadIds(new JsonObject { ["url"] = _server.BaseUrl + "/one" }));
    }

    [Fact]
    public void Array_items_that_are_not_objects_fail_one_by_one()
    {
        _server.Reset(_ => ServerResponse.Json("""{"data":[{"id":1},42,{"id":3}]}"""));

        var items = _run.Read(new ApiConnector(), new JsonObject { ["url"] = _server.BaseUrl + "/mixed", ["records_path"] = "$.data" });

        Assert.Equal(3, items.Count);
        Assert.True(items[1].IsError);
        Assert.Contains("item 2", items[1].Location);
        Assert.Contains("a number", items[1].Error);
        var standalone = new JsonArray(items[0].Record, items[2].Record); // records are detached from the response
        Assert.Equal(2, standalone.Count);
    }
}
