namespace Muxly.Webhooks;

/// <summary>Why a webhook request was accepted or refused. Everything but <see cref="Valid"/> is a 401.</summary>
public enum WebhookVerificationOutcome
{
    Valid,

    /// <summary>A header the scheme signs over (Standard Webhooks' id or timestamp) is absent or empty.</summary>
    MissingHeaders,

    /// <summary>No signature header, or an empty one.</summary>
    MissingSignature,

    /// <summary>Signatures were present but none matched any accepted secret, or none could be read.</summary>
    InvalidSignature,

    /// <summary>The timestamp header is not a whole number of unix seconds.</summary>
    TimestampInvalid,

    /// <summary>The timestamp is further from now than the tolerance, in the past or the future.</summary>
    StaleTimestamp,
}

/// <summary>
/// The verdict on one request. <see cref="Reason"/> is safe to log: it never holds a secret, a signature or the body.
/// </summary>
public sealed class WebhookVerificationResult
{
    internal WebhookVerificationResult(
        WebhookVerificationOutcome outcome, string reason, string? messageId, DateTimeOffset? timestamp, int? matchedSecretIndex)
    {
        Outcome = outcome;
        Reason = reason;
        MessageId = messageId;
        Timestamp = timestamp;
        MatchedSecretIndex = matchedSecretIndex;
    }

    public WebhookVerificationOutcome Outcome { get; }

    public bool IsValid => Outcome == WebhookVerificationOutcome.Valid;

    /// <summary>
    /// <c>webhook-id</c> or <c>X-GitHub-Delivery</c> when the request had one. The Standard Webhooks id is covered by
    /// the signature; GitHub's delivery id is not, so it only tells honest redeliveries apart.
    /// </summary>
    public string? MessageId { get; }

    /// <summary>The signed timestamp (Standard Webhooks only).</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>Which of the verifier's secrets matched (0 = the first), so a log can show a sender still on an old secret.</summary>
    public int? MatchedSecretIndex { get; }

    public string Reason { get; }

    public override string ToString() => $"{Outcome}: {Reason}";
}
