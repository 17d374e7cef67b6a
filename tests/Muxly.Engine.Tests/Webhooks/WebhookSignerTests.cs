using Muxly.Webhooks;
using static Muxly.Tests.Webhooks.WebhookTestData;

namespace Muxly.Tests.Webhooks;

public sealed class WebhookSignerTests
{
    [Fact]
    public void Signs_the_Standard_Webhooks_reference_vector()
    {
        var signer = new WebhookSigner(WebhookScheme.StandardWebhooks, new WebhookSecret(StandardSecret));

        Assert.Equal(StandardSignature, signer.Sign(StandardMessageId, StandardSignedAt, Bytes(StandardPayload)));
    }

    [Fact]
    public void Standard_Webhooks_headers_carry_id_unix_seconds_and_signature()
    {
        var signer = new WebhookSigner(WebhookScheme.StandardWebhooks, new WebhookSecret(StandardSecret));

        var headers = signer.CreateHeaders(StandardMessageId, StandardSignedAt.AddMilliseconds(999), Bytes(StandardPayload));

        Assert.Equal(3, headers.Count);
        Assert.Equal(StandardMessageId, headers["webhook-id"]);
        Assert.Equal("1614265330", headers["webhook-timestamp"]);
        Assert.Equal(StandardSignature, headers["Webhook-Signature"]);
    }

    [Fact]
    public void Signs_the_GitHub_documented_example()
    {
        var signer = new WebhookSigner(WebhookScheme.GitHub, new WebhookSecret(GitHubSecret));

        var headers = signer.CreateHeaders("72d3162e-cc78-11e3-81ab-4c9367dc0958", DateTimeOffset.UtcNow, Bytes(GitHubPayload));

        Assert.Equal(2, headers.Count);
        Assert.Equal(GitHubSignature, headers["X-Hub-Signature-256"]);
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", headers["x-github-delivery"]);
    }

    [Fact]
    public void During_rotation_Standard_Webhooks_carries_one_signature_per_secret()
    {
        var newSecret = new WebhookSecret(WebhookSecret.Generate(WebhookScheme.StandardWebhooks));
        var oldSecret = new WebhookSecret(StandardSecret, StandardSignedAt.AddDays(1));
        var signer = new WebhookSigner(WebhookScheme.StandardWebhooks, [newSecret, oldSecret]);

        var signatures = signer.Sign(StandardMessageId, StandardSignedAt, Bytes(StandardPayload)).Split(' ');

        Assert.Equal(2, signatures.Length);
        Assert.All(signatures, s => Assert.StartsWith("v1,", s));
        Assert.Equal(StandardSignature, signatures[1]);
    }

    [Fact]
    public void A_secret_past_its_grace_period_no_longer_signs()
    {
        var current = new WebhookSecret(WebhookSecret.Generate(WebhookScheme.StandardWebhooks));
        var expired = new WebhookSecret(StandardSecret, StandardSignedAt);
        var signer = new WebhookSigner(WebhookScheme.StandardWebhooks, [current, expired]);

        var signature = signer.Sign(StandardMessageId, StandardSignedAt, Bytes(StandardPayload));

        Assert.DoesNotContain(' ', signature);
        Assert.NotEqual(StandardSignature, signature);
    }

    [Fact]
    public void GitHub_takes_a_single_secret()
    {
        var error = Assert.Throws<MuxlyException>(() => new WebhookSigner(
            WebhookScheme.GitHub, [new WebhookSecret(GitHubSecret), new WebhookSecret(WebhookSecret.Generate(WebhookScheme.GitHub))]));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void A_bad_secret_fails_when_the_signer_is_made()
    {
        var error = Assert.Throws<MuxlyException>(() => new WebhookSigner(WebhookScheme.StandardWebhooks, new WebhookSecret("whsec_c2hvcnQ=")));

        Assert.Equal("MuxlyWebhookSecretTooShort", error.ErrorId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("msg.1")]
    [InlineData("msg 1")]
    [InlineData("msg\r\n1")]
    public void A_message_id_that_cannot_be_signed_unambiguously_is_refused(string messageId)
    {
        var signer = new WebhookSigner(WebhookScheme.StandardWebhooks, new WebhookSecret(StandardSecret));

        var error = Assert.Throws<MuxlyException>(() => signer.Sign(messageId, StandardSignedAt, Bytes(StandardPayload)));

        Assert.Equal("MuxlyWebhookMessageIdInvalid", error.ErrorId);
    }

    [Fact]
    public void ToString_never_shows_a_secret()
    {
        var signer = new WebhookSigner(WebhookScheme.StandardWebhooks, new WebhookSecret(StandardSecret));

        Assert.DoesNotContain("MfKQ9r8G", signer.ToString());
    }
}
