using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Muxly.Scheduler;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using Muxly.Webhooks;
using ReferenceWebhook = StandardWebhooks.StandardWebhook;

namespace Muxly.Tests.Webhooks;

/// <summary>
/// A real listener on 127.0.0.1 and a real HttpClient: a webhook connector job whose route writes every record to a
/// JSON Lines file. Each refusal is checked to start nothing.
/// </summary>
public sealed class WebhookListenerTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static readonly JobRunnerOptions Quick = new()
    {
        RetryBaseDelay = TimeSpan.FromSeconds(0.1),
        CancelPollInterval = TimeSpan.FromMilliseconds(50),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
    };

    private readonly JobFixture _fixture = new();
    private readonly MuxlyStore _store;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly List<WebhookListener> _listeners = [];
    private readonly List<JobRunnerWebhookDispatcher> _dispatchers = [];
    private readonly Job _job;
    private readonly string _output;

    public WebhookListenerTests()
    {
        _store = _fixture.Store;
        _fixture.WebhookConnector("hook");
        _output = _fixture.Temp.PathFor("out.jsonl");
        _store.Destinations.Create(new DestinationDefinition("out", "file", new JsonObject { ["path"] = _output, ["format"] = "jsonl" }), force: false);
        _store.Rules.Create(new RuleDefinition("main-branch", "ref == 'refs/heads/main'", Destinations: ["out"]), force: false);
        _fixture.Route("hook-route", "hook", "main-branch");
        // Overlap allowed: calls arriving while an earlier one runs start their own run (under 'forbid' they are recorded skipped).
        _job = _fixture.Job("deploy", "hook", "route", new JsonObject { ["route"] = "hook-route" }, overlap: "allow");
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _fixture.Dispose();
    }

    [Fact]
    public async Task StandardWebhooks_ReferenceLibrarySignedRequests_AreAccepted_AndStartExactlyOneExecutionEach()
    {
        var trigger = Register("/hooks/deploy");
        var (listener, dispatcher) = StartListener();
        var reference = new ReferenceWebhook(trigger.Secret!);

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var body = $$"""{"ref": "refs/heads/main", "n": {{i}}}""";
            var messageId = $"msg_{i}_{Guid.NewGuid():N}";
            var now = DateTimeOffset.UtcNow;
            var response = await Post(listener, "/hooks/deploy", body, new()
            {
                ["webhook-id"] = messageId,
                ["webhook-timestamp"] = now.ToUnixTimeSeconds().ToString(),
                ["webhook-signature"] = reference.Sign(messageId, now, body),
            });

            Assert.Equal(HttpStatusCode.Accepted, response.Status);
            ids.Add((string)JsonNode.Parse(response.Body)!["executionId"]!);
        }

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        var executions = Executions();
        Assert.Equal(3, executions.Count);
        Assert.Equal(ids.Order(), executions.Select(e => e.Id).Order());
        Assert.All(executions, e => Assert.Equal(("succeeded", "webhook"), (e.Status, e.TriggeredBy)));
        Assert.Equal([0, 1, 2], File.ReadAllLines(_output).Select(line => (int)JsonNode.Parse(line)!["n"]!).Order());
    }

    [Fact]
    public async Task StandardWebhooks_ReferenceLibraryHttpContent_IsAccepted()
    {
        var trigger = Register("/hooks/deploy");
        var (listener, dispatcher) = StartListener();
        var content = new ReferenceWebhook(trigger.Secret!).MakeHttpContent(new { @ref = "refs/heads/main", n = 7 }, "msg_reference_content", DateTimeOffset.UtcNow);

        using var response = await Http.PostAsync(listener.Prefix + "hooks/deploy", content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        Assert.Equal("succeeded", Assert.Single(Executions()).Status);
    }

    [Fact]
    public async Task GitHub_PublishedTestVector_PassesVerification()
    {
        Register("/gh", WebhookScheme.GitHub, WebhookTestData.GitHubSecret);
        var (listener, _) = StartListener();

        var signed = await Post(listener, "/gh", WebhookTestData.GitHubPayload, new() { ["X-Hub-Signature-256"] = WebhookTestData.GitHubSignature, ["X-GitHub-Delivery"] = "d-1" });
        var tampered = await Post(listener, "/gh", "Hello, World?", new() { ["X-Hub-Signature-256"] = WebhookTestData.GitHubSignature, ["X-GitHub-Delivery"] = "d-2" });

        // "Hello, World!" is verified, then refused only because it is not JSON (a check made after the signature's).
        Assert.Equal(HttpStatusCode.BadRequest, signed.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.Status);
        listener.Stop(); // requests in flight finish, their log lines written
        Assert.Contains(_log, line => line.Contains("-> 400 (body is not JSON)"));
        Assert.Empty(Executions());
    }

    [Fact]
    public async Task GitHubPushPayload_FlowsThroughTheWebhookConnector_ARule_AndAFileDestination()
    {
        Register("/gh/push", WebhookScheme.GitHub, WebhookTestData.GitHubSecret);
        var (listener, dispatcher) = StartListener();
        var push = """
            {"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5",
             "repository":{"id":1296269,"full_name":"octocat/Hello-World","private":false},
             "pusher":{"name":"octocat"},"commits":[{"id":"59b20b8d","message":"Fix all the bugs"}]}
            """;
        var other = """{"ref":"refs/heads/feature","repository":{"full_name":"octocat/Hello-World"}}""";

        var first = await Post(listener, "/gh/push", push, GitHubHeaders(push, "72d3162e-cc78-11e3-81ab-4c9367dc0958"));
        var second = await Post(listener, "/gh/push", other, GitHubHeaders(other, "72d3162e-cc78-11e3-81ab-000000000002"));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.Status, second.Status));
        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        Assert.All(Executions(), e => Assert.Equal("succeeded", e.Status));
        // Only the push to main matches the rule.
        var written = JsonNode.Parse(Assert.Single(File.ReadAllLines(_output)))!;
        Assert.Equal("octocat/Hello-World", (string)written["repository"]!["full_name"]!);
        Assert.Equal("Fix all the bugs", (string)written["commits"]![0]!["message"]!);
    }

    [Fact]
    public async Task Refusals_AnswerTheirCodes_AndStartNothing()
    {
        var trigger = Register("/hooks/deploy");
        var (listener, dispatcher) = StartListener(maxBodyBytes: 4096);
        const string body = """{"ref": "refs/heads/main"}""";

        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body.Replace("main", "evil"), "msg_tampered"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "msg_stale", DateTimeOffset.UtcNow.AddMinutes(-6)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "msg_future", DateTimeOffset.UtcNow.AddMinutes(6)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(listener, "/hooks/deploy", body, new())).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Post(listener, "/hooks/unknown", body, Sign(trigger, body, "msg_unknown"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Post(listener, "/hooks/../hooks/deploy/%2e%2e", body, Sign(trigger, body, "msg_dots"))).Status);

        using (var get = await Http.GetAsync(listener.Prefix + "hooks/deploy"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
            Assert.Equal("POST", get.Content.Headers.Allow.Single());
        }

        using (var getUnknown = await Http.GetAsync(listener.Prefix + "nothing/here"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, getUnknown.StatusCode);
        }

        var large = $$"""{"ref": "refs/heads/main", "pad": "{{new string('x', 5000)}}"}""";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Post(listener, "/hooks/deploy", large, Sign(trigger, large, "msg_large"))).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "msg_text"), "text/plain")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(listener, "/hooks/deploy", "{not json", Sign(trigger, "{not json", "msg_notjson"))).Status);

        _store.WebhookTriggers.SetEnabled(trigger.Id, false);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "msg_off"))).Status);
        _store.WebhookTriggers.SetEnabled(trigger.Id, true);
        _store.Jobs.SetEnabled(_job.Id, false);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "msg_job_off"))).Status);
        _store.Jobs.SetEnabled(_job.Id, true);

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(10)));
        Assert.Empty(Executions());
        Assert.False(File.Exists(_output));

        // A content type with parameters, or a +json type, is JSON.
        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "msg_ok"), "application/json; charset=utf-8")).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/deploy/", body, Sign(trigger, body, "msg_ok2"), "application/vnd.github+json")).Status);
        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, Executions().Count);
    }

    [Fact]
    public async Task ReplayedMessageId_Is409_AndRunsNothingMore()
    {
        var trigger = Register("/hooks/deploy");
        var (listener, dispatcher) = StartListener();
        const string body = """{"ref": "refs/heads/main"}""";
        var headers = Sign(trigger, body, "msg_once");

        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/deploy", body, headers)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Post(listener, "/hooks/deploy", body, headers)).Status);

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        Assert.Single(Executions());
    }

    [Fact]
    public async Task ReplayProtection_HoldsAcrossListenerInstancesOnTheSameDatabase()
    {
        var trigger = Register("/hooks/deploy");
        const string body = """{"ref": "refs/heads/main"}""";
        var headers = Sign(trigger, body, "msg_across");
        var port = FreePort();

        var (first, firstDispatcher) = StartListener(port: port);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(first, "/hooks/deploy", body, headers)).Status);
        Assert.True(firstDispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        first.Stop();

        // Another process: its own store on the same file, its own listener.
        var (second, secondDispatcher) = StartListener(store: _fixture.OpenOtherStore(), port: port);
        Assert.Equal(HttpStatusCode.Conflict, (await Post(second, "/hooks/deploy", body, headers)).Status);
        Assert.True(secondDispatcher.WaitForIdle(TimeSpan.FromSeconds(10)));
        Assert.Single(Executions());
    }

    [Fact]
    public async Task RateLimit_Refuses429PerTrigger_WithRetryAfter()
    {
        var trigger = Register("/hooks/deploy");
        var other = Register("/hooks/other");
        var (listener, dispatcher) = StartListener(rateLimit: 2);
        const string body = """{"ref": "refs/heads/feature"}""";

        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "r1"))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "r2"))).Status);
        var limited = await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "r3"));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.InRange(limited.RetryAfter!.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/other", body, Sign(other, body, "r4"))).Status);

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, Executions().Count);
    }

    [Fact]
    public async Task Rotation_OldSecretAcceptedDuringGrace_RefusedAfter()
    {
        var trigger = Register("/hooks/deploy");
        var rotated = _store.WebhookTriggers.RotateSecret(trigger.Id, gracePeriod: TimeSpan.FromHours(1));
        var later = DateTimeOffset.UtcNow.AddHours(2);
        var clock = DateTimeOffset.UtcNow;
        var (listener, dispatcher) = StartListener(clock: () => clock);
        const string body = """{"ref": "refs/heads/feature"}""";

        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "old_in_grace"))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/deploy", body, Sign(rotated, body, "new_in_grace"))).Status);

        clock = later;
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "old_after", later))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/hooks/deploy", body, Sign(rotated, body, "new_after", later))).Status);

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, Executions().Count);
    }

    [Fact]
    public async Task UnsignedTrigger_AcceptsRequestsWithoutSignature_StillRefusingReplays()
    {
        _store.WebhookTriggers.Register(new WebhookRegistration("deploy", "/open", AllowUnsigned: true));
        var (listener, dispatcher) = StartListener();
        const string body = """{"ref": "refs/heads/main"}""";

        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/open", body, new())).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(listener, "/open", body, new() { ["webhook-id"] = "u1" })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Post(listener, "/open", body, new() { ["webhook-id"] = "u1" })).Status);

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, Executions().Count);
    }

    [Fact]
    public async Task Accepted_Answers202WithAQueuedExecution_WithoutWaitingForTheRun()
    {
        var trigger = Register("/hooks/deploy");
        var held = new HoldingDispatcher();
        var listener = new WebhookListener(_store, Options(FreePort()), held);
        _listeners.Add(listener);
        listener.Start();
        const string body = """{"ref": "refs/heads/main"}""";

        var response = await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "msg_held"));

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        var executionId = (string)JsonNode.Parse(response.Body)!["executionId"]!;
        var queued = _store.Executions.Get(executionId);
        Assert.Equal(("queued", "webhook"), (queued.Status, queued.TriggeredBy));
        Assert.Equal(body, JsonNode.Parse(_store.Executions.ReadPayload(executionId)!)!.ToJsonString().Replace(":", ": "));
        var dispatch = Assert.Single(held.Dispatches);
        Assert.Equal(("msg_held", executionId), (dispatch.MessageId, dispatch.ExecutionId));
    }

    [Fact]
    public void DefaultDispatcher_FinishesAQueuedExecutionWhoseJobWasDisabled()
    {
        var trigger = Register("/hooks/deploy");
        var queued = _store.Executions.Enqueue(new ExecutionStart(_job.Id, ExecutionTriggers.Webhook, Payload: "{}"));
        _store.Jobs.SetEnabled(_job.Id, false);
        var dispatcher = new JobRunnerWebhookDispatcher(_store, Quick);

        dispatcher.Dispatch(new WebhookDispatch(trigger, queued.Id, new JsonObject(), null));

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(10)));
        var finished = _store.Executions.Get(queued.Id);
        Assert.Equal("failed", finished.Status);
        Assert.Contains("disabled", finished.Error);
    }

    [Fact]
    public async Task Log_NamesEachRequest_WithoutSecretOrBody()
    {
        var trigger = Register("/hooks/deploy");
        var (listener, dispatcher) = StartListener();
        const string body = """{"ref": "refs/heads/main", "token": "body-only-value"}""";

        await Post(listener, "/hooks/deploy", body, Sign(trigger, body, "msg_logged"));
        await Post(listener, "/hooks/deploy", body, Sign(trigger, body.Replace("main", "x"), "msg_bad"));
        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));
        listener.Stop();

        var lines = _log.ToArray();
        Assert.Contains(lines, l => l.Contains("POST /hooks/deploy") && l.Contains("-> 202") && l.Contains("msg_logged"));
        Assert.Contains(lines, l => l.Contains("-> 401") && l.Contains("InvalidSignature"));
        var key = trigger.Secret!["whsec_".Length..];
        Assert.DoesNotContain(lines, l => l.Contains(key) || l.Contains("body-only-value") || l.Contains("v1,"));
    }

    [Fact]
    public void PortInUse_IsAClearError()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var listener = new WebhookListener(_store, Options(port));

        var error = Assert.Throws<MuxlyException>(listener.Start);

        Assert.Equal("MuxlyWebhookListenerUnavailable", error.ErrorId);
        Assert.Contains(port.ToString(), error.Message);
        Assert.False(listener.IsRunning);
    }

    [Theory]
    [InlineData("127.0.0.1:8787")]
    [InlineData("https://127.0.0.1:8787/")]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://127.0.0.1:8787")]
    [InlineData("http://127.0.0.1:8787/hooks/")]
    [InlineData("http://127.0.0.1:99999/")]
    [InlineData("http://:8787/")]
    public void ValidatePrefix_RefusesWhatIsNotHttpHostPort(string prefix) =>
        Assert.Equal(WebhookListener.PrefixInvalidErrorId, Assert.Throws<MuxlyException>(() => WebhookListener.ValidatePrefix(prefix, allowRemote: true)).ErrorId);

    [Theory]
    [InlineData("http://0.0.0.0:8787/")]
    [InlineData("http://+:8787/")]
    [InlineData("http://*:8787/")]
    [InlineData("http://example.test:8787/")]
    [InlineData("http://192.168.1.10:8787/")]
    public void ValidatePrefix_RefusesNonLoopbackUnlessAllowed(string prefix)
    {
        Assert.Equal(WebhookListener.RemoteRefusedErrorId, Assert.Throws<MuxlyException>(() => WebhookListener.ValidatePrefix(prefix, allowRemote: false)).ErrorId);
        Assert.Equal(prefix, WebhookListener.ValidatePrefix(prefix, allowRemote: true));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8787/")]
    [InlineData("http://LOCALHOST:8080/")]
    [InlineData("http://[::1]:8787/")]
    public void ValidatePrefix_AcceptsLoopback(string prefix) =>
        Assert.Equal(prefix.ToLowerInvariant(), WebhookListener.ValidatePrefix(prefix, allowRemote: false));

    [Fact]
    public void Defaults_ComeFromTheSettings()
    {
        _store.Settings.Set("webhook.listener_prefix", $"http://127.0.0.1:{FreePort()}/");
        _store.Settings.Set("webhook.max_body_bytes", 2048);
        using var listener = new WebhookListener(_store);

        listener.Start();

        Assert.Equal((2048, 60, TimeSpan.FromMinutes(5)), (listener.MaxBodyBytes, listener.RateLimitPerMinute, listener.TimestampTolerance));
        Assert.True(listener.IsRunning);
        listener.Stop();
        Assert.False(listener.IsRunning);
        listener.Stop();
    }

    private WebhookTrigger Register(string path, WebhookScheme scheme = WebhookScheme.StandardWebhooks, string? secret = null) =>
        _store.WebhookTriggers.Register(new WebhookRegistration("deploy", path, scheme, secret));

    private List<JobExecution> Executions() => _store.Executions.Query(new ExecutionQuery(_job.Id)).ToList();

    private WebhookListenerOptions Options(int port, int? maxBodyBytes = null, int? rateLimit = null, Func<DateTimeOffset>? clock = null) => new()
    {
        Prefix = $"http://127.0.0.1:{port}/",
        MaxBodyBytes = maxBodyBytes,
        RateLimitPerMinute = rateLimit,
        Log = _log.Enqueue,
        Clock = clock,
        ShutdownGrace = TimeSpan.FromSeconds(10),
    };

    private (WebhookListener Listener, JobRunnerWebhookDispatcher Dispatcher) StartListener(
        MuxlyStore? store = null, int? port = null, int? maxBodyBytes = null, int? rateLimit = null, Func<DateTimeOffset>? clock = null)
    {
        store ??= _store;
        var dispatcher = new JobRunnerWebhookDispatcher(store, Quick, log: _log.Enqueue);
        var listener = new WebhookListener(store, Options(port ?? FreePort(), maxBodyBytes, rateLimit, clock), dispatcher);
        _listeners.Add(listener);
        _dispatchers.Add(dispatcher);
        listener.Start();
        return (listener, dispatcher);
    }

    private static Dictionary<string, string> Sign(WebhookTrigger trigger, string body, string messageId, DateTimeOffset? at = null) =>
        new(new WebhookSigner(WebhookScheme.StandardWebhooks, new WebhookSecret(trigger.Secret!))
            .CreateHeaders(messageId, at ?? DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes(body)));

    /// <summary>GitHub's signature, computed here independently of the engine: HMAC-SHA256 of the body, hex.</summary>
    private static Dictionary<string, string> GitHubHeaders(string body, string delivery)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookTestData.GitHubSecret), Encoding.UTF8.GetBytes(body));
        return new()
        {
            ["X-Hub-Signature-256"] = "sha256=" + Convert.ToHexString(mac).ToLowerInvariant(),
            ["X-GitHub-Delivery"] = delivery,
            ["X-GitHub-Event"] = "push",
        };
    }

    private sealed record Reply(HttpStatusCode Status, string Body, TimeSpan? RetryAfter);

    private static async Task<Reply> Post(WebhookListener listener, string path, string body, Dictionary<string, string> headers, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, listener.Prefix!.TrimEnd('/') + path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Http.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.Delta);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class HoldingDispatcher : IWebhookDispatcher
    {
        public ConcurrentBag<WebhookDispatch> Dispatches { get; } = [];

        public void Dispatch(WebhookDispatch dispatch) => Dispatches.Add(dispatch);

        public void Stop(TimeSpan grace)
        {
        }
    }
}
