using System.Text;

namespace Muxly.Connectors.Api;

/// <summary>
/// The authentication of an <c>api</c> connector (its <c>auth</c> settings): <c>none</c>; <c>bearer</c> with
/// <c>token</c>; <c>basic</c> with <c>username</c> and <c>password</c>; or <c>api_key</c> with <c>key</c>, sent in a
/// header (<c>in: header</c>, the default; <c>name</c> defaults to <c>X-API-Key</c>) or a query parameter
/// (<c>in: query</c>; <c>name</c> defaults to <c>api_key</c>). It is applied to every request, next links included.
/// </summary>
internal sealed class ApiAuth
{
    private ApiAuth(string type, string? headerName, string? headerValue, string? queryName, string? queryValue)
    {
        Type = type;
        HeaderName = headerName;
        HeaderValue = headerValue;
        QueryName = queryName;
        QueryValue = queryValue;
    }

    public string Type { get; }

    public string? HeaderName { get; }

    public string? HeaderValue { get; }

    public string? QueryName { get; }

    public string? QueryValue { get; }

    /// <summary>Parses the auth settings and registers their secrets with <paramref name="redactor"/>.</summary>
    public static ApiAuth Parse(SettingReader auth, SecretRedactor redactor)
    {
        var declared = auth.OptionalString("type");
        if (string.IsNullOrWhiteSpace(declared) && auth.Settings.Count > 0 && !auth.Has("type"))
        {
            throw auth.Invalid("type", "is required when auth settings are given: none, bearer, basic or api_key.");
        }

        var type = auth.IsDeferred("type") ? "none" : auth.Choice("type", "none", "none", "bearer", "basic", "api_key");
        switch (type)
        {
            case "bearer":
            {
                var token = auth.RequiredString("token");
                redactor.AddSecret(token);
                return new ApiAuth(type, "Authorization", $"Bearer {token}", null, null);
            }

            case "basic":
            {
                var username = auth.RequiredString("username");
                var password = auth.OptionalString("password") ?? throw auth.Invalid("password", "is required for basic authentication.");
                var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
                redactor.AddSecret(password);
                redactor.AddSecret(credentials);
                return new ApiAuth(type, "Authorization", $"Basic {credentials}", null, null);
            }

            case "api_key":
            {
                var key = auth.RequiredString("key");
                redactor.AddSecret(key);
                var where = auth.IsDeferred("in") ? "header" : auth.Choice("in", "header", "header", "query");
                var name = auth.OptionalString("name");
                if (where == "query")
                {
                    name = string.IsNullOrWhiteSpace(name) ? "api_key" : name.Trim();
                    redactor.AddSecretParameter(name);
                    return new ApiAuth(type, null, null, name, key);
                }

                name = string.IsNullOrWhiteSpace(name) ? "X-API-Key" : name.Trim();
                if (!ApiOptions.IsHeaderName(name))
                {
                    throw auth.Invalid("name", $"is not a valid header name: '{name}'.");
                }

                return new ApiAuth(type, name, key, null, null);
            }

            default:
                return new ApiAuth("none", null, null, null, null);
        }
    }

    /// <summary>The URL with the api key parameter set, where the key goes in the query.</summary>
    public string ApplyToUrl(string url) => QueryName is null ? url : UrlQuery.Set(url, QueryName, QueryValue!);

    public void ApplyToRequest(HttpRequestMessage request)
    {
        if (HeaderName is not null)
        {
            request.Headers.Remove(HeaderName);
            request.Headers.TryAddWithoutValidation(HeaderName, HeaderValue);
        }
    }
}
