using System.Text;
using System.Text.Json.Nodes;
using Muxly.Connectors.Api;

namespace Muxly.Tests.Connectors;

public sealed class ApiConnectorAuthTests : IClassFixture<LocalHttpServer>
{
    private readonly LocalHttpServer _server;
    private readonly ConnectorRun _run = new();

    public ApiConnectorAuthTests(LocalHttpServer server)
    {
        _server = server;
        _server.Reset(_ => ServerResponse.Json("""[{"id":1}]"""));
    }

    private JsonObject Connection(string path = "/items") => new() { ["url"] = _server.BaseUrl + path };

    private ReceivedRequest ReadOnce(JsonObject connection, JsonObject? auth)
    {
        Assert.Single(_run.Read(new ApiConnector(), connection, auth));
        return Assert.Single(_server.Requests);
    }

    [Fact]
    public void Bearer_token_is_sent_in_the_authorization_header()
    {
        var request = ReadOnce(Connection(), new JsonObject { ["type"] = "bearer", ["token"] = "tok-123.abc" });

        Assert.Equal("Bearer tok-123.abc", request.Header("Authorization"));
    }

    [Fact]
    public void Basic_credentials_are_sent_base64_encoded()
    {
        var request = ReadOnce(Connection(), new JsonObject { ["type"] = "basic", ["username"] = "alice", ["password"] = "pa:ss wörd" });

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pa:ss wörd")), request.Header("Authorization"));
    }

    [Fact]
    public void Api_key_goes_in_the_X_API_Key_header_by_default()
    {
        var request = ReadOnce(Connection(), new JsonObject { ["type"] = "api_key", ["key"] = "k-42-xyz" });

        Assert.Equal("k-42-xyz", request.Header("X-API-Key"));
        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public void Api_key_can_go_in_a_named_header()
    {
        var request = ReadOnce(Connection(), new JsonObject { ["type"] = "api_key", ["key"] = "k-42-xyz", ["in"] = "header", ["name"] = "X-Token" });

        Assert.Equal("k-42-xyz", request.Header("X-Token"));
    }

    [Fact]
    public void Api_key_can_go_in_the_query_next_to_existing_parameters()
    {
        var connection = Connection("/items?sort=asc");
        var request = ReadOnce(connection, new JsonObject { ["type"] = "api_key", ["key"] = "k 42&x", ["in"] = "query" });

        Assert.Equal("k 42&x", request.QueryValue("api_key"));
        Assert.Equal("asc", request.QueryValue("sort"));
        Assert.Null(request.Header("X-API-Key"));
    }

    [Fact]
    public void Api_key_query_parameter_name_can_be_chosen()
    {
        var request = ReadOnce(Connection(), new JsonObject { ["type"] = "api_key", ["key"] = "k-42-xyz", ["in"] = "query", ["name"] = "key" });

        Assert.Equal("k-42-xyz", request.QueryValue("key"));
    }

    [Fact]
    public void No_auth_sends_no_authorization_header()
    {
        var request = ReadOnce(Connection(), null);

        Assert.Null(request.Header("Authorization"));
    }

    [Fact]
    public void Headers_query_and_path_parameters_are_sent()
    {
        var connection = Connection("/orgs/{org}/items");
        connection["path_params"] = new JsonObject { ["org"] = "a b/c" };
        connection["headers"] = new JsonObject { ["X-Trace"] = "t1", ["Accept"] = "application/vnd.test+json" };
        connection["query"] = new JsonObject { ["status"] = "open", ["limit"] = 50, ["tag"] = new JsonArray("x", "y") };

        var request = ReadOnce(connection, null);

        Assert.StartsWith("/orgs/a%20b%2Fc/items?", request.RawUrl);
        Assert.Equal("t1", request.Header("X-Trace"));
        Assert.Equal("application/vnd.test+json", request.Header("Accept"));
        Assert.Equal("open", request.QueryValue("status"));
        Assert.Equal("50", request.QueryValue("limit"));
        Assert.Equal("x,y", request.QueryValue("tag"));
    }

    [Fact]
    public void Post_sends_the_body_as_json()
    {
        var connection = Connection("/search");
        connection["method"] = "post";
        connection["body"] = new JsonObject { ["filter"] = new JsonObject { ["country"] = "NL" }, ["limit"] = 10 };

        var request = ReadOnce(connection, null);

        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.Equal("""{"filter":{"country":"NL"},"limit":10}""", request.Body);
    }
}
