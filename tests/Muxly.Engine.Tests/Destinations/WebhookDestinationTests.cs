using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Muxly.Destinations;
using Muxly.Destinations.Webhooks;
using Muxly.Router.Runs;
using Muxly.Webhooks;

namespace Muxly.Tests.Destinations;

public sealed class WebhookDestinationTests : IClassFixture<LoopbackHttpServer>
{
    private readonly LoopbackHttpServer _server;
    private readonly List<string> _log = [];

    public WebhookDestinationTests(LoopbackHttpServer server)
    {
        _server = server;
        _server.Reset();
    }

    [Fact]
    public void Records_go_in_json_batches_of_batch_size()
    {
        var records = Records(250);

        Send(Config(), records);

        var bodies = _server.Received.Select(r => JsonNode.Parse(r.Body)!.AsArray()).ToArray();
        Assert.Equal([100, 100, 50], bodies.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(1, 250), bodies.SelectMany(b => b).Select(r => (int)r!["id"]!));
        Assert.All(_server.Received, r => Assert.Equal("POST", r.Method));
        Assert.All(_server.Received, r => Assert.Equal("application/json", r.Headers["Content-Type"]));
    }

    [Fact]
    public void Batch_size_one_sends_each_record_as_a_single_object()
    {
        Send(Config(""" "batch_size":1 """), Records(3));

        Assert.Equal(3, _server.Received.Count);
        Assert.All(_server.Received, r => Assert.IsType<JsonObject>(JsonNode.Parse(r.Body)));
    }

    [Fact]
    public void Method_headers_and_content_type_are_sent_as_configured()
    {
        Send(Config(""" "method":"PUT", "headers":{"Authorization":"Bearer abc","X-Source":"muxly-${DATE}"}, "content_type":"application/vnd.muxly+json" """), Records(1));

        var request = Assert.Single(_server.Received);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("Bearer abc", request.Headers["Authorization"]);
        Assert.Equal("muxly-2026-11-24", request.Headers["X-Source"]);
        Assert.Equal("application/vnd.muxly+json", request.Headers["Content-Type"]);
    }

    [Fact]
    public void A_body_template_is_rendered_per_record_and_stays_valid_json()
    {
        var config = Config(""" "body_template":"{\"text\":\"{{user.name}} says {{message}}\",\"n\":{{n}},\"tags\":{{tags}},\"none\":\"{{missing}}\"}" """);
        var record = JsonNode.Parse("""{"user":{"name":"Zoë"},"message":"\"hi\"\n\\o/","n":3.5,"tags":["a"]}""")!.AsObject();

        Send(config, [record, record]);

        Assert.Equal(2, _server.Received.Count);
        var body = JsonNode.Parse(_server.Received[0].Body)!;
        Assert.Equal("Zoë says \"hi\"\n\\o/", (string)body["text"]!);
        Assert.Equal(3.5, (double)body["n"]!);
        Assert.Equal("a", (string)body["tags"]![0]!);
        Assert.Equal("", (string)body["none"]!);
    }

    [Fact]
    public void A_body_template_with_a_text_content_type_inserts_strings_as_they_are()
    {
        Send(Config(""" "body_template":"Alert: {{message}}", "content_type":"text/plain; charset=utf-8" """),
            [JsonNode.Parse("""{"message":"disk \"C\" full"}""")!.AsObject()]);

        Assert.Equal("Alert: disk \"C\" full", Assert.Single(_server.Received).Body);
    }

    [Fact]
    public void A_500_is_retried_and_the_batch_delivered()
    {
        _server.Reset(new ServerReply(500), ServerReply.Ok);

        Send(Config(), Records(3));

        Assert.Equal(2, _server.Received.Count);
        Assert.Equal(_server.Received[0].Body, _server.Received[1].Body);
        Assert.Contains(_log, l => l.Contains("HTTP 500"));
    }

    [Fact]
    public void A_429_waits_for_its_retry_after()
    {
        _server.Reset(new ServerReply(429, default, ("Retry-After", "1")), ServerReply.Ok);

        Send(Config(), Records(1));

        Assert.Equal(2, _server.Received.Count);
        var waited = _server.Received[1].At - _server.Received[0].At;
        Assert.True(waited >= TimeSpan.FromMilliseconds(900), $"waited {waited}"); // the base delay alone is 10 ms
    }

    [Fact]
    public void A_400_is_not_retried_and_fails_exactly_that_batch()
    {
        _server.Reset(ServerReply.Ok, new ServerReply(400), ServerReply.Ok);
        var records = Records(5);
        using var writer = Open(Config(""" "batch_size":2 """));

        writer.Write(records[0]);
        writer.Write(records[1]);
        writer.Write(records[2]);
        var error = Assert.Throws<DeliveryException>(() => writer.Write(records[3]));
        writer.Write(records[4]);
        writer.Complete();

        Assert.Equal([records[2], records[3]], error.FailedRecords);
        Assert.Contains("HTTP 400", error.Message);
        Assert.Contains("not retried", error.Message);
        Assert.Equal(3, _server.Received.Count);
        Assert.Equal([1, 2], IdsIn(_server.Received[0]));
        Assert.Equal([5], IdsIn(_server.Received[2]));
    }

    [Fact]
    public void A_record_whose_text_cannot_be_sent_fails_alone_and_the_rest_of_its_batch_is_sent()
    {
        // Valid JSON syntax, but half a surrogate pair: no UTF-8 body can carry that text.
        var records = Records(3);
        records[1] = JsonNode.Parse("""{"id":2,"note":"half \ud800 a pair"}""")!.AsObject();
        using var writer = Open(Config());
        foreach (var record in records)
        {
            writer.Write(record);
        }

        var error = Assert.Throws<DeliveryException>(writer.Complete);

        Assert.Equal([records[1]], error.FailedRecords);
        Assert.Contains("cannot be sent", error.Message);
        Assert.Equal([1, 3], IdsIn(Assert.Single(_server.Received)));
    }

    [Fact]
    public void A_body_template_fails_a_record_whose_text_cannot_be_read_and_sends_the_next()
    {
        using var writer = Open(Config(""" "body_template":"Alert: {{message}}", "content_type":"text/plain; charset=utf-8" """));

        // A body template sends each record on its own, as it is written.
        var unreadable = JsonNode.Parse("""{"message":"half \ud800 a pair"}""")!.AsObject();
        var error = Assert.Throws<DeliveryException>(() => writer.Write(unreadable));
        writer.Write(new JsonObject { ["message"] = "whole" });
        writer.Complete();

        Assert.Equal([unreadable], error.FailedRecords);
        Assert.Contains("cannot be sent", error.Message);
        Assert.Equal("Alert: whole", Assert.Single(_server.Received).Body);
    }

    [Fact]
    public void Retries_give_up_after_max_retries()
    {
        _server.Reset(new ServerReply(503), new ServerReply(503), new ServerReply(503));
        using var writer = Open(Config(""" "max_retries":2 """));
        writer.Write(Records(1)[0]);

        var error = Assert.Throws<DeliveryException>(writer.Complete);

        Assert.Equal(3, _server.Received.Count);
        Assert.Single(error.FailedRecords);
        Assert.Contains("after 3 attempt(s)", error.Message);
    }

    [Fact]
    public void No_response_within_the_timeout_fails_the_batch()
    {
        _server.Reset(new ServerReply(200, TimeSpan.FromSeconds(3)));
        using var writer = Open(Config(""" "timeout_seconds":0.3, "max_retries":0 """));
        writer.Write(Records(1)[0]);

        var error = Assert.Throws<DeliveryException>(writer.Complete);

        // The message says the client's own timeout ended the attempt, not the server's late answer.
        Assert.Contains("no response within 0.3 s", error.Message);
        Assert.Single(error.FailedRecords);
    }

    [Fact]
    public void A_refused_connection_fails_the_batch_after_its_retries()
    {
        var config = Config(""" "max_retries":1 """);
        config["url"] = $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}/hook";
        using var writer = Open(config);
        writer.Write(Records(1)[0]);

        var error = Assert.Throws<DeliveryException>(writer.Complete);

        Assert.Single(error.FailedRecords);
        Assert.Contains("after 2 attempt(s)", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void Secrets_in_headers_and_the_query_are_kept_out_of_errors_and_logs()
    {
        _server.Reset(new ServerReply(401));
        var config = Config(""" "headers":{"Authorization":"Bearer s3cret-token"} """);
        config["url"] = _server.Url("/hook?api_key=s3cret-key");
        using var writer = Open(config);
        writer.Write(Records(1)[0]);

        var error = Assert.Throws<DeliveryException>(writer.Complete);

        Assert.Equal("Bearer s3cret-token", _server.Received[0].Headers["Authorization"]);
        Assert.Equal("/hook?api_key=s3cret-key", _server.Received[0].PathAndQuery);
        Assert.DoesNotContain("s3cret", error.ToString());
        Assert.DoesNotContain(_log, l => l.Contains("s3cret"));
        Assert.Contains(_server.Url("/hook"), error.Message);
    }

    [Fact]
    public void The_signer_hook_signs_every_attempt_with_the_exact_body_and_one_message_id_per_batch()
    {
        _server.Reset(new ServerReply(502), ServerReply.Ok, ServerReply.Ok);
        WebhookSigningSettings? given = null;
        var destination = new WebhookDestination(settings =>
        {
            given = settings;
            return new TestSigner(settings.Secret);
        });
        Environment.SetEnvironmentVariable("MUXLY_TEST_WEBHOOK_SECRET", "from-env");
        var config = Config(""" "batch_size":2, "signing":{"scheme":"github","secret":"${env:MUXLY_TEST_WEBHOOK_SECRET}"} """);

        using (var writer = destination.Open(new DestinationSettings("hook", config), new RunContext(Clock)))
        {
            foreach (var record in Records(3))
            {
                writer.Write(record);
            }

            writer.Complete();
        }

        Assert.Equal(WebhookScheme.GitHub, given!.Scheme);
        Assert.Equal("from-env", given.Secret);
        Assert.DoesNotContain("from-env", given.ToString());
        var received = _server.Received;
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.Equal(TestSigner.Signature("from-env", r.Body), r.Headers["X-Test-Signature"]));
        Assert.Equal(received[0].Headers["X-Test-Message-Id"], received[1].Headers["X-Test-Message-Id"]); // a retry
        Assert.NotEqual(received[1].Headers["X-Test-Message-Id"], received[2].Headers["X-Test-Message-Id"]); // the next batch
    }

    [Fact]
    public void Signing_asked_for_without_a_signer_is_refused_at_open_and_nothing_is_sent()
    {
        var config = Config(""" "signing":{"scheme":"standard_webhooks","secret":"whsec_c2VjcmV0c2VjcmV0c2VjcmV0"} """);

        var error = Assert.Throws<MuxlyException>(() => new WebhookDestination().Open(new DestinationSettings("hook", config), new RunContext(Clock)));

        Assert.Equal("MuxlyWebhookSigningUnavailable", error.ErrorId);
        Assert.DoesNotContain("whsec_", error.Message);
        Assert.Empty(_server.Received);
    }

    [Theory]
    [InlineData("standard_webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookScheme.StandardWebhooks)]
    [InlineData("github", "It's a Secret to Everybody", WebhookScheme.GitHub)]
    public void The_registered_destination_signs_so_that_the_listener_verifier_accepts_it(string scheme, string secret, WebhookScheme expected)
    {
        var config = Config($$""" "batch_size":2, "signing":{"scheme":"{{scheme}}","secret":"{{secret}}"} """);
        using (var writer = DestinationRegistry.Default.Get("webhook").Open(new DestinationSettings("hook", config), new RunContext(Clock)))
        {
            foreach (var record in Records(2))
            {
                writer.Write(record);
            }

            writer.Complete();
        }

        var request = Assert.Single(_server.Received);
        var verifier = new WebhookSignatureVerifier(expected, [new WebhookSecret(secret)]);
        var body = System.Text.Encoding.UTF8.GetBytes(request.Body);
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
        Assert.True(verifier.Verify(headers, body, DateTimeOffset.UtcNow).IsValid);
        body[^2] ^= 1; // one changed byte of the body
        Assert.False(verifier.Verify(headers, body, DateTimeOffset.UtcNow).IsValid);
    }

    [Fact]
    public void Records_waiting_for_a_full_batch_are_not_sent_without_complete()
    {
        using (var writer = Open(Config()))
        {
            writer.Write(Records(1)[0]);
        }

        Assert.Empty(_server.Received);
    }

    [Fact]
    public void A_cancelled_run_stops_instead_of_failing_the_batch()
    {
        _server.Reset(new ServerReply(503), new ServerReply(503));
        using var cancellation = new CancellationTokenSource();
        var context = new RunContext(Clock, log: _ => cancellation.Cancel(), cancellation: cancellation.Token);
        using var writer = new WebhookDestination().Open(new DestinationSettings("hook", Config(""" "retry_base_ms":30000 """)), context);
        writer.Write(Records(1)[0]);
        var clock = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(writer.Complete);

        // Far less than the 30 s backoff it would otherwise have waited: the cancellation ended the wait.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Single(_server.Received);
    }

    private static readonly DateTimeOffset Clock = new(2026, 11, 24, 13, 5, 0, TimeSpan.FromHours(1));

    private JsonObject Config(string extra = "")
    {
        // Short delays so the retry tests stay fast; what a test sets itself wins.
        var config = new JsonObject { ["url"] = _server.Url(), ["retry_base_ms"] = 10, ["timeout_seconds"] = 5 };
        foreach (var (key, value) in JsonNode.Parse($$"""{ {{extra}} }""")!.AsObject())
        {
            config[key] = value?.DeepClone();
        }

        return config;
    }

    private IDestinationWriter Open(JsonObject config)
    {
        var destination = new WebhookDestination();
        destination.Validate(config);
        return destination.Open(new DestinationSettings("hook", config), new RunContext(Clock, log: _log.Add));
    }

    private void Send(JsonObject config, IEnumerable<JsonObject> records)
    {
        using var writer = Open(config);
        foreach (var record in records)
        {
            writer.Write(record);
        }

        writer.Complete();
    }

    private static JsonObject[] Records(int count) =>
        Enumerable.Range(1, count).Select(i => new JsonObject { ["id"] = i, ["name"] = $"record {i}" }).ToArray();

    private static int[] IdsIn(ReceivedRequest request) =>
        JsonNode.Parse(request.Body)!.AsArray().Select(r => (int)r!["id"]!).ToArray();

    /// <summary>Stands in for the real signer: a keyed hash of the body, and the message id, as headers.</summary>
    private sealed class TestSigner(string secret) : IRequestSigner
    {
        public void Sign(HttpRequestMessage request, string messageId, byte[] body)
        {
            request.Headers.Add("X-Test-Signature", Convert.ToHexString(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body)));
            request.Headers.Add("X-Test-Message-Id", messageId);
        }

        public static string Signature(string secret, string body) =>
            Convert.ToHexString(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(body)));
    }
}
