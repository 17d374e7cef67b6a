using System.Text;
using Muxly.Webhooks;

namespace Muxly.Tests.Webhooks;

public sealed class WebhookSecretTests
{
    [Fact]
    public void Generate_for_Standard_Webhooks_is_whsec_and_base64_of_32_random_bytes()
    {
        var secret = WebhookSecret.Generate(WebhookScheme.StandardWebhooks);

        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.Equal(32, new WebhookSecret(secret).ToKeyBytes(WebhookScheme.StandardWebhooks).Length);
    }

    [Fact]
    public void Generate_for_GitHub_is_64_hex_characters_used_as_text()
    {
        var secret = WebhookSecret.Generate(WebhookScheme.GitHub);

        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.Equal(Encoding.UTF8.GetBytes(secret), WebhookSecret.ToKeyBytes(secret, WebhookScheme.GitHub));
    }

    [Theory]
    [InlineData(WebhookScheme.StandardWebhooks)]
    [InlineData(WebhookScheme.GitHub)]
    public void Generate_never_repeats(WebhookScheme scheme)
    {
        var secrets = Enumerable.Range(0, 50).Select(_ => WebhookSecret.Generate(scheme)).ToHashSet();

        Assert.Equal(50, secrets.Count);
    }

    [Fact]
    public void Standard_Webhooks_key_is_the_base64_after_the_prefix_and_the_prefix_is_optional()
    {
        var expected = Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        Assert.Equal(expected, WebhookSecret.ToKeyBytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookScheme.StandardWebhooks));
        Assert.Equal(expected, WebhookSecret.ToKeyBytes("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookScheme.StandardWebhooks));
    }

    [Fact]
    public void GitHub_key_is_the_secret_text_as_written_even_with_a_whsec_prefix()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

        Assert.Equal(Encoding.UTF8.GetBytes(secret), WebhookSecret.ToKeyBytes(secret, WebhookScheme.GitHub));
    }

    [Theory]
    [InlineData("", WebhookScheme.StandardWebhooks)]
    [InlineData("whsec_", WebhookScheme.StandardWebhooks)]
    [InlineData("whsec_c2hvcnQtc2VjcmV0", WebhookScheme.StandardWebhooks)] // "short-secret": 12 bytes
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAA", WebhookScheme.StandardWebhooks)] // 15 bytes
    [InlineData("", WebhookScheme.GitHub)]
    [InlineData("fifteen-chars!!", WebhookScheme.GitHub)]
    public void A_key_shorter_than_16_bytes_is_refused(string secret, WebhookScheme scheme)
    {
        var error = Assert.Throws<MuxlyException>(() => WebhookSecret.ToKeyBytes(secret, scheme));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("MuxlyWebhookSecretTooShort", error.ErrorId);
    }

    [Theory]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAA==", WebhookScheme.StandardWebhooks)] // exactly 16 bytes
    [InlineData("sixteen-chars!!!", WebhookScheme.GitHub)]
    public void A_key_of_16_bytes_is_accepted(string secret, WebhookScheme scheme)
    {
        Assert.Equal(16, WebhookSecret.ToKeyBytes(secret, scheme).Length);
    }

    [Theory]
    [InlineData("whsec_not base64 at all!")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS")] // truncated: length not a multiple of 4
    [InlineData("a-plain-passphrase!")]
    public void Bad_base64_is_refused_for_Standard_Webhooks(string secret)
    {
        var error = Assert.Throws<MuxlyException>(() => WebhookSecret.Validate(secret, WebhookScheme.StandardWebhooks));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("MuxlyWebhookSecretInvalid", error.ErrorId);
    }

    [Theory]
    [InlineData("whsec_c2hvcnQtc2VjcmV0", WebhookScheme.StandardWebhooks)]
    [InlineData("whsec_not base64 at all!", WebhookScheme.StandardWebhooks)]
    [InlineData("fifteen-chars!!", WebhookScheme.GitHub)]
    public void Errors_never_contain_the_secret(string secret, WebhookScheme scheme)
    {
        var error = Assert.Throws<MuxlyException>(() => new WebhookSecret(secret).ToKeyBytes(scheme));

        Assert.DoesNotContain(secret, error.Message);
        Assert.DoesNotContain(secret["whsec_".Length..], error.Message);
        Assert.Null(error.Target);
    }

    [Fact]
    public void ToString_never_shows_the_secret()
    {
        const string value = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

        Assert.DoesNotContain("MfKQ9r8G", new WebhookSecret(value).ToString());
        Assert.DoesNotContain("MfKQ9r8G", new WebhookSecret(value, DateTimeOffset.UnixEpoch).ToString());
    }

    [Fact]
    public void A_secret_with_a_grace_period_is_accepted_until_it_ends()
    {
        var until = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var secret = new WebhookSecret(WebhookTestData.StandardSecret, until);

        Assert.True(secret.IsAcceptedAt(until.AddTicks(-1)));
        Assert.False(secret.IsAcceptedAt(until));
        Assert.True(new WebhookSecret(WebhookTestData.StandardSecret).IsAcceptedAt(DateTimeOffset.MaxValue));
    }
}
