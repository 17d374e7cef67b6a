using System.Net;
using System.Net.Http.Headers;

namespace Muxly.Connectors.Api;

/// <summary>
/// When and how long to wait before trying a request again: after a 429, a 5xx (except 501), a timeout or a network
/// error, up to <see cref="MaxRetries"/> more times, waiting <see cref="BaseDelay"/> × 2^(attempt−1), or what the
/// server's <c>Retry-After</c> asks (seconds or an HTTP date), never longer than <see cref="MaxDelay"/>.
/// </summary>
internal sealed record RetryPolicy(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>One attempt only (what <c>Test-MuxlyConnector</c> uses, so that it answers quickly).</summary>
    public static readonly RetryPolicy None = new(0, TimeSpan.Zero, TimeSpan.Zero);

    public static bool IsRetryable(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, given the failed attempt's <c>Retry-After</c> (if any).</summary>
    public TimeSpan DelayAfter(int attempt, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        TimeSpan delay;
        if (retryAfter?.Delta is { } delta)
        {
            delay = delta;
        }
        else if (retryAfter?.Date is { } date)
        {
            delay = date - now;
        }
        else
        {
            delay = TimeSpan.FromMilliseconds(BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20)));
        }

        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        return delay > MaxDelay ? MaxDelay : delay;
    }
}
