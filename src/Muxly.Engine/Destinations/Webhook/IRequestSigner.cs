using Muxly.Webhooks;

namespace Muxly.Destinations.Webhooks;

/// <summary>
/// Adds signature headers to an outgoing webhook request. The webhook destination calls it for every attempt
/// (retries included, so each carries a fresh timestamp) just before sending, with the exact bytes of the body.
/// <c>messageId</c> is the same for every attempt at one batch, so a receiver can drop a duplicate.
/// </summary>
public interface IRequestSigner
{
    void Sign(HttpRequestMessage request, string messageId, byte[] body);
}

/// <summary>
/// The <c>signing</c> part of a webhook destination's config, read for one run: the scheme and the secret with any
/// <c>${env:NAME}</c> reference expanded. The secret never appears in <see cref="ToString"/>.
/// </summary>
public sealed class WebhookSigningSettings
{
    public WebhookSigningSettings(WebhookScheme scheme, string secret)
    {
        Scheme = scheme;
        Secret = secret;
    }

    public WebhookScheme Scheme { get; }

    public string Secret { get; }

    public override string ToString() => $"WebhookSigningSettings({Scheme})";
}
