using System.Globalization;

namespace Muxly.Webhooks;

/// <summary>
/// Signs outgoing webhook requests (the webhook destination) in the scheme the listener verifies, with the same
/// HMAC code. Keys are decoded once, when the signer is made, so a bad secret fails before anything is sent.
/// </summary>
public sealed class WebhookSigner
{
    private readonly (WebhookSecret Secret, byte[] Key)[] _keys;

    public WebhookSigner(WebhookScheme scheme, WebhookSecret secret)
        : this(scheme, [secret])
    {
    }

    /// <summary>
    /// With Standard Webhooks several secrets give several space-separated signatures (current and previous during a
    /// rotation, so receivers on either secret accept). GitHub's header holds one signature, so it takes one secret.
    /// </summary>
    public WebhookSigner(WebhookScheme scheme, IEnumerable<WebhookSecret> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        Scheme = scheme;
        _keys = secrets.Select(s => (s ?? throw new ArgumentNullException(nameof(secrets)), s.ToKeyBytes(scheme))).ToArray();
        if (_keys.Length == 0)
        {
            throw MuxlyException.Invalid("MuxlyWebhookSecretMissing", "A webhook signer needs at least one secret.");
        }

        if (scheme == WebhookScheme.GitHub && _keys.Length > 1)
        {
            throw MuxlyException.Invalid(
                "MuxlyWebhookSecretMultiple", "The GitHub signature scheme carries a single signature: sign with one secret.");
        }
    }

    public WebhookScheme Scheme { get; }

    /// <summary>
    /// The headers to send with <paramref name="body"/> (the exact bytes that will go on the wire). Standard Webhooks:
    /// <c>webhook-id</c>, <c>webhook-timestamp</c> (unix seconds), <c>webhook-signature</c>. GitHub:
    /// <c>X-Hub-Signature-256</c> and <c>X-GitHub-Delivery</c> (the message id).
    /// </summary>
    public IReadOnlyDictionary<string, string> CreateHeaders(string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        var signature = Sign(messageId, timestamp, body);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Scheme == WebhookScheme.StandardWebhooks)
        {
            headers[WebhookHeaders.StandardWebhooksId] = messageId;
            headers[WebhookHeaders.StandardWebhooksTimestamp] = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            headers[WebhookHeaders.StandardWebhooksSignature] = signature;
        }
        else
        {
            headers[WebhookHeaders.GitHubSignature] = signature;
            headers[WebhookHeaders.GitHubDelivery] = messageId;
        }

        return headers;
    }

    /// <summary>
    /// The signature header's value alone: <c>v1,&lt;base64&gt;</c> (space-separated, one per secret still accepted at
    /// <paramref name="timestamp"/>) for Standard Webhooks, <c>sha256=&lt;hex&gt;</c> for GitHub.
    /// </summary>
    public string Sign(string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        if (!WebhookHmac.IsValidMessageId(messageId, Scheme))
        {
            throw MuxlyException.Invalid(
                "MuxlyWebhookMessageIdInvalid",
                "A webhook message id must be non-empty and contain no control characters (and, for Standard Webhooks, no '.' or space).",
                messageId);
        }

        var unixSeconds = timestamp.ToUnixTimeSeconds();
        var signatures = new List<string>(_keys.Length);
        foreach (var (secret, key) in _keys)
        {
            if (!secret.IsAcceptedAt(timestamp))
            {
                continue;
            }

            var mac = WebhookHmac.Compute(Scheme, key, messageId, unixSeconds, body);
            signatures.Add(Scheme == WebhookScheme.StandardWebhooks
                ? "v1," + Convert.ToBase64String(mac)
                : "sha256=" + WebhookHmac.ToHex(mac));
        }

        if (signatures.Count == 0)
        {
            throw MuxlyException.Invalid(
                "MuxlyWebhookSecretExpired", "Every webhook secret given to the signer is past its grace period.");
        }

        return string.Join(' ', signatures);
    }

    public override string ToString() => $"WebhookSigner({Scheme}, {_keys.Length} secret(s))";
}
