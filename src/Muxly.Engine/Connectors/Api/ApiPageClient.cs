using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Runs;

namespace Muxly.Connectors.Api;

/// <summary>A page as received: its URL, status, headers and JSON body (null for an empty body).</summary>
internal sealed record ApiResponse(string Url, HttpStatusCode Status, string StatusText, JsonNode? Body, System.Net.Http.Headers.HttpResponseHeaders Headers);

/// <summary>
/// Sends one page request of an <c>api</c> connector, with its timeout and retries, and parses the JSON answer.
/// Every failure is a <see cref="MuxlyException"/> whose message names the method, the URL (secrets masked) and what
/// happened; cancellation of the run is an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class ApiPageClient(ApiOptions options)
{
    // One client for the process: connections are pooled, and recycled now and then so DNS changes are seen.
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan, // each request has its own, see Fetch
    };

    public ApiResponse Fetch(string url, RunContext context, RetryPolicy retry)
    {
        var display = $"{options.Method} {options.Redactor.SafeUrl(options.Auth.ApplyToUrl(url))}";
        for (var attempt = 1; ; attempt++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            string? failure = null;
            System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter = null;
            Exception? cause = null;
            using (var request = options.CreateRequest(url))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation))
            {
                timeout.CancelAfter(options.Timeout);
                HttpResponseMessage? response = null;
                try
                {
                    response = Http.Send(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                }
                catch (OperationCanceledException) when (!context.Cancellation.IsCancellationRequested)
                {
                    failure = $"got no response within {Seconds(options.Timeout)}";
                }
                catch (HttpRequestException ex)
                {
                    failure = Describe(ex, request.RequestUri!);
                    cause = ex;
                }

                using (response)
                {
                    if (response is not null)
                    {
                        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
                        if (response.IsSuccessStatusCode)
                        {
                            context.Log($"{display}: {status}.");
                            return new ApiResponse(url, response.StatusCode, status, ParseBody(response, display, status), response.Headers);
                        }

                        if (!RetryPolicy.IsRetryable(response.StatusCode))
                        {
                            var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " Check the connector's auth settings." : string.Empty;
                            throw Failed("MuxlyConnectorHttpError", $"{display} failed with {status}.{hint}{Excerpt(response)}", null);
                        }

                        failure = $"failed with {status}";
                        retryAfter = response.Headers.RetryAfter;
                    }
                }
            }

            if (attempt > retry.MaxRetries)
            {
                var attempts = attempt == 1 ? string.Empty : $" (after {attempt} attempts)";
                throw Failed("MuxlyConnectorHttpError", $"{display} {failure ?? "failed"}{attempts}.", cause);
            }

            var delay = retry.DelayAfter(attempt, retryAfter, DateTimeOffset.UtcNow);
            context.Warn(options.Redactor.Redact($"{display} {failure}; trying again in {Seconds(delay)} (attempt {attempt + 1} of {retry.MaxRetries + 1})."));
            if (delay > TimeSpan.Zero && context.Cancellation.WaitHandle.WaitOne(delay))
            {
                context.Cancellation.ThrowIfCancellationRequested();
            }
        }
    }

    private JsonNode? ParseBody(HttpResponseMessage response, string display, string status)
    {
        using var stream = response.Content.ReadAsStream();
        if (stream.CanSeek && stream.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(stream);
        }
        catch (JsonException ex)
        {
            var type = response.Content.Headers.ContentType?.MediaType;
            throw Failed("MuxlyConnectorResponseInvalid",
                $"{display} answered {status}, but the response is not JSON{(type is null ? string.Empty : $" (Content-Type {type})")}: {Files.JsonErrors.Describe(ex)}.{Excerpt(response)}", null);
        }
    }

    /// <summary>The beginning of a response body, which often says what was wrong; secrets masked.</summary>
    private string Excerpt(HttpResponseMessage response)
    {
        try
        {
            using var stream = response.Content.ReadAsStream();
            if (stream.CanSeek)
            {
                stream.Position = 0;
            }

            var buffer = new byte[300];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var text = string.Join(' ', Encoding.UTF8.GetString(buffer, 0, read).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (text.Length == 0)
            {
                return string.Empty;
            }

            return $" The response begins: {(text.Length > 200 ? text[..200] + "..." : text)}";
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private static string Describe(HttpRequestException ex, Uri uri)
    {
        var socket = ex.InnerException as SocketException ?? ex.InnerException?.InnerException as SocketException;
        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"could not find the host '{uri.Host}' (DNS)",
            HttpRequestError.ConnectionError when socket?.SocketErrorCode == SocketError.ConnectionRefused =>
                $"could not connect: {uri.Host}:{uri.Port} refused the connection",
            HttpRequestError.ConnectionError => $"could not connect to {uri.Host}:{uri.Port}: {ex.Message}",
            HttpRequestError.SecureConnectionError => $"could not establish a secure (TLS) connection to {uri.Host}: {ex.InnerException?.Message ?? ex.Message}",
            _ => $"failed: {ex.Message}",
        };
    }

    private MuxlyException Failed(string errorId, string message, Exception? inner) =>
        new(MuxlyErrorKind.OperationFailed, errorId, options.Redactor.Redact(message), options.Redactor.SafeUrl(options.Url), inner);

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
