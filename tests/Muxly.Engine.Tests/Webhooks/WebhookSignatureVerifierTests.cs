using Muxly.Webhooks;
using static Muxly.Tests.Webhooks.WebhookTestData;

namespace Muxly.Tests.Webhooks;

public sealed class WebhookSignatureVerifierTests
{
    private static readonly DateTimeOffset Now = StandardSignedAt.AddSeconds(30);

    // ---- GitHub ----

    private static Dictionary<string, string> GitHubHeaders(string signature = GitHubSignature) => new()
    {
        ["X-Hub-Signature-256"] = signature,
        ["X-GitHub-Delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    };

    [Fact]
    public void GitHub_documented_example_verifies()
    {
        var result = Verifier(WebhookScheme.GitHub, GitHubSecret).Verify(GitHubHeaders(), Bytes(GitHubPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.Valid, result.Outcome);
        Assert.True(result.IsValid);
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", result.MessageId);
        Assert.Equal(0, result.MatchedSecretIndex);
    }

    [Fact]
    public void GitHub_ignores_the_timestamp_tolerance()
    {
        var verifier = new WebhookSignatureVerifier(WebhookScheme.GitHub, [new WebhookSecret(GitHubSecret)], TimeSpan.Zero);

        Assert.True(verifier.Verify(GitHubHeaders(), Bytes(GitHubPayload), DateTimeOffset.MaxValue).IsValid);
    }

    [Fact]
    public void GitHub_fails_when_one_body_byte_changes()
    {
        var body = Bytes(GitHubPayload);
        body[^1] ^= 0x01;

        var result = Verifier(WebhookScheme.GitHub, GitHubSecret).Verify(GitHubHeaders(), body, Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Fact]
    public void GitHub_fails_with_another_secret()
    {
        var result = Verifier(WebhookScheme.GitHub, "It's a Secret to Everybody!").Verify(GitHubHeaders(), Bytes(GitHubPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Theory]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18")] // last digit changed
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")] // odd length
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=")]
    public void GitHub_fails_with_a_changed_or_malformed_header_without_throwing(string signature)
    {
        var result = Verifier(WebhookScheme.GitHub, GitHubSecret).Verify(GitHubHeaders(signature), Bytes(GitHubPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Fact]
    public void GitHub_accepts_upper_case_hex_and_header_names_in_any_case()
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["x-hub-signature-256"] = "sha256=" + GitHubSignature["sha256=".Length..].ToUpperInvariant(),
        };

        var result = Verifier(WebhookScheme.GitHub, GitHubSecret).Verify(headers, Bytes(GitHubPayload), Now);

        Assert.True(result.IsValid);
        Assert.Null(result.MessageId);
    }

    [Fact]
    public void GitHub_without_a_signature_header_is_missing_signature()
    {
        var headers = new Dictionary<string, string> { ["X-GitHub-Delivery"] = "d1" };

        var result = Verifier(WebhookScheme.GitHub, GitHubSecret).Verify(headers, Bytes(GitHubPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.MissingSignature, result.Outcome);
        Assert.Equal("d1", result.MessageId);
    }

    [Fact]
    public void GitHub_rotation_accepts_the_previous_secret_and_reports_which_matched()
    {
        var verifier = new WebhookSignatureVerifier(
            WebhookScheme.GitHub,
            [new WebhookSecret(WebhookSecret.Generate(WebhookScheme.GitHub)), new WebhookSecret(GitHubSecret, Now.AddHours(1))]);

        var result = verifier.Verify(GitHubHeaders(), Bytes(GitHubPayload), Now);

        Assert.True(result.IsValid);
        Assert.Equal(1, result.MatchedSecretIndex);
    }

    // ---- Standard Webhooks ----

    [Fact]
    public void Standard_Webhooks_reference_vector_verifies()
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret).Verify(StandardHeaders(), Bytes(StandardPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.Valid, result.Outcome);
        Assert.Equal(StandardMessageId, result.MessageId);
        Assert.Equal(StandardSignedAt, result.Timestamp);
    }

    [Fact]
    public void Standard_Webhooks_secret_without_the_prefix_verifies_too()
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .Verify(StandardHeaders(), Bytes(StandardPayload), Now);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Headers_are_looked_up_case_insensitively_through_a_function()
    {
        var headers = StandardHeaders().ToDictionary(h => h.Key.ToUpperInvariant(), h => h.Value);
        var verifier = Verifier(WebhookScheme.StandardWebhooks, StandardSecret);

        var result = verifier.Verify(name => headers.GetValueOrDefault(name.ToUpperInvariant()), Bytes(StandardPayload), Now);

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData(WebhookScheme.StandardWebhooks)]
    [InlineData(WebhookScheme.GitHub)]
    public void Sign_then_verify_round_trips(WebhookScheme scheme)
    {
        var secret = new WebhookSecret(WebhookSecret.Generate(scheme));
        var body = Bytes("""{ "event": "deploy",  "ref": "main" }""");
        var sentAt = DateTimeOffset.UtcNow;
        var headers = new WebhookSigner(scheme, secret).CreateHeaders("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", sentAt, body);

        var result = new WebhookSignatureVerifier(scheme, [secret]).Verify(headers, body, sentAt.AddSeconds(2));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", result.MessageId);
    }

    [Fact]
    public void Verification_is_over_raw_bytes_so_reformatted_json_fails()
    {
        var secret = new WebhookSecret(WebhookSecret.Generate(WebhookScheme.StandardWebhooks));
        var sent = Bytes("""{"a": 1}""");
        var headers = new WebhookSigner(WebhookScheme.StandardWebhooks, secret).CreateHeaders("m1", Now, sent);

        var result = new WebhookSignatureVerifier(WebhookScheme.StandardWebhooks, [secret]).Verify(headers, Bytes("""{"a":1}"""), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Fact]
    public void Several_signatures_are_accepted_when_only_the_second_matches()
    {
        var header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + StandardSignature;

        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(signature: header), Bytes(StandardPayload), Now);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Unknown_versions_and_malformed_entries_are_skipped_in_favour_of_a_matching_v1()
    {
        var signatureBase64 = StandardSignature["v1,".Length..];
        var header = $"v1a,{signatureBase64} v2,{signatureBase64} nocomma v1,%%%notbase64 v1, {StandardSignature}";

        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(signature: header), Bytes(StandardPayload), Now);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void A_matching_signature_under_another_version_is_not_accepted()
    {
        var header = "v1a," + StandardSignature["v1,".Length..];

        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(signature: header), Bytes(StandardPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Fact]
    public void Rotation_accepts_the_old_secret_during_its_grace_period_only()
    {
        var current = new WebhookSecret(WebhookSecret.Generate(WebhookScheme.StandardWebhooks));
        var previous = new WebhookSecret(StandardSecret, Now.AddMinutes(1));
        var verifier = new WebhookSignatureVerifier(WebhookScheme.StandardWebhooks, [current, previous]);

        var during = verifier.Verify(StandardHeaders(), Bytes(StandardPayload), Now);
        var after = verifier.Verify(StandardHeaders(), Bytes(StandardPayload), Now.AddMinutes(1));

        Assert.True(during.IsValid);
        Assert.Equal(1, during.MatchedSecretIndex);
        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, after.Outcome);
    }

    [Fact]
    public void A_tampered_body_is_refused()
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(), Bytes("""{"test": 2432232315}"""), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Fact]
    public void A_tampered_message_id_is_refused()
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(id: "msg_p5jXN8AQM9LWM0D4loKWxJel"), Bytes(StandardPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Fact]
    public void A_tampered_timestamp_is_refused()
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(timestamp: "1614265331"), Bytes(StandardPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Fact]
    public void A_message_id_with_a_dot_is_refused_because_it_could_shift_the_signed_fields()
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(id: "msg.1614265330"), Bytes(StandardPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void A_timestamp_beyond_the_tolerance_either_way_is_stale(int secondsFromNow)
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(), Bytes(StandardPayload), StandardSignedAt.AddSeconds(-secondsFromNow));

        Assert.Equal(WebhookVerificationOutcome.StaleTimestamp, result.Outcome);
        Assert.Equal(StandardSignedAt, result.Timestamp);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void A_timestamp_at_the_edge_of_the_tolerance_is_accepted(int secondsFromNow)
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(), Bytes(StandardPayload), StandardSignedAt.AddSeconds(-secondsFromNow));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void The_tolerance_can_be_changed()
    {
        var verifier = new WebhookSignatureVerifier(
            WebhookScheme.StandardWebhooks, [new WebhookSecret(StandardSecret)], TimeSpan.FromSeconds(10));

        Assert.True(verifier.Verify(StandardHeaders(), Bytes(StandardPayload), StandardSignedAt.AddSeconds(10)).IsValid);
        Assert.Equal(
            WebhookVerificationOutcome.StaleTimestamp,
            verifier.Verify(StandardHeaders(), Bytes(StandardPayload), StandardSignedAt.AddSeconds(11)).Outcome);
    }

    [Fact]
    public void A_negative_tolerance_is_refused()
    {
        var error = Assert.Throws<MuxlyException>(() => new WebhookSignatureVerifier(
            WebhookScheme.StandardWebhooks, [new WebhookSecret(StandardSecret)], TimeSpan.FromSeconds(-1)));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [InlineData("webhook-id", WebhookVerificationOutcome.MissingHeaders)]
    [InlineData("webhook-timestamp", WebhookVerificationOutcome.MissingHeaders)]
    [InlineData("webhook-signature", WebhookVerificationOutcome.MissingSignature)]
    public void A_missing_header_is_refused(string header, WebhookVerificationOutcome expected)
    {
        var headers = StandardHeaders();
        headers.Remove(header);

        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret).Verify(headers, Bytes(StandardPayload), Now);

        Assert.Equal(expected, result.Outcome);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("-1614265330")]
    [InlineData("+1614265330")]
    [InlineData("1614265330.5")]
    [InlineData("99999999999999999999999")]
    [InlineData("253402300800")]
    public void A_timestamp_that_is_not_unix_seconds_is_invalid(string timestamp)
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(timestamp: timestamp), Bytes(StandardPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.TimestampInvalid, result.Outcome);
    }

    [Theory]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")] // no version, no comma
    [InlineData("v1,dawfeoifkpqwoekfpqoekf")] // base64 of the wrong length
    [InlineData("v1,not*base64*at*all")]
    [InlineData("v1,")]
    [InlineData("v1,g0hM9SsE")] // truncated
    [InlineData(",,, ,")]
    public void Malformed_signature_values_are_refused_without_exceptions(string signature)
    {
        var result = Verifier(WebhookScheme.StandardWebhooks, StandardSecret)
            .Verify(StandardHeaders(signature: signature), Bytes(StandardPayload), Now);

        Assert.Equal(WebhookVerificationOutcome.InvalidSignature, result.Outcome);
    }

    [Fact]
    public void Results_never_contain_the_secret_the_signature_or_the_body()
    {
        var cases = new List<WebhookVerificationResult>();
        var standard = Verifier(WebhookScheme.StandardWebhooks, StandardSecret);
        cases.Add(standard.Verify(StandardHeaders(), Bytes(StandardPayload), Now));
        cases.Add(standard.Verify(StandardHeaders(), Bytes("""{"test": 1}"""), Now));
        cases.Add(standard.Verify(StandardHeaders(), Bytes(StandardPayload), Now.AddHours(1)));
        cases.Add(standard.Verify(StandardHeaders(timestamp: "x"), Bytes(StandardPayload), Now));
        cases.Add(standard.Verify(StandardHeaders(signature: "v1,MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), Bytes(StandardPayload), Now));
        cases.Add(standard.Verify(new Dictionary<string, string>(), Bytes(StandardPayload), Now));
        var gitHub = Verifier(WebhookScheme.GitHub, GitHubSecret);
        cases.Add(gitHub.Verify(GitHubHeaders(), Bytes(GitHubPayload), Now));
        cases.Add(gitHub.Verify(GitHubHeaders("sha256=00"), Bytes(GitHubPayload), Now));
        cases.Add(gitHub.Verify(new Dictionary<string, string>(), Bytes(GitHubPayload), Now));

        foreach (var result in cases)
        {
            foreach (var text in new[] { result.Reason, result.ToString() })
            {
                Assert.False(string.IsNullOrWhiteSpace(result.Reason));
                Assert.DoesNotContain("MfKQ9r8G", text);
                Assert.DoesNotContain("Secret to Everybody", text);
                Assert.DoesNotContain("g0hM9SsE", text);
                Assert.DoesNotContain("757107ea", text);
                Assert.DoesNotContain("2432232314", text);
                Assert.DoesNotContain("Hello, World", text);
            }
        }

        Assert.DoesNotContain("MfKQ9r8G", standard.ToString());
        Assert.DoesNotContain("Everybody", gitHub.ToString());
    }

    [Fact]
    public void A_verifier_needs_a_secret_and_refuses_a_bad_one_up_front()
    {
        Assert.Equal(
            "MuxlyWebhookSecretMissing",
            Assert.Throws<MuxlyException>(() => new WebhookSignatureVerifier(WebhookScheme.GitHub, [])).ErrorId);
        Assert.Equal(
            "MuxlyWebhookSecretTooShort",
            Assert.Throws<MuxlyException>(() => Verifier(WebhookScheme.GitHub, "short")).ErrorId);
    }
}
