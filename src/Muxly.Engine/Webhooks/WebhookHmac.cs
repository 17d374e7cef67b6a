using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Muxly.Webhooks;

/// <summary>
/// The one place a webhook MAC is computed, so that what the destination signs and what the listener checks
/// cannot drift apart.
/// </summary>
internal static class WebhookHmac
{
    public const int MacLength = 32;

    /// <summary>
    /// HMAC-SHA256 of the scheme's signed content: <c>{id}.{unixSeconds}.{body}</c> for Standard Webhooks,
    /// the body alone for GitHub. The body is fed as raw bytes, never re-serialised.
    /// </summary>
    public static byte[] Compute(WebhookScheme scheme, byte[] key, string messageId, long unixSeconds, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        if (scheme == WebhookScheme.StandardWebhooks)
        {
            var prefix = string.Concat(messageId, ".", unixSeconds.ToString(CultureInfo.InvariantCulture), ".");
            hmac.AppendData(Encoding.UTF8.GetBytes(prefix));
        }

        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>Lower-case hex, as GitHub writes it.</summary>
    public static string ToHex(byte[] mac) => Convert.ToHexString(mac).ToLowerInvariant();

    /// <summary>Decodes hex of exactly <paramref name="destination"/>'s length (either case); false on anything else.</summary>
    public static bool TryDecodeHex(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var high = HexValue(hex[2 * i]);
            var low = HexValue(hex[(2 * i) + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// A message id goes into the signed content before a <c>.</c>, so it may not contain one (the Standard Webhooks
    /// spec asks for this to stop id/timestamp/body boundaries being shifted), nor anything that cannot be a header value.
    /// </summary>
    public static bool IsValidMessageId(string? messageId, WebhookScheme scheme)
    {
        if (string.IsNullOrEmpty(messageId))
        {
            return false;
        }

        foreach (var c in messageId)
        {
            if (char.IsControl(c) || (scheme == WebhookScheme.StandardWebhooks && (c == '.' || c == ' ')))
            {
                return false;
            }
        }

        return true;
    }
}
