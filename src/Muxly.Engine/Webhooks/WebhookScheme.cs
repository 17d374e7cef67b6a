namespace Muxly.Webhooks;

/// <summary>How a webhook request carries its HMAC-SHA256 signature.</summary>
public enum WebhookScheme
{
    /// <summary>
    /// Standard Webhooks (standardwebhooks.com): <c>webhook-id</c>, <c>webhook-timestamp</c> and
    /// <c>webhook-signature: v1,&lt;base64&gt;</c> over <c>{id}.{timestamp}.{body}</c>, secrets written <c>whsec_&lt;base64&gt;</c>.
    /// </summary>
    StandardWebhooks,

    /// <summary>
    /// GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c> over the body alone, <c>X-GitHub-Delivery</c> as the message id.
    /// The secret is used as UTF-8 text. There is no timestamp, so no replay window.
    /// </summary>
    GitHub,
}
