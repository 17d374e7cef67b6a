using Muxly.Webhooks;

namespace Muxly;

/// <summary>
/// A webhook trigger (table <c>webhook_triggers</c>, with <c>webhook_trigger_options</c>): a <c>POST</c> to
/// <see cref="Path"/> on the scheduler's listener starts <see cref="Job"/> with the request's JSON body as its payload.
/// The secret itself is never part of this object, except in <see cref="Secret"/> on the one object returned when a
/// secret was generated (at registration or rotation): that is the only time it is shown.
/// </summary>
public sealed class WebhookTrigger
{
    public required string Id { get; init; }

    /// <summary>The job's name.</summary>
    public required string Job { get; init; }

    public required string JobId { get; init; }

    /// <summary>The normalised absolute URL path the trigger answers on, such as <c>/hooks/deploy</c>.</summary>
    public required string Path { get; init; }

    public WebhookScheme Scheme { get; init; }

    public bool Enabled { get; init; }

    /// <summary>True when requests are accepted without a signature: asked for explicitly, and then no secret is kept.</summary>
    public bool AllowUnsigned { get; init; }

    /// <summary>True when a secret is stored (it is never shown after it was generated).</summary>
    public bool HasSecret { get; init; }

    /// <summary>While a rotation's grace period lasts: when the previous secret stops being accepted.</summary>
    public DateTimeOffset? PreviousSecretAcceptedUntil { get; init; }

    /// <summary>
    /// The secret Muxly generated, on the object returned by the registration or rotation that generated it; null on
    /// every other object. Give it to the sender now: it is not shown again.
    /// </summary>
    public string? Secret { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether the job is enabled (a disabled job's trigger answers 503).</summary>
    public bool JobEnabled { get; init; }

    public override string ToString() => Path;
}
