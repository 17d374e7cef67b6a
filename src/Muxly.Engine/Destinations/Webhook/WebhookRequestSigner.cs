using Muxly.Webhooks;

namespace Muxly.Destinations.Webhooks;

/// <summary>
/// Signs what the webhook destination sends with the same <see cref="WebhookSigner"/> the listener verifies with, so
/// two Muxly installations can talk securely.
/// </summary>
public sealed class WebhookRequestSigner : IRequestSigner
{
    private readonly WebhookSigner _signer;

    public WebhookRequestSigner(WebhookSigningSettings settings)
    {
        _signer = new WebhookSigner(settings.Scheme, new WebhookSecret(settings.Secret));
    }

    public void Sign(HttpRequestMessage request, string messageId, byte[] body)
    {
        foreach (var (name, value) in _signer.CreateHeaders(messageId, DateTimeOffset.UtcNow, body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
