using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Muxly.Benchmarks.Webhooks;

/// <summary>What a <see cref="WebhookLoad"/> run is asked to do.</summary>
public sealed record WebhookLoadOptions(
    Uri Url,
    string Secret,
    int Connections = 32,
    TimeSpan? Duration = null,
    long? Requests = null,
    TimeSpan? WarmUp = null,
    string IdPrefix = "load");

/// <summary>
/// A closed-loop load generator for the webhook listener: <c>Connections</c> senders, each on its own keep-alive
/// connection, post one signed request after another. Every request has a unique <c>webhook-id</c>, the current
/// timestamp and a Standard Webhooks signature made here with <see cref="HMACSHA256"/> (not the engine's signer, so the
/// listener's verifier is checked independently), and a small JSON body. Latency is the time from sending to the
/// response's end, per request, in <see cref="Stopwatch"/> ticks.
/// </summary>
public static class WebhookLoad
{
    public static int Run(Dictionary<string, string> options, TextWriter output)
    {
        var load = new WebhookLoadOptions(
            new Uri(options["url"]),
            options["secret"],
            Connections: options.TryGetValue("connections", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 32,
            Duration: options.TryGetValue("duration", out var d) ? TimeSpan.FromSeconds(double.Parse(d, CultureInfo.InvariantCulture)) : null,
            Requests: options.TryGetValue("requests", out var r) ? long.Parse(r, CultureInfo.InvariantCulture) : null,
            WarmUp: options.TryGetValue("warmup", out var w) ? TimeSpan.FromSeconds(double.Parse(w, CultureInfo.InvariantCulture)) : null,
            IdPrefix: options.TryGetValue("id-prefix", out var p) ? p : "load");
        var result = RunAsync(load).GetAwaiter().GetResult();
        output.WriteLine(result.ToJson());
        return 0;
    }

    public static async Task<WebhookLoadResult> RunAsync(WebhookLoadOptions options)
    {
        if (options.Duration is null && options.Requests is null)
        {
            throw new ArgumentException("Give a duration (--duration seconds) or a request count (--requests N).");
        }

        var key = SecretKey(options.Secret);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var runId = Guid.NewGuid().ToString("N")[..8];

        // Warm-up calls are real calls (the listener accepts them), counted apart so a check can add them up.
        long warmUpAccepted = 0;
        if (options.WarmUp is { } warmUp && warmUp > TimeSpan.Zero)
        {
            var warm = await Drive(http, options, key, $"{options.IdPrefix}_{runId}_w", warmUp, null, record: false).ConfigureAwait(false);
            warmUpAccepted = warm.Sum(t => t.Statuses.GetValueOrDefault(202));
        }

        var clock = Stopwatch.StartNew();
        var senders = await Drive(http, options, key, $"{options.IdPrefix}_{runId}", options.Duration, options.Requests, record: true).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        return WebhookLoadResult.From(senders, elapsed, options.Connections) with { WarmUpAccepted = warmUpAccepted };
    }

    /// <summary>The key bytes of a <c>whsec_</c> secret.</summary>
    public static byte[] SecretKey(string secret)
    {
        const string prefix = "whsec_";
        if (!secret.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException("The secret must be a Standard Webhooks secret ('whsec_' and base64).");
        }

        return Convert.FromBase64String(secret[prefix.Length..]);
    }

    /// <summary>The <c>webhook-signature</c> value for a message: <c>v1,</c> and base64 HMAC-SHA256 of <c>id.timestamp.body</c>.</summary>
    public static string Signature(byte[] key, string id, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(id + "." + timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content, prefix.Length);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    private static async Task<SenderTally[]> Drive(HttpClient http, WebhookLoadOptions options, byte[] key, string idPrefix, TimeSpan? duration, long? requests, bool record)
    {
        var deadline = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        long issued = 0;
        var tallies = Enumerable.Range(0, options.Connections).Select(_ => new SenderTally(record)).ToArray();
        var senders = tallies.Select((tally, sender) => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var n = Interlocked.Increment(ref issued);
                if (requests is { } most && n > most)
                {
                    break;
                }

                await SendOne(http, options.Url, key, $"{idPrefix}_{n}", n, tally).ConfigureAwait(false);
            }
        })).ToArray();
        await Task.WhenAll(senders).ConfigureAwait(false);
        return tallies;
    }

    private static async Task SendOne(HttpClient http, Uri url, byte[] key, string id, long n, SenderTally tally)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"type":"load.test","n":{{n}},"id":"{{id}}"}""");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", Signature(key, id, timestamp, body));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            tally.Record((int)response.StatusCode, Stopwatch.GetTimestamp() - started);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            tally.Error(ex.GetType().Name);
        }
    }
}

/// <summary>One sender's counts and latencies (no locking: each sender has its own).</summary>
public sealed class SenderTally(bool record)
{
    public List<long> Latencies { get; } = record ? new List<long>(1 << 14) : [];

    public Dictionary<int, long> Statuses { get; } = [];

    public Dictionary<string, long> Errors { get; } = [];

    public void Record(int status, long ticks)
    {
        Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        if (record)
        {
            Latencies.Add(ticks);
        }
    }

    public void Error(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;
}

/// <summary>What a load run measured, written as one JSON line.</summary>
public sealed record WebhookLoadResult(
    long Sent, long Accepted, IReadOnlyDictionary<string, long> OtherStatuses, long Errors, IReadOnlyDictionary<string, long> ErrorKinds,
    double Seconds, double AcceptedPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs, int Connections)
{
    /// <summary>Calls accepted during the warm-up, not counted above.</summary>
    public long WarmUpAccepted { get; init; }

    public static WebhookLoadResult From(IReadOnlyList<SenderTally> senders, TimeSpan elapsed, int connections)
    {
        var statuses = new Dictionary<int, long>();
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sender in senders)
        {
            foreach (var (status, count) in sender.Statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + count;
            }

            foreach (var (kind, count) in sender.Errors)
            {
                errors[kind] = errors.GetValueOrDefault(kind) + count;
            }
        }

        var latencies = senders.SelectMany(s => s.Latencies).ToArray();
        Array.Sort(latencies);
        double Percentile(double p) => latencies.Length == 0 ? 0 : Ms(latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)]);
        var accepted = statuses.GetValueOrDefault(202);
        var errorCount = errors.Values.Sum();
        return new WebhookLoadResult(
            statuses.Values.Sum() + errorCount,
            accepted,
            statuses.Where(s => s.Key != 202).ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value),
            errorCount,
            errors,
            Math.Round(elapsed.TotalSeconds, 3),
            Math.Round(accepted / elapsed.TotalSeconds, 1),
            Percentile(0.50), Percentile(0.90), Percentile(0.99), latencies.Length == 0 ? 0 : Ms(latencies[^1]),
            connections);
    }

    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

    private static double Ms(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
}
