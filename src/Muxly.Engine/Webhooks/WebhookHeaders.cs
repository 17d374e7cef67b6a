namespace Muxly.Webhooks;

/// <summary>The header names each scheme uses. Lookups are case-insensitive, as HTTP header names are.</summary>
public static class WebhookHeaders
{
    public const string StandardWebhooksId = "webhook-id";
    public const string StandardWebhooksTimestamp = "webhook-timestamp";
    public const string StandardWebhooksSignature = "webhook-signature";
    public const string GitHubSignature = "X-Hub-Signature-256";
    public const string GitHubDelivery = "X-GitHub-Delivery";
}
