using System.Globalization;
using System.Security.Cryptography;

namespace Muxly.Webhooks;

/// <summary>
/// Checks the signature of an incoming webhook request over its raw body bytes. Never throws for anything a request
/// contains: every malformed or missing part is a refusal with a loggable reason. Comparisons are constant-time.
/// </summary>
public sealed class WebhookSignatureVerifier
{
    /// <summary>How far a Standard Webhooks timestamp may be from now, either way, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    // The range DateTimeOffset can represent; a timestamp outside it cannot be a real one.
    private const long MaxUnixSeconds = 253402300799;

    private const string StandardWebhooksVersion = "v1";
    private const string GitHubPrefix = "sha256=";

    private readonly (WebhookSecret Secret, byte[] Key)[] _keys;

    /// <param name="scheme">How requests carry their signature.</param>
    /// <param name="secrets">The current secret first, then any previous ones still in their grace period.</param>
    /// <param name="tolerance">The replay window for Standard Webhooks timestamps; five minutes if null. Unused for GitHub.</param>
    public WebhookSignatureVerifier(WebhookScheme scheme, IEnumerable<WebhookSecret> secrets, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (tolerance is { } t && t < TimeSpan.Zero)
        {
            throw MuxlyException.Invalid("MuxlyWebhookToleranceInvalid", "The webhook timestamp tolerance cannot be negative.", t);
        }

        Scheme = scheme;
        Tolerance = tolerance ?? DefaultTolerance;
        _keys = secrets.Select(s => (s ?? throw new ArgumentNullException(nameof(secrets)), s.ToKeyBytes(scheme))).ToArray();
        if (_keys.Length == 0)
        {
            throw MuxlyException.Invalid("MuxlyWebhookSecretMissing", "A signed webhook trigger needs at least one secret.");
        }
    }

    public WebhookScheme Scheme { get; }

    public TimeSpan Tolerance { get; }

    /// <summary>Verifies with headers from a dictionary, looked up case-insensitively whatever its comparer.</summary>
    public WebhookVerificationResult Verify(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Verify(name => Lookup(headers, name), body, now);
    }

    /// <summary>
    /// Verifies a request. <paramref name="header"/> returns a header's value by name (case-insensitively) or null;
    /// <paramref name="body"/> is the body exactly as received.
    /// </summary>
    public WebhookVerificationResult Verify(Func<string, string?> header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(header);
        return Scheme == WebhookScheme.StandardWebhooks
            ? VerifyStandardWebhooks(header, body, now)
            : VerifyGitHub(header, body, now);
    }

    public override string ToString() => $"WebhookSignatureVerifier({Scheme}, {_keys.Length} secret(s), tolerance {Tolerance})";

    private WebhookVerificationResult VerifyStandardWebhooks(Func<string, string?> header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var messageId = header(WebhookHeaders.StandardWebhooksId)?.Trim();
        var timestampText = header(WebhookHeaders.StandardWebhooksTimestamp)?.Trim();
        var signatureHeader = header(WebhookHeaders.StandardWebhooksSignature);

        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(timestampText))
        {
            var missing = string.IsNullOrEmpty(messageId) ? WebhookHeaders.StandardWebhooksId : WebhookHeaders.StandardWebhooksTimestamp;
            return Refuse(WebhookVerificationOutcome.MissingHeaders, $"The {missing} header is missing.", messageId);
        }

        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return Refuse(WebhookVerificationOutcome.MissingSignature, $"The {WebhookHeaders.StandardWebhooksSignature} header is missing.", messageId);
        }

        // Digits only: the signed content holds the number as the sender formatted it, so forms like "+5" or "1e3" are not timestamps.
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds) || unixSeconds > MaxUnixSeconds)
        {
            return Refuse(WebhookVerificationOutcome.TimestampInvalid, $"The {WebhookHeaders.StandardWebhooksTimestamp} header is not a unix time in seconds.", messageId);
        }

        var timestamp = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        var skew = now - timestamp;
        if (skew.Duration() > Tolerance)
        {
            var direction = skew > TimeSpan.Zero ? "old" : "far in the future";
            return Refuse(
                WebhookVerificationOutcome.StaleTimestamp,
                $"The timestamp {timestamp:O} is too {direction}: more than {Tolerance} from now.",
                messageId,
                timestamp);
        }

        if (!WebhookHmac.IsValidMessageId(messageId, Scheme))
        {
            return Refuse(WebhookVerificationOutcome.InvalidSignature, "The webhook-id contains a '.', a space or a control character, which signed content cannot delimit.", null, timestamp);
        }

        var expected = ExpectedMacs(messageId, unixSeconds, body, now);
        if (expected.Count == 0)
        {
            return Refuse(WebhookVerificationOutcome.InvalidSignature, "No secret of this trigger is still accepted.", messageId, timestamp);
        }

        Span<byte> candidate = stackalloc byte[64];
        var readable = 0;
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',');
            if (comma < 0 || !entry.AsSpan(0, comma).SequenceEqual(StandardWebhooksVersion))
            {
                continue; // another version (v1a is asymmetric) or not a signature at all
            }

            if (!Convert.TryFromBase64Chars(entry.AsSpan(comma + 1), candidate, out var written) || written != WebhookHmac.MacLength)
            {
                continue;
            }

            readable++;
            var match = Match(expected, candidate[..written]);
            if (match is { } index)
            {
                return new WebhookVerificationResult(WebhookVerificationOutcome.Valid, "The signature is valid.", messageId, timestamp, index);
            }
        }

        return Refuse(
            WebhookVerificationOutcome.InvalidSignature,
            readable == 0 ? "The webhook-signature header holds no readable v1 signature." : "No v1 signature matches an accepted secret.",
            messageId,
            timestamp);
    }

    private WebhookVerificationResult VerifyGitHub(Func<string, string?> header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var messageId = header(WebhookHeaders.GitHubDelivery)?.Trim();
        if (string.IsNullOrEmpty(messageId))
        {
            messageId = null;
        }

        var signature = header(WebhookHeaders.GitHubSignature)?.Trim();
        if (string.IsNullOrEmpty(signature))
        {
            return Refuse(WebhookVerificationOutcome.MissingSignature, $"The {WebhookHeaders.GitHubSignature} header is missing.", messageId);
        }

        Span<byte> candidate = stackalloc byte[WebhookHmac.MacLength];
        if (!signature.StartsWith(GitHubPrefix, StringComparison.OrdinalIgnoreCase)
            || !WebhookHmac.TryDecodeHex(signature.AsSpan(GitHubPrefix.Length), candidate))
        {
            return Refuse(WebhookVerificationOutcome.InvalidSignature, $"The {WebhookHeaders.GitHubSignature} header is not 'sha256=' followed by 64 hex digits.", messageId);
        }

        var expected = ExpectedMacs(messageId ?? string.Empty, 0, body, now);
        if (expected.Count == 0)
        {
            return Refuse(WebhookVerificationOutcome.InvalidSignature, "No secret of this trigger is still accepted.", messageId);
        }

        return Match(expected, candidate) is { } index
            ? new WebhookVerificationResult(WebhookVerificationOutcome.Valid, "The signature is valid.", messageId, null, index)
            : Refuse(WebhookVerificationOutcome.InvalidSignature, "The signature does not match an accepted secret.", messageId);
    }

    private List<(int Index, byte[] Mac)> ExpectedMacs(string messageId, long unixSeconds, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var macs = new List<(int, byte[])>(_keys.Length);
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i].Secret.IsAcceptedAt(now))
            {
                macs.Add((i, WebhookHmac.Compute(Scheme, _keys[i].Key, messageId, unixSeconds, body)));
            }
        }

        return macs;
    }

    // Every expected MAC is compared, in constant time, so timing says nothing about which secret (if any) matched.
    private static int? Match(List<(int Index, byte[] Mac)> expected, ReadOnlySpan<byte> candidate)
    {
        int? matched = null;
        foreach (var (index, mac) in expected)
        {
            if (CryptographicOperations.FixedTimeEquals(mac, candidate) && matched is null)
            {
                matched = index;
            }
        }

        return matched;
    }

    private static WebhookVerificationResult Refuse(
        WebhookVerificationOutcome outcome, string reason, string? messageId, DateTimeOffset? timestamp = null) =>
        new(outcome, reason, messageId, timestamp, null);

    private static string? Lookup(IReadOnlyDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, candidate) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }
}
