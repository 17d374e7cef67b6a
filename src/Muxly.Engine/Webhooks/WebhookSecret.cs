using System.Security.Cryptography;
using System.Text;

namespace Muxly.Webhooks;

/// <summary>
/// A shared webhook secret, optionally accepted only until a moment (a previous secret kept for a grace period while
/// senders move to a rotated one). The text never appears in <see cref="ToString"/> or in any error message.
/// </summary>
public sealed class WebhookSecret
{
    /// <summary>The prefix Standard Webhooks puts before the base64 of the key.</summary>
    public const string StandardWebhooksPrefix = "whsec_";

    /// <summary>Shorter keys are refused: an HMAC key this short can be guessed.</summary>
    public const int MinimumKeyBytes = 16;

    /// <summary>How many random bytes <see cref="Generate"/> draws.</summary>
    public const int GeneratedKeyBytes = 32;

    public const string TooShortErrorId = "MuxlyWebhookSecretTooShort";
    public const string InvalidErrorId = "MuxlyWebhookSecretInvalid";

    private readonly string _value;

    /// <param name="value">The secret as written (<c>whsec_...</c> or plain base64 for Standard Webhooks, any text for GitHub).</param>
    /// <param name="acceptedUntil">When set, the secret stops being used at this moment (end of a rotation grace period).</param>
    public WebhookSecret(string value, DateTimeOffset? acceptedUntil = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
        AcceptedUntil = acceptedUntil;
    }

    /// <summary>The end of this secret's grace period, or null for a secret with no end.</summary>
    public DateTimeOffset? AcceptedUntil { get; }

    /// <summary>True while the secret may still sign and verify.</summary>
    public bool IsAcceptedAt(DateTimeOffset now) => AcceptedUntil is not { } until || now < until;

    /// <summary>
    /// A new random secret for the scheme: <c>whsec_</c> + base64 of 32 random bytes for Standard Webhooks, 32 random
    /// bytes as 64 lower-case hex characters for GitHub (which uses the text itself as the key).
    /// </summary>
    public static string Generate(WebhookScheme scheme)
    {
        var bytes = RandomNumberGenerator.GetBytes(GeneratedKeyBytes);
        return scheme switch
        {
            WebhookScheme.StandardWebhooks => StandardWebhooksPrefix + Convert.ToBase64String(bytes),
            WebhookScheme.GitHub => Convert.ToHexString(bytes).ToLowerInvariant(),
            _ => throw UnknownScheme(scheme),
        };
    }

    /// <summary>The HMAC key this secret stands for in the scheme; throws a <see cref="MuxlyException"/> if it cannot be used.</summary>
    public byte[] ToKeyBytes(WebhookScheme scheme) => ToKeyBytes(_value, scheme);

    /// <summary>
    /// The HMAC key a secret stands for. Standard Webhooks: the base64 after an optional <c>whsec_</c> (the reference
    /// libraries accept the secret with or without the prefix). GitHub: the UTF-8 bytes of the text as written.
    /// </summary>
    /// <exception cref="MuxlyException"><c>MuxlyWebhookSecretInvalid</c> for bad base64, <c>MuxlyWebhookSecretTooShort</c> under 16 bytes.</exception>
    public static byte[] ToKeyBytes(string secret, WebhookScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = scheme switch
        {
            WebhookScheme.StandardWebhooks => DecodeStandardWebhooks(secret),
            WebhookScheme.GitHub => Encoding.UTF8.GetBytes(secret),
            _ => throw UnknownScheme(scheme),
        };

        if (key.Length < MinimumKeyBytes)
        {
            throw MuxlyException.Invalid(
                TooShortErrorId,
                $"The webhook secret is too short: its key must be at least {MinimumKeyBytes} bytes. Generate one with 32 random bytes.");
        }

        return key;
    }

    /// <summary>Throws the same errors as <see cref="ToKeyBytes(string, WebhookScheme)"/> for a secret that cannot be used.</summary>
    public static void Validate(string secret, WebhookScheme scheme) => ToKeyBytes(secret, scheme);

    /// <summary>Never the secret itself.</summary>
    public override string ToString() =>
        AcceptedUntil is { } until ? $"WebhookSecret(********, accepted until {until:O})" : "WebhookSecret(********)";

    private static byte[] DecodeStandardWebhooks(string secret)
    {
        var encoded = secret.StartsWith(StandardWebhooksPrefix, StringComparison.Ordinal)
            ? secret.AsSpan(StandardWebhooksPrefix.Length)
            : secret.AsSpan();

        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written))
        {
            throw MuxlyException.Invalid(
                InvalidErrorId,
                $"The webhook secret is not valid for Standard Webhooks: expected '{StandardWebhooksPrefix}' followed by base64.");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    private static MuxlyException UnknownScheme(WebhookScheme scheme) =>
        MuxlyException.Invalid("MuxlyWebhookSchemeUnknown", $"Unknown webhook signature scheme '{scheme}'.", scheme);
}
