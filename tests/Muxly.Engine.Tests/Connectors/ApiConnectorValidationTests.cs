using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Connectors.Api;

namespace Muxly.Tests.Connectors;

public sealed class ApiConnectorValidationTests
{
    private static MuxlyException Invalid(string connectionJson, string authJson = "{}") => Assert.Throws<MuxlyException>(() =>
        new ApiConnector().Validate(JsonNode.Parse(connectionJson)!.AsObject(), JsonNode.Parse(authJson)!.AsObject()));

    [Theory]
    [InlineData("""{}""", "url")]
    [InlineData("""{"url":"/relative/path"}""", "url")]
    [InlineData("""{"url":"ftp://example.com/x"}""", "url")]
    [InlineData("""{"url":"https://example.com/{id}"}""", "path_params")]
    [InlineData("""{"url":"https://example.com","method":"GET ME"}""", "method")]
    [InlineData("""{"url":"https://example.com","max_retries":99}""", "max_retries")]
    [InlineData("""{"url":"https://example.com","timeout_seconds":0}""", "timeout_seconds")]
    [InlineData("""{"url":"https://example.com","timeout_seconds":"soon"}""", "timeout_seconds")]
    [InlineData("""{"url":"https://example.com","headers":{"Bad Name":"x"}}""", "headers")]
    [InlineData("""{"url":"https://example.com","records_path":"a..b"}""", "records_path")]
    [InlineData("""{"url":"https://example.com","pagination":{"type":"scroll"}}""", "type")]
    [InlineData("""{"url":"https://example.com","pagination":{"type":"cursor"}}""", "cursor_path")]
    [InlineData("""{"url":"https://example.com","pagination":{"type":"page","page_size":10}}""", "size_param")]
    [InlineData("""{"url":"https://example.com","pagination":{"type":"page","max_pages":0}}""", "max_pages")]
    public void Bad_connection_settings_are_rejected_naming_the_key(string connection, string key)
    {
        var error = Invalid(connection);

        Assert.Equal("MuxlyConnectorSettingsInvalid", error.ErrorId);
        Assert.Equal(key, error.Target);
        Assert.Contains($"'{key}'", error.Message);
    }

    [Theory]
    [InlineData("""{"type":"oauth"}""", "type")]
    [InlineData("""{"token":"abc"}""", "type")]
    [InlineData("""{"type":"bearer"}""", "token")]
    [InlineData("""{"type":"basic","username":"u"}""", "password")]
    [InlineData("""{"type":"basic","password":"p"}""", "username")]
    [InlineData("""{"type":"api_key"}""", "key")]
    [InlineData("""{"type":"api_key","key":"k","in":"body"}""", "in")]
    public void Bad_auth_settings_are_rejected_naming_the_key(string auth, string key)
    {
        var error = Invalid("""{"url":"https://example.com"}""", auth);

        Assert.Equal("MuxlyConnectorSettingsInvalid", error.ErrorId);
        Assert.Equal(key, error.Target);
    }

    [Fact]
    public void A_rejected_secret_is_not_repeated_in_the_message()
    {
        var error = Invalid("""{"url":"https://example.com"}""", """{"type":"basic","username":"u","password":12345}""");

        Assert.DoesNotContain("12345", error.Message);
    }

    [Fact]
    public void Dynamic_values_are_accepted_unchecked_when_the_connector_is_saved()
    {
        new ApiConnector().Validate(
            JsonNode.Parse("""{"url":"${env:API_URL}/v1/items?since=${YESTERDAY}","timeout_seconds":"${env:API_TIMEOUT}","path_params":{}}""")!.AsObject(),
            JsonNode.Parse("""{"type":"bearer","token":"${env:API_TOKEN}"}""")!.AsObject());
    }

    [Fact]
    public void Good_settings_are_accepted()
    {
        new ApiConnector().Validate(
            JsonNode.Parse("""
                {"url":"https://example.com/orgs/{org}/items","path_params":{"org":"acme"},"method":"POST","body":{"q":1},
                 "headers":{"X-A":"1"},"query":{"limit":100},"records_path":"data.items","timeout_seconds":2.5,"max_retries":0,
                 "pagination":{"type":"cursor","cursor_path":"meta.next","cursor_param":"after","max_pages":50}}
                """)!.AsObject(),
            JsonNode.Parse("""{"type":"api_key","key":"k","in":"query","name":"key"}""")!.AsObject());
    }

    [Fact]
    public void The_default_registry_reads_api_and_file_connectors()
    {
        Assert.IsType<ApiConnector>(ConnectorRegistry.Default.Get("api"));
        Assert.IsType<Muxly.Connectors.Files.FileConnector>(ConnectorRegistry.Default.Get("FILE"));
    }
}
