using Muxly.Secrets;

namespace Muxly.Connectors.Api;

/// <summary>
/// Keeps an <c>api</c> connector's secrets out of what it says: URLs are shown with secret query values masked, and
/// every message passes through <see cref="Redact"/>, which masks any occurrence of a known secret value (plain or
/// URL-escaped), in case a server or the network stack echoes one back.
/// </summary>
internal sealed class SecretRedactor
{
    // Query parameters that carry credentials in common APIs, beyond the names SecretMasker recognises.
    private static readonly HashSet<string> SecretParameterNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "key", "sig", "signature", "auth", "code", "client_secret", "access_token", "refresh_token", "password",
    };

    private readonly List<string> _secrets = [];
    private readonly HashSet<string> _secretParameters = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers a secret value; very short values are ignored, masking them would garble every message.</summary>
    public void AddSecret(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < 4)
        {
            return;
        }

        _secrets.Add(value);
        var escaped = Uri.EscapeDataString(value);
        if (escaped != value)
        {
            _secrets.Add(escaped);
        }

        // Longest first, so that a secret containing another is masked whole.
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    public void AddSecretParameter(string name) => _secretParameters.Add(name);

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, SecretMasker.Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The URL for messages and logs: no user-info, secret query values masked.</summary>
    public string SafeUrl(string url)
    {
        var safe = url;
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            safe = url.Replace(uri.UserInfo + "@", string.Empty, StringComparison.Ordinal);
        }

        safe = UrlQuery.MapValues(safe, (name, value) => IsSecretParameter(name) && value.Length > 0 ? SecretMasker.Mask : value);
        return Redact(safe);
    }

    private bool IsSecretParameter(string name) =>
        _secretParameters.Contains(name) || SecretParameterNames.Contains(name) || SecretMasker.IsSecretKey(name);
}
