using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Muxly.Scheduler;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using Muxly.Webhooks;
using Xunit.Abstractions;

namespace Muxly.Tests.Webhooks;

/// <summary>
/// A burst of signed calls on loopback, a fifth of them forged or replayed: every genuine one runs exactly once, no
/// forged or replayed one runs. The throughput is written to the test output (the benchmark suite measures it properly).
/// </summary>
public sealed class WebhookListenerBurstTests : IDisposable
{
    private const int Genuine = 2000;
    private const int Forged = 250;
    private const int Replayed = 250;

    private readonly JobFixture _fixture = new();
    private readonly ITestOutputHelper _output;

    public WebhookListenerBurstTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task EveryGenuineCallRunsExactlyOnce_AndNoForgedOrReplayedOneRuns()
    {
        var store = _fixture.Store;
        store.Settings.Set("executions.retention_per_job", 10_000); // keep every execution, so all can be counted
        _fixture.WebhookConnector("hook");
        var job = _fixture.Job("burst", "hook", "fetch", overlap: "allow");
        var trigger = store.WebhookTriggers.Register(new WebhookRegistration("burst", "/hooks/burst", WebhookScheme.StandardWebhooks, null));
        var signer = new WebhookSigner(WebhookScheme.StandardWebhooks, new WebhookSecret(trigger.Secret!));
        var dispatcher = new JobRunnerWebhookDispatcher(store);
        using var listener = new WebhookListener(store, new WebhookListenerOptions
        {
            Prefix = $"http://127.0.0.1:{FreePort()}/",
            RateLimitPerMinute = 1_000_000,
            ShutdownGrace = TimeSpan.FromSeconds(60),
        }, dispatcher);
        listener.Start();

        // Genuine calls first, each with its own id; then forged ones (a body changed after signing) and replays of
        // genuine ids, shuffled among the genuine ones so that nothing depends on their order.
        var calls = new List<(string Id, string Body, Dictionary<string, string> Headers, bool Genuine)>();
        for (var i = 0; i < Genuine; i++)
        {
            var (id, body) = ($"msg_{i:D5}", $$"""{"n":{{i}}}""");
            calls.Add((id, body, Sign(signer, id, body), true));
        }

        for (var i = 0; i < Forged; i++)
        {
            var (id, body) = ($"forged_{i:D5}", $$"""{"n":{{i}}}""");
            calls.Add((id, body.Replace("}", ",\"x\":1}"), Sign(signer, id, body), false));
        }

        var random = new Random(7);
        var shuffled = calls.OrderBy(_ => random.Next()).ToList();
        for (var i = 0; i < Replayed; i++)
        {
            var original = calls[random.Next(Genuine)];
            shuffled.Add((original.Id, original.Body, original.Headers, false));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var statuses = new ConcurrentBag<(string Id, bool Genuine, HttpStatusCode Status)>();
        var clock = Stopwatch.StartNew();
        var pending = new ConcurrentQueue<(string Id, string Body, Dictionary<string, string> Headers, bool Genuine)>(shuffled);
        var senders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (pending.TryDequeue(out var call))
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, listener.Prefix + "hooks/burst") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(call.Body)) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                foreach (var (name, value) in call.Headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await http.SendAsync(request);
                statuses.Add((call.Id, call.Genuine, response.StatusCode));
            }
        })).ToArray();
        await Task.WhenAll(senders);
        var elapsed = clock.Elapsed;
        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromMinutes(3)), "the dispatched runs did not finish");

        _output.WriteLine($"{shuffled.Count} calls in {elapsed.TotalSeconds:0.00} s: {shuffled.Count / elapsed.TotalSeconds:0} calls/s answered, " +
            $"{Genuine / elapsed.TotalSeconds:0} genuine/s accepted");

        // Each genuine id was accepted once (a replay of it may have arrived first: then the replay was the accepted one).
        var accepted = statuses.Where(s => s.Status == HttpStatusCode.Accepted).ToList();
        Assert.Equal(Genuine, accepted.Count);
        Assert.Equal(Genuine, accepted.Select(s => s.Id).Distinct().Count());
        Assert.All(statuses.Where(s => s.Id.StartsWith("forged_", StringComparison.Ordinal)), s => Assert.Equal(HttpStatusCode.Unauthorized, s.Status));
        Assert.Equal(Replayed, statuses.Count(s => s.Status == HttpStatusCode.Conflict));

        // And exactly one execution per genuine call, each succeeded, none for anything else.
        var executions = store.Executions.Query(new ExecutionQuery(job.Id)).ToList();
        Assert.Equal(Genuine, executions.Count);
        Assert.All(executions, e => Assert.Equal(("succeeded", "webhook"), (e.Status, e.TriggeredBy)));
    }

    public void Dispose() => _fixture.Dispose();

    private static Dictionary<string, string> Sign(WebhookSigner signer, string id, string body) =>
        new(signer.CreateHeaders(id, DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes(body)));

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
