using System.Text.Json.Nodes;
using Muxly.Destinations.Webhooks;

namespace Muxly.Tests.Destinations;

public sealed class WebhookDestinationValidationTests
{
    [Theory]
    [InlineData("""{}""", "url")]
    [InlineData("""{"url":"/relative/hook"}""", "url")]
    [InlineData("""{"url":"ftp://example.com/hook"}""", "url")]
    [InlineData("""{"url":"example.com/${DATE}"}""", "url")]
    [InlineData("""{"url":"https://example.com","method":"GET"}""", "method")]
    [InlineData("""{"url":"https://example.com","headers":"Authorization: x"}""", "headers")]
    [InlineData("""{"url":"https://example.com","headers":{"Content-Type":"text/plain"}}""", "headers.Content-Type")]
    [InlineData("""{"url":"https://example.com","headers":{"Bad Name":"x"}}""", "headers.Bad Name")]
    [InlineData("""{"url":"https://example.com","batch_size":0}""", "batch_size")]
    [InlineData("""{"url":"https://example.com","batch_size":1.5}""", "batch_size")]
    [InlineData("""{"url":"https://example.com","body":"xml"}""", "body")]
    [InlineData("""{"url":"https://example.com","body":"template"}""", "body_template")]
    [InlineData("""{"url":"https://example.com","body":"json_batch","body_template":"{{a}}"}""", "body_template")]
    [InlineData("""{"url":"https://example.com","body_template":"{{a}}","batch_size":10}""", "batch_size")]
    [InlineData("""{"url":"https://example.com","body_template":"{{a..b}}"}""", "body_template")]
    [InlineData("""{"url":"https://example.com","content_type":"not a type"}""", "content_type")]
    [InlineData("""{"url":"https://example.com","timeout_seconds":0}""", "timeout_seconds")]
    [InlineData("""{"url":"https://example.com","max_retries":-1}""", "max_retries")]
    [InlineData("""{"url":"https://example.com","retry_base_ms":"fast"}""", "retry_base_ms")]
    [InlineData("""{"url":"https://example.com","signing":"yes"}""", "signing")]
    [InlineData("""{"url":"https://example.com","signing":{"scheme":"md5","secret":"x"}}""", "signing.scheme")]
    [InlineData("""{"url":"https://example.com","signing":{"scheme":"github"}}""", "signing.secret")]
    [InlineData("""{"url":"https://example.com","signing":{"scheme":"github","secret":"x","algo":"y"}}""", "signing.algo")]
    [InlineData("""{"url":"https://example.com","retries":3}""", "retries")]
    public void Invalid_config_is_refused_naming_the_key(string json, string key)
    {
        var error = Assert.Throws<MuxlyException>(() => new WebhookDestination().Validate(JsonNode.Parse(json)!.AsObject()));

        Assert.Equal("MuxlyDestinationConfigInvalid", error.ErrorId);
        Assert.Equal(key, error.Target);
    }

    [Fact]
    public void Header_values_and_signing_secrets_never_appear_in_validation_errors()
    {
        var badHeader = Assert.Throws<MuxlyException>(() => new WebhookDestination().Validate(
            JsonNode.Parse("""{"url":"https://example.com","headers":{"Authorization":["Bearer s3cret"]}}""")!.AsObject()));
        var badScheme = Assert.Throws<MuxlyException>(() => new WebhookDestination().Validate(
            JsonNode.Parse("""{"url":"https://example.com","signing":{"scheme":"sha1","secret":"s3cret"}}""")!.AsObject()));

        Assert.DoesNotContain("s3cret", badHeader.Message);
        Assert.DoesNotContain("s3cret", badScheme.Message);
        Assert.Equal("headers.Authorization", badHeader.Target);
    }

    [Fact]
    public void Defaults()
    {
        var options = WebhookDestinationOptions.Parse(JsonNode.Parse("""{"url":"https://example.com/hook"}""")!.AsObject());

        Assert.Equal(HttpMethod.Post, options.Method);
        Assert.Equal(100, options.BatchSize);
        Assert.Null(options.BodyTemplate);
        Assert.Equal("application/json", options.ContentType);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryBaseDelay);
        Assert.Null(options.SigningScheme);
    }

    [Fact]
    public void A_body_template_means_one_record_per_request_and_dynamic_urls_are_accepted()
    {
        var options = WebhookDestinationOptions.Parse(JsonNode.Parse(
            """{"url":"https://example.com/${DATE}/hook","body_template":"{\"t\":\"{{ user.name }}\"}","method":"patch","signing":{"scheme":"Standard_Webhooks","secret":"${env:HOOK_SECRET}"}}""")!.AsObject());

        Assert.Equal(1, options.BatchSize);
        Assert.NotNull(options.BodyTemplate);
        Assert.Equal(HttpMethod.Patch, options.Method);
        Assert.Equal(Muxly.Webhooks.WebhookScheme.StandardWebhooks, options.SigningScheme);
    }
}
