using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Runs;

namespace Muxly.Destinations.Webhooks;

/// <summary>
/// Sends one run's records in batches. A batch goes out when it is full and the last, partial one in
/// <see cref="Complete"/>. Network errors, timeouts, 429 and 5xx are retried with exponential backoff (or after the
/// server's Retry-After); other statuses fail at once. A batch that still fails is a <see cref="DeliveryException"/>
/// carrying exactly that batch's records; batches sent before it stay sent and later ones are still attempted.
/// </summary>
internal sealed class WebhookDestinationWriter : IDestinationWriter
{
    /// <summary>A server asking for a longer wait than this fails the batch instead of holding the run.</summary>
    internal static readonly TimeSpan LongestRetryAfter = TimeSpan.FromMinutes(5);

    private readonly WebhookDestinationOptions _options;
    private readonly RunContext _context;
    private readonly Uri _url;
    private readonly string _displayUrl;
    private readonly List<KeyValuePair<string, string>> _headers;
    private readonly MediaTypeHeaderValue _contentType;
    private readonly bool _jsonBody;
    private readonly IRequestSigner? _signer;
    private readonly HttpClient _client;
    private readonly List<JsonObject> _batch;
    private int _delivered;
    private bool _completed;
    private bool _disposed;

    internal WebhookDestinationWriter(WebhookDestinationOptions options, RunContext context, IRequestSigner? signer)
    {
        _options = options;
        _context = context;
        _url = options.ResolveUrl(context);
        _displayUrl = WebhookDestinationOptions.Display(_url);
        _headers = options.Headers.Select(h => KeyValuePair.Create(h.Key, Router.Records.DynamicValues.Expand(h.Value, context))).ToList();
        _contentType = MediaTypeHeaderValue.Parse(options.ContentType);
        _jsonBody = WebhookBodyTemplate.IsJsonMediaType(options.ContentType);
        _signer = signer;
        _batch = new List<JsonObject>(options.BatchSize);

        // Redirects are not followed: on a 301/302 a POST would silently become a GET and the records would be lost.
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = Timeout.InfiniteTimeSpan, // per attempt, with the run's cancellation; see Send
        };
    }

    public void Write(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The webhook destination was already completed.");
        }

        _batch.Add(record);
        if (_batch.Count >= _options.BatchSize)
        {
            SendBatch();
        }
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_batch.Count > 0)
        {
            SendBatch();
        }

        _context.Log($"Delivered {_delivered} record(s) to {_displayUrl}.");
    }

    /// <summary>Releases the connection. Records still waiting for a full batch are not sent: only Complete sends them.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _batch.Clear();
        _client.Dispose();
    }

    private void SendBatch()
    {
        var records = _batch.ToArray();
        _batch.Clear();
        byte[] body;
        try
        {
            body = Render(records);
        }
        catch (Exception ex) when (IsUnwritable(ex))
        {
            SendWritable(records, ex);
            return;
        }

        Send(records, body);
    }

    /// <summary>
    /// A batch with a record whose text cannot be read (half a surrogate pair, from an escape such as <c>"\ud800"</c> in
    /// the input): those records fail alone, and the others are sent as one batch.
    /// </summary>
    private void SendWritable(JsonObject[] records, Exception cause)
    {
        var unwritable = records.Where(record => !CanRender(record)).ToArray();
        var writable = records.Except(unwritable).ToArray();
        var message = $"The record cannot be sent: {cause.Message}";
        if (writable.Length > 0)
        {
            try
            {
                Send(writable, Render(writable));
            }
            catch (DeliveryException failed)
            {
                throw new DeliveryException($"{failed.Message} {message}", [.. failed.FailedRecords, .. unwritable], failed.InnerException);
            }
        }

        throw new DeliveryException(message, unwritable, cause);
    }

    private bool CanRender(JsonObject record)
    {
        try
        {
            Render([record]);
            return true;
        }
        catch (Exception ex) when (IsUnwritable(ex))
        {
            return false;
        }
    }

    // What System.Text.Json throws for such text (read from an escape, or given to its writer).
    private static bool IsUnwritable(Exception ex) => ex is InvalidOperationException or ArgumentException;

    private void Send(JsonObject[] records, byte[] body)
    {
        var messageId = "msg_" + Guid.NewGuid().ToString("N");
        var failure = Deliver(body, messageId, records.Length);
        if (failure is not null)
        {
            throw new DeliveryException(failure.Value.Message, records, failure.Value.Inner);
        }

        _delivered += records.Length;
    }

    private byte[] Render(JsonObject[] records)
    {
        if (_options.BodyTemplate is { } template)
        {
            return Encoding.UTF8.GetBytes(template.Render(records[0], _jsonBody));
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (_options.BatchSize == 1)
            {
                records[0].WriteTo(writer);
            }
            else
            {
                writer.WriteStartArray();
                foreach (var record in records)
                {
                    record.WriteTo(writer);
                }

                writer.WriteEndArray();
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Sends one body with retries; null when delivered, else why not.</summary>
    private (string Message, Exception? Inner)? Deliver(byte[] body, string messageId, int recordCount)
    {
        var attempts = _options.MaxRetries + 1;
        for (var attempt = 1; ; attempt++)
        {
            _context.Cancellation.ThrowIfCancellationRequested();
            var outcome = Attempt(body, messageId);
            if (outcome.Delivered)
            {
                return null;
            }

            var what = $"The webhook {_displayUrl} did not take a batch of {recordCount} record(s)";
            if (!outcome.Retryable)
            {
                return ($"{what}: {outcome.Reason} (not retried).", outcome.Inner);
            }

            if (attempt >= attempts)
            {
                return ($"{what} after {attempts} attempt(s): {outcome.Reason}.", outcome.Inner);
            }

            if (outcome.RetryAfter > LongestRetryAfter)
            {
                return ($"{what}: {outcome.Reason}, and it asked to wait {outcome.RetryAfter.Value.TotalSeconds:0} s, longer than the {LongestRetryAfter.TotalSeconds:0} s a run waits.", outcome.Inner);
            }

            var delay = outcome.RetryAfter ?? Backoff(attempt);
            _context.Log($"Attempt {attempt} of {attempts} to {_displayUrl} failed ({outcome.Reason}); retrying in {delay.TotalMilliseconds:0} ms.");
            if (_context.Cancellation.WaitHandle.WaitOne(delay))
            {
                _context.Cancellation.ThrowIfCancellationRequested();
            }
        }
    }

    private AttemptOutcome Attempt(byte[] body, string messageId)
    {
        using var request = new HttpRequestMessage(_options.Method, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = _contentType;
        foreach (var (name, value) in _headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value); // a content header such as Content-Encoding
            }
        }

        _signer?.Sign(request, messageId, body);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_context.Cancellation);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = _client.Send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return AttemptOutcome.Success;
            }

            var reason = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
            var retryable = status == (int)HttpStatusCode.TooManyRequests || status >= 500;
            return new AttemptOutcome(false, retryable, reason, retryable ? RetryAfter(response) : null, null);
        }
        catch (OperationCanceledException) when (_context.Cancellation.IsCancellationRequested)
        {
            throw; // the run was cancelled: not a delivery failure
        }
        catch (OperationCanceledException ex)
        {
            return new AttemptOutcome(false, true, $"no response within {_options.Timeout.TotalSeconds:0.###} s", null, ex);
        }
        catch (HttpRequestException ex)
        {
            return new AttemptOutcome(false, true, ex.Message.TrimEnd('.'), null, ex);
        }
    }

    /// <summary>Exponential: the base delay, doubled each attempt, plus up to a quarter more so that senders spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        delay += delay * 0.25 * Random.Shared.NextDouble();
        return TimeSpan.FromMilliseconds(Math.Min(delay, TimeSpan.FromMinutes(5).TotalMilliseconds));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private readonly record struct AttemptOutcome(bool Delivered, bool Retryable, string Reason, TimeSpan? RetryAfter, Exception? Inner)
    {
        public static AttemptOutcome Success { get; } = new(true, false, "", null, null);
    }
}
