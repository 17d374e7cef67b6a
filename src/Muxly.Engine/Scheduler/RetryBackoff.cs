namespace Muxly.Scheduler;

/// <summary>
/// The wait before a job's next attempt. With base delay <c>b</c> and retry number <c>n</c> (1 for the first retry):
/// <c>exponential</c> waits <c>b·2^(n-1)</c>, <c>linear</c> <c>b·n</c>, <c>fixed</c> <c>b</c>, <c>none</c> nothing; never
/// more than the maximum. Jitter spreads each wait by up to ±<see cref="DefaultJitter"/> (still capped), so that jobs
/// failing together do not retry in lockstep.
/// </summary>
public static class RetryBackoff
{
    public const double DefaultJitter = 0.2;

    /// <summary>The delay before retry <paramref name="retryNumber"/> without jitter.</summary>
    public static TimeSpan Delay(string strategy, int retryNumber, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (retryNumber < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(retryNumber), retryNumber, "Retries are numbered from 1.");
        }

        var seconds = strategy switch
        {
            "exponential" => baseDelay.TotalSeconds * Math.Pow(2, retryNumber - 1),
            "linear" => baseDelay.TotalSeconds * retryNumber,
            "fixed" => baseDelay.TotalSeconds,
            "none" => 0,
            _ => throw MuxlyException.Invalid("MuxlyJobBackoffStrategyInvalid", $"'{strategy}' is not a backoff strategy. Use exponential, linear, fixed or none.", strategy),
        };
        return TimeSpan.FromSeconds(Math.Min(seconds, maxDelay.TotalSeconds));
    }

    /// <summary>The delay with jitter: <see cref="Delay"/> times a random factor in [1 − jitter, 1 + jitter], capped at the maximum.</summary>
    public static TimeSpan DelayWithJitter(string strategy, int retryNumber, TimeSpan baseDelay, TimeSpan maxDelay, double jitter = DefaultJitter, Random? random = null)
    {
        var delay = Delay(strategy, retryNumber, baseDelay, maxDelay);
        var factor = 1 + (jitter * ((2 * (random ?? Random.Shared).NextDouble()) - 1));
        return TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * factor, maxDelay.TotalSeconds));
    }
}
