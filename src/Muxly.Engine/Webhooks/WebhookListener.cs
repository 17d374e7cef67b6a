using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Json;
using Muxly.Storage;

namespace Muxly.Webhooks;

/// <summary>How a <see cref="WebhookListener"/> is set up. Null values come from the <c>webhook.*</c> settings at <see cref="WebhookListener.Start"/>.</summary>
public sealed class WebhookListenerOptions
{
    /// <summary><c>http://host:port/</c>; null: <c>webhook.listener_prefix</c> (default <c>http://127.0.0.1:8787/</c>).</summary>
    public string? Prefix { get; init; }

    /// <summary>Allow a prefix whose host is not loopback. Off by default: the listener is reachable from this machine only.</summary>
    public bool AllowRemote { get; init; }

    /// <summary>The largest body accepted; null: <c>webhook.max_body_bytes</c> (1 MiB).</summary>
    public int? MaxBodyBytes { get; init; }

    /// <summary>Accepted calls per trigger per minute; null: <c>webhook.rate_limit_per_minute</c>.</summary>
    public int? RateLimitPerMinute { get; init; }

    /// <summary>How far a signed timestamp may be from now; null: <c>webhook.timestamp_tolerance_seconds</c> (5 minutes).</summary>
    public TimeSpan? TimestampTolerance { get; init; }

    /// <summary>Where each request's one-line log goes (never the secret, a signature or the body).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The scheduler instance the executions belong to; null: each run registers a runner instance.</summary>
    public string? InstanceId { get; init; }

    /// <summary>How long <see cref="WebhookListener.Stop"/> waits for requests in flight and for dispatched runs.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock signatures, timestamps, grace periods and rate windows are read against (tests move it).</summary>
    public Func<DateTimeOffset>? Clock { get; init; }

    /// <summary>Counts the requests being handled; give the same gauge to the dispatcher so that its runs give way to them. Null: the listener's own.</summary>
    public WebhookRequestGauge? Requests { get; init; }
}

/// <summary>
/// The HTTP endpoint for webhook triggers. A <c>POST</c> to a trigger's path is checked, in this order, and refused at
/// the first check that fails, before anything runs:
/// <list type="number">
/// <item><description>405: the method is not POST (whatever the path, so a GET says nothing about which paths exist);</description></item>
/// <item><description>404: no trigger has the path (one indexed look-up either way, so an unknown path answers as fast as any);</description></item>
/// <item><description>503: the trigger or its job is disabled;</description></item>
/// <item><description>413: Content-Length over the cap, before the body is read;</description></item>
/// <item><description>415: the content type is not JSON (<c>application/json</c> or <c>application/*+json</c>);</description></item>
/// <item><description>413: the body, read up to the cap, is longer than it said (or had no length);</description></item>
/// <item><description>401: a bad or missing signature, or a timestamp outside the tolerance, verified over the raw bytes
/// (unless the trigger was registered unsigned);</description></item>
/// <item><description>429: the trigger's calls this minute are used up (only verified calls count, so forged ones cannot exhaust a sender's budget);</description></item>
/// <item><description>400: the body is not JSON;</description></item>
/// <item><description>409: the message id was accepted before, here or in any process on the database (recorded in the
/// same transaction as the queued execution);</description></item>
/// </list>
/// then 202 with <c>{"executionId": "..."}</c>, the execution already recorded as queued, and the run handed to the
/// dispatcher without waiting.
/// </summary>
public sealed class WebhookListener : IDisposable
{
    public const string UnavailableErrorId = "MuxlyWebhookListenerUnavailable";
    public const string PrefixInvalidErrorId = "MuxlyWebhookListenerPrefixInvalid";
    public const string RemoteRefusedErrorId = "MuxlyWebhookListenerRemoteRefused";

    /// <summary>Message ids are kept this much longer than twice the tolerance, for clocks that differ between processes.</summary>
    public static readonly TimeSpan DeliveryRetentionMargin = TimeSpan.FromMinutes(5);

    private readonly MuxlyStore _store;
    private readonly WebhookListenerOptions _options;
    private readonly IWebhookDispatcher _dispatcher;
    private readonly Action<string> _log;
    private readonly Func<DateTimeOffset> _clock;
    private readonly WebhookRequestGauge _requests;
    private readonly object _gate = new();
    private readonly HashSet<Task> _inFlight = [];
    private HttpListener? _listener;
    private Task[] _acceptLoops = [];
    private WebhookTriggerCache? _triggers;
    private WebhookAcceptBatcher? _batcher;
    private volatile bool _stopping;
    private bool _stopped;
    private WebhookRateLimiter? _rateLimiter;

    public WebhookListener(MuxlyStore store, WebhookListenerOptions? options = null, IWebhookDispatcher? dispatcher = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new WebhookListenerOptions();
        _log = _options.Log ?? (_ => { });
        _clock = _options.Clock ?? (() => DateTimeOffset.UtcNow);
        _requests = _options.Requests ?? new WebhookRequestGauge();
        _dispatcher = dispatcher ?? new JobRunnerWebhookDispatcher(store, instanceId: _options.InstanceId, log: _log, yieldTo: _requests);
    }

    /// <summary>The prefix bound, once started.</summary>
    public string? Prefix { get; private set; }

    public bool IsRunning => _listener?.IsListening == true && !_stopping;

    public int MaxBodyBytes { get; private set; }

    public int RateLimitPerMinute { get; private set; }

    public TimeSpan TimestampTolerance { get; private set; }

    /// <summary>
    /// Checks a listener prefix: <c>http://host:port/</c> exactly (an explicit port, no path, no https: put TLS in
    /// front with a reverse proxy), and a loopback host unless <paramref name="allowRemote"/>. Returns it normalised.
    /// </summary>
    public static string ValidatePrefix(string? prefix, bool allowRemote)
    {
        const string form = "A webhook listener prefix is 'http://host:port/', such as 'http://127.0.0.1:8787/'.";
        var text = prefix?.Trim() ?? string.Empty;
        if (!text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || !text.EndsWith('/'))
        {
            throw MuxlyException.Invalid(PrefixInvalidErrorId, $"'{prefix}' is not a listener prefix. {form}", prefix);
        }

        var authority = text["http://".Length..^1];
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || authority.Contains('/') || authority.Contains('@') || authority.Contains('?') || authority.Contains('#')
            || !int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw MuxlyException.Invalid(PrefixInvalidErrorId, $"'{prefix}' is not a listener prefix: it needs a host and a port from 1 to 65535 and no path. {form}", prefix);
        }

        var host = authority[..colon];
        var isLoopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
        if (!isLoopback && !allowRemote)
        {
            throw MuxlyException.Invalid(RemoteRefusedErrorId,
                $"The listener prefix '{prefix}' binds to '{host}', which is not loopback: webhooks would be reachable from other machines. " +
                "Use 127.0.0.1, or allow remote binding explicitly (-AllowRemote) and put the listener behind a firewall or proxy.", prefix);
        }

        return "http://" + host.ToLowerInvariant() + ":" + port.ToString(CultureInfo.InvariantCulture) + "/";
    }

    /// <summary>Binds the prefix and starts answering. Throws <c>MuxlyWebhookListenerUnavailable</c> when the port cannot be had.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyWebhookListenerStarted", "The webhook listener is already started.");
            }

            // Stopping also stopped the dispatcher for good: a host that wants to listen again makes a new listener.
            if (_stopped)
            {
                throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyWebhookListenerStopped", "This webhook listener was stopped; create a new one to listen again.");
            }

            var prefix = ValidatePrefix(_options.Prefix ?? _store.Settings.GetValue<string>("webhook.listener_prefix"), _options.AllowRemote);
            MaxBodyBytes = _options.MaxBodyBytes ?? _store.Settings.GetValue<int>("webhook.max_body_bytes");
            RateLimitPerMinute = _options.RateLimitPerMinute ?? _store.Settings.GetValue<int>("webhook.rate_limit_per_minute");
            TimestampTolerance = _options.TimestampTolerance ?? TimeSpan.FromSeconds(_store.Settings.GetValue<int>("webhook.timestamp_tolerance_seconds"));
            _rateLimiter = new WebhookRateLimiter(RateLimitPerMinute, TimeSpan.FromMinutes(1));

            var listener = new HttpListener { IgnoreWriteExceptions = true };
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
            }
            catch (Exception ex) when (ex is HttpListenerException or SocketException or InvalidOperationException)
            {
                listener.Close();
                throw new MuxlyException(MuxlyErrorKind.OperationFailed, UnavailableErrorId,
                    $"The webhook listener cannot listen on {prefix}: {ex.Message}. Another program may be using the port; " +
                    "stop it, or choose another port with Set-MuxlySetting webhook.listener_prefix.", prefix, ex);
            }

            _listener = listener;
            Prefix = prefix;
            _stopping = false;
            _triggers = new WebhookTriggerCache(_store.Database);
            _batcher = new WebhookAcceptBatcher(_store.WebhookTriggers, _options.InstanceId, () => _clock() - (2 * TimestampTolerance) - DeliveryRetentionMargin);
            _batcher.Start();
            // Several requests waiting for their headers at once: one accept loop alone caps the rate at one handoff at a time.
            _acceptLoops = Enumerable.Range(0, AcceptLoops).Select(_ => Task.Run(AcceptLoop)).ToArray();
            _log($"webhook listener: listening on {prefix} (max body {MaxBodyBytes} bytes, {RateLimitPerMinute} calls per trigger per minute, timestamp tolerance {TimestampTolerance.TotalSeconds:0} s)");
        }
    }

    /// <summary>
    /// Stops gracefully: new requests are answered 503, requests in flight finish, dispatched runs get the shutdown
    /// grace period (then are cancelled), and the port is released. Safe to call twice.
    /// </summary>
    public void Stop()
    {
        HttpListener? listener;
        lock (_gate)
        {
            listener = _listener;
            if (listener is null)
            {
                return;
            }

            _stopping = true;
        }

        Task[] inFlight;
        lock (_inFlight)
        {
            inFlight = _inFlight.ToArray();
        }

        Task.WaitAll(inFlight, _options.ShutdownGrace);
        try
        {
            listener.Stop();
            listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            Task.WaitAll(_acceptLoops, TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _batcher?.Dispose();
        _triggers?.Dispose();
        _dispatcher.Stop(_options.ShutdownGrace);
        lock (_gate)
        {
            _listener = null;
            _acceptLoops = [];
            _stopped = true;
        }

        _log($"webhook listener: stopped listening on {Prefix}");
    }

    public void Dispose() => Stop();

    /// <summary>How many requests may wait for their headers at once.</summary>
    private static int AcceptLoops => 4 * Environment.ProcessorCount;

    private async Task AcceptLoop()
    {
        var listener = _listener!;
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            var task = Handle(context);
            lock (_inFlight)
            {
                _inFlight.Add(task);
            }

            _ = task.ContinueWith(
                t =>
                {
                    lock (_inFlight)
                    {
                        _inFlight.Remove(t);
                    }
                },
                TaskScheduler.Default);
        }
    }

    private sealed class RequestLog
    {
        public string Method = "?";
        public string Path = "?";
        public string? TriggerId;
        public string? MessageId;
        public string? ExecutionId;
        public string Reason = string.Empty;
    }

    private async Task Handle(HttpListenerContext context)
    {
        _requests.Enter();
        try
        {
            await HandleCounted(context).ConfigureAwait(false);
        }
        finally
        {
            _requests.Leave();
        }
    }

    private async Task HandleCounted(HttpListenerContext context)
    {
        var clock = Stopwatch.StartNew();
        var entry = new RequestLog();
        string remote;
        try
        {
            remote = context.Request.RemoteEndPoint?.Address.ToString() ?? "?";
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            remote = "?";
        }

        int status;
        try
        {
            status = await Process(context, entry).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Never the exception's data: it might hold part of a request.
            entry.Reason = $"internal error ({ex.GetType().Name})";
            status = Respond(context.Response, 500, "The webhook could not be processed.");
        }

        var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"webhook {entry.Method} {entry.Path} from {remote} -> {status}");
        if (entry.Reason.Length > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $" ({entry.Reason})");
        }

        if (entry.TriggerId is not null)
        {
            line.Append(CultureInfo.InvariantCulture, $"; trigger {entry.TriggerId}");
        }

        if (entry.MessageId is not null)
        {
            line.Append(CultureInfo.InvariantCulture, $"; message {entry.MessageId}");
        }

        if (entry.ExecutionId is not null)
        {
            line.Append(CultureInfo.InvariantCulture, $"; execution {entry.ExecutionId}");
        }

        line.Append(CultureInfo.InvariantCulture, $"; {clock.ElapsedMilliseconds} ms");
        _log(line.ToString());
    }

    private async Task<int> Process(HttpListenerContext context, RequestLog entry)
    {
        var request = context.Request;
        var response = context.Response;
        entry.Method = Printable(request.HttpMethod, 16);
        // The path alone: a query string could carry a token, and is never part of a trigger's path.
        var rawPath = request.Url?.AbsolutePath ?? "/";
        entry.Path = Printable(rawPath, 200);

        if (_stopping)
        {
            entry.Reason = "listener stopping";
            return Respond(response, 503, "The webhook listener is shutting down. Retry later.", retryAfterSeconds: 5);
        }

        if (!string.Equals(request.HttpMethod, "POST", StringComparison.Ordinal))
        {
            entry.Reason = "method not allowed";
            response.AddHeader("Allow", "POST");
            return Respond(response, 405, "Webhook endpoints accept POST only.");
        }

        // Unknown and malformed paths take the same single look-up, so timing does not tell them apart.
        var path = WebhookTriggerStore.TryNormalizePath(rawPath, out var normalized, out _) ? normalized : string.Empty;
        var found = _triggers!.Find(path);
        if (found is null)
        {
            entry.Reason = "no trigger at this path";
            return Respond(response, 404, "Not found.");
        }

        var trigger = found.Trigger;
        entry.TriggerId = trigger.Id;
        if (!trigger.Enabled || !trigger.JobEnabled)
        {
            entry.Reason = trigger.Enabled ? "job disabled" : "trigger disabled";
            return Respond(response, 503, "This webhook is disabled.");
        }

        if (request.ContentLength64 > MaxBodyBytes)
        {
            entry.Reason = $"Content-Length {request.ContentLength64} over {MaxBodyBytes}";
            return Respond(response, 413, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        if (!IsJson(request.ContentType))
        {
            entry.Reason = "content type is not JSON";
            return Respond(response, 415, "The body must be JSON (Content-Type: application/json).");
        }

        var body = await ReadCapped(request.InputStream, MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            entry.Reason = $"body over {MaxBodyBytes} bytes";
            return Respond(response, 413, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        var now = _clock();
        string? messageId;
        if (trigger.AllowUnsigned)
        {
            messageId = Header(request, WebhookHeaders.StandardWebhooksId) ?? Header(request, WebhookHeaders.GitHubDelivery);
        }
        else
        {
            var secrets = found.Secrets;
            if (secrets.Count == 0)
            {
                entry.Reason = "the trigger has no secret";
                return Respond(response, 401, "The request's signature could not be verified.");
            }

            var verifier = new WebhookSignatureVerifier(trigger.Scheme, secrets, TimestampTolerance);
            var verdict = verifier.Verify(name => Header(request, name), body, now);
            entry.MessageId = verdict.MessageId is { } id ? Printable(id, 100) : null;
            if (!verdict.IsValid)
            {
                entry.Reason = $"{verdict.Outcome}: {verdict.Reason}";
                return Respond(response, 401, "The request's signature could not be verified: " + verdict.Reason);
            }

            messageId = verdict.MessageId;
        }

        entry.MessageId = messageId is null ? null : Printable(messageId, 100);
        if (!_rateLimiter!.TryAcquire(trigger.Id, now, out var retryAfter))
        {
            entry.Reason = $"over {RateLimitPerMinute} calls per minute";
            return Respond(response, 429, "Too many requests for this webhook.", retryAfterSeconds: (int)Math.Ceiling(retryAfter.TotalSeconds));
        }

        JsonNode? payload;
        try
        {
            payload = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            payload = null;
        }

        if (payload is null)
        {
            entry.Reason = "body is not JSON";
            return Respond(response, 400, "The body is not a JSON value.");
        }

        if (messageId is not null && messageId.Length > 256)
        {
            entry.Reason = "message id longer than 256 characters";
            return Respond(response, 400, "The message id is too long.");
        }

        // Committed with the other calls pending now, in one transaction; the row exists before the 202 is written.
        var acceptance = await _batcher!.Submit(new WebhookAcceptRequest(trigger, messageId, payload.ToJson())).ConfigureAwait(false);
        if (acceptance.Replayed)
        {
            entry.Reason = "message id already accepted";
            return Respond(response, 409, "This message was already received.");
        }

        entry.ExecutionId = acceptance.ExecutionId;
        _dispatcher.Dispatch(new WebhookDispatch(trigger, acceptance.ExecutionId!, payload, messageId));
        var accepted = new JsonObject { ["executionId"] = acceptance.ExecutionId };
        return Respond(response, 202, accepted);
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The body, or null when it is longer than <paramref name="cap"/> (reading stops there).</summary>
    private static async Task<byte[]?> ReadCapped(Stream stream, int cap)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk.AsMemory(0, chunk.Length)).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > cap)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static string? Header(HttpListenerRequest request, string name)
    {
        var value = request.Headers[name];
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static int Respond(HttpListenerResponse response, int status, string message, int? retryAfterSeconds = null) =>
        Respond(response, status, new JsonObject { ["status"] = status, ["error"] = message }, retryAfterSeconds);

    private static int Respond(HttpListenerResponse response, int status, JsonObject body, int? retryAfterSeconds = null)
    {
        try
        {
            var bytes = Encoding.UTF8.GetBytes(body.ToJson());
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            if (retryAfterSeconds is { } seconds)
            {
                response.AddHeader("Retry-After", Math.Max(1, seconds).ToString(CultureInfo.InvariantCulture));
            }

            response.ContentLength64 = bytes.Length;
            response.OutputStream.Write(bytes, 0, bytes.Length);
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The caller went away; the outcome is logged all the same.
        }

        return status;
    }

    /// <summary>Text from a request made safe for one log line.</summary>
    private static string Printable(string text, int max)
    {
        // Every request logs its method, path and message id: text that is already clean is returned as it is.
        // char.IsControl is exactly these two ranges.
        var clean = text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || text.AsSpan().ContainsAnyInRange('\u007f', '\u009f')
            ? string.Create(text.Length, text, (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    span[i] = char.IsControl(source[i]) ? '?' : source[i];
                }
            })
            : text;
        return clean.Length <= max ? clean : clean[..max] + "…";
    }
}

/// <summary>
/// A fixed window per trigger: at most <c>limit</c> calls in each window, counted from the window's first call. Held
/// in memory by one listener: a limit of load, not of security (signatures and replay ids are that).
/// </summary>
internal sealed class WebhookRateLimiter
{
    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly Dictionary<string, (DateTimeOffset Start, int Count)> _windows = new(StringComparer.Ordinal);

    public WebhookRateLimiter(int limit, TimeSpan window)
    {
        _limit = limit;
        _window = window;
    }

    public bool TryAcquire(string key, DateTimeOffset now, out TimeSpan retryAfter)
    {
        lock (_windows)
        {
            if (!_windows.TryGetValue(key, out var current) || now - current.Start >= _window || now < current.Start)
            {
                current = (now, 0);
            }

            if (current.Count >= _limit)
            {
                retryAfter = current.Start + _window - now;
                _windows[key] = current;
                return false;
            }

            _windows[key] = (current.Start, current.Count + 1);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }
}
