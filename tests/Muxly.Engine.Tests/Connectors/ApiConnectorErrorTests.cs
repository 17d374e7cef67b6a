using System.Diagnostics;
using System.Text.Json.Nodes;
using Muxly.Connectors.Api;

namespace Muxly.Tests.Connectors;

public sealed class ApiConnectorErrorTests : IClassFixture<LocalHttpServer>
{
    private const string Token = "bearer-secret-777";
    private const string Key = "query-secret-888";

    private readonly LocalHttpServer _server;
    private readonly ConnectorRun _run = new();

    public ApiConnectorErrorTests(LocalHttpServer server) => _server = server;

    private JsonObject Connection(string path, int maxRetries = 2) => new()
    {
        ["url"] = _server.BaseUrl + path,
        ["max_retries"] = maxRetries,
        ["retry_base_ms"] = 10,
        ["timeout_seconds"] = 5,
    };

    private static JsonObject BearerAuth => new() { ["type"] = "bearer", ["token"] = Token };

    private static JsonObject QueryKeyAuth => new() { ["type"] = "api_key", ["key"] = Key, ["in"] = "query" };

    private void AssertNoSecrets(string text)
    {
        Assert.DoesNotContain(Token, text);
        Assert.DoesNotContain(Key, text);
        Assert.All(_run.Said, said =>
        {
            Assert.DoesNotContain(Token, said);
            Assert.DoesNotContain(Key, said);
        });
    }

    [Fact]
    public void A_429_with_Retry_After_is_retried_after_the_wait_and_then_succeeds()
    {
        var calls = 0;
        _server.Reset(_ => Interlocked.Increment(ref calls) == 1
            ? new ServerResponse(429, """{"error":"slow down"}""", Headers: new Dictionary<string, string> { ["Retry-After"] = "1" })
            : ServerResponse.Json("""[{"id":1}]"""));
        var clock = Stopwatch.StartNew();

        var records = ConnectorRun.Records(_run.Read(new ApiConnector(), Connection("/limited"), QueryKeyAuth));

        Assert.Single(records);
        Assert.Equal(2, _server.Requests.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before Retry-After");
        Assert.Contains(_run.Warnings, w => w.Contains("429") && w.Contains("api_key=********"));
        AssertNoSecrets(string.Empty);
    }

    [Fact]
    public void A_503_with_Retry_After_zero_is_retried_at_once()
    {
        var calls = 0;
        _server.Reset(_ => Interlocked.Increment(ref calls) <= 2
            ? new ServerResponse(503, "busy", "text/plain", new Dictionary<string, string> { ["Retry-After"] = "0" })
            : ServerResponse.Json("""[{"id":1},{"id":2}]"""));

        Assert.Equal(2, ConnectorRun.Records(_run.Read(new ApiConnector(), Connection("/busy"))).Count);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public void A_500_on_every_try_fails_after_max_retries_naming_url_and_status_without_secrets()
    {
        _server.Reset(_ => new ServerResponse(500, """{"error":"boom"}"""));

        var error = Assert.Throws<MuxlyException>(() => _run.Read(new ApiConnector(), Connection("/broken?x=1", maxRetries: 2), QueryKeyAuth));

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal("MuxlyConnectorHttpError", error.ErrorId);
        Assert.Contains("500", error.Message);
        Assert.Contains($"{_server.BaseUrl}/broken?x=1&api_key=********", error.Message);
        Assert.Contains("3 attempts", error.Message);
        AssertNoSecrets(error.Message);
    }

    [Fact]
    public void A_401_is_not_retried_and_hides_the_token_even_if_echoed()
    {
        _server.Reset(request => new ServerResponse(401, $$"""{"error":"bad token {{request.Header("Authorization")}}"}"""));

        var error = Assert.Throws<MuxlyException>(() => _run.Read(new ApiConnector(), Connection("/private"), BearerAuth));

        Assert.Single(_server.Requests);
        Assert.Contains("401", error.Message);
        Assert.Contains("auth", error.Message);
        AssertNoSecrets(error.Message);
    }

    [Fact]
    public void A_response_that_is_not_json_is_a_clear_error()
    {
        _server.Reset(_ => new ServerResponse(200, "<html>maintenance</html>", "text/html"));

        var error = Assert.Throws<MuxlyException>(() => _run.Read(new ApiConnector(), Connection("/html"), BearerAuth));

        Assert.Equal("MuxlyConnectorResponseInvalid", error.ErrorId);
        Assert.Contains("not JSON", error.Message);
        Assert.Contains("text/html", error.Message);
        AssertNoSecrets(error.Message);
    }

    [Fact]
    public void A_slow_server_times_out()
    {
        _server.Reset(_ => new ServerResponse(200, "[]", Delay: TimeSpan.FromSeconds(5)));
        var connection = Connection("/slow", maxRetries: 0);
        connection["timeout_seconds"] = 0.3;

        var error = Assert.Throws<MuxlyException>(() => _run.Read(new ApiConnector(), connection));

        Assert.Contains("no response within 0.3 s", error.Message);
    }

    [Fact]
    public void Test_reports_the_status_and_the_records_of_the_first_page()
    {
        _server.Reset(_ => ServerResponse.Json("""{"data":[{"id":1},{"id":2}],"next":"/x?page=2"}"""));
        var connection = Connection("/ok");
        connection["records_path"] = "data";
        connection["pagination"] = new JsonObject { ["type"] = "next_link", ["next_path"] = "next" };

        var result = _run.Test(new ApiConnector(), connection, BearerAuth);

        Assert.True(result.Success, result.Message);
        Assert.Contains("200", result.Message);
        Assert.Contains("2 record(s)", result.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void Test_says_why_it_cannot_connect_to_a_closed_port()
    {
        var result = _run.Test(new ApiConnector(), new JsonObject { ["url"] = $"http://127.0.0.1:{LocalHttpServer.FreePort()}/x", ["timeout_seconds"] = 5 }, BearerAuth);

        Assert.False(result.Success);
        Assert.Contains("refused", result.Message);
        AssertNoSecrets(result.Message);
    }

    [Fact]
    public void Test_reports_an_unauthorized_answer_without_throwing()
    {
        _server.Reset(_ => new ServerResponse(401, """{"error":"no"}"""));

        var result = _run.Test(new ApiConnector(), Connection("/private"), BearerAuth);

        Assert.False(result.Success);
        Assert.Contains("401", result.Message);
    }

    [Fact]
    public void Test_reports_invalid_settings_without_throwing()
    {
        var result = _run.Test(new ApiConnector(), new JsonObject { ["url"] = "not a url" });

        Assert.False(result.Success);
        Assert.Contains("url", result.Message);
    }
}
