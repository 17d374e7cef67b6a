using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Muxly.Router.Records;
using Muxly.Webhooks;

namespace Muxly.Destinations.Webhooks;

/// <summary>
/// A <c>webhook</c> destination's config, checked. The same parse serves Validate (when saved) and Open (per run).
/// Keys: <c>url</c> (required, absolute http/https; dynamic values expanded per run), <c>method</c> (POST | PUT | PATCH;
/// default POST), <c>headers</c> (object of strings), <c>batch_size</c> (1-10000; default 100, and 1 with a template),
/// <c>body</c> (json_batch | template; default json_batch, or template when <c>body_template</c> is set),
/// <c>body_template</c>, <c>content_type</c> (default application/json), <c>timeout_seconds</c> (per attempt, &gt; 0 and
/// ≤ 3600; default 30), <c>max_retries</c> (0-20; default 3), <c>retry_base_ms</c> (0-60000; default 500),
/// <c>signing</c> (<c>{scheme: standard_webhooks | github, secret}</c>). Any other key is refused.
/// Header values and the signing secret are never echoed in an error message.
/// </summary>
public sealed partial class WebhookDestinationOptions
{
    internal static readonly string[] Keys =
        ["url", "method", "headers", "batch_size", "body", "body_template", "content_type", "timeout_seconds", "max_retries", "retry_base_ms", "signing"];

    private static readonly string[] SigningKeys = ["scheme", "secret"];

    // Set through content_type (the body's header), not among the request headers.
    private static readonly string[] ReservedHeaders = ["Content-Type", "Content-Length"];

    public const int DefaultBatchSize = 100;
    public const string DefaultContentType = "application/json";
    public const double DefaultTimeoutSeconds = 30;
    public const int DefaultMaxRetries = 3;
    public const int DefaultRetryBaseMilliseconds = 500;

    private WebhookDestinationOptions()
    {
    }

    /// <summary>The URL as configured (dynamic values not yet expanded).</summary>
    public string Url { get; private init; } = "";

    public HttpMethod Method { get; private init; } = HttpMethod.Post;

    /// <summary>Header names and values as configured (values may hold <c>${env:NAME}</c> references).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; private init; } = [];

    public int BatchSize { get; private init; } = DefaultBatchSize;

    /// <summary>The compiled <c>body_template</c>, or null for JSON batches.</summary>
    public WebhookBodyTemplate? BodyTemplate { get; private init; }

    public string ContentType { get; private init; } = DefaultContentType;

    public TimeSpan Timeout { get; private init; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    public int MaxRetries { get; private init; } = DefaultMaxRetries;

    public TimeSpan RetryBaseDelay { get; private init; } = TimeSpan.FromMilliseconds(DefaultRetryBaseMilliseconds);

    public WebhookScheme? SigningScheme { get; private init; }

    /// <summary>The signing secret as configured (perhaps a <c>${env:NAME}</c> reference). Never shown.</summary>
    internal string? SigningSecret { get; private init; }

    public static WebhookDestinationOptions Parse(JsonObject? config)
    {
        var reader = new DestinationConfigReader(config, "webhook", Keys);
        var url = reader.RequiredString("url");
        CheckUrl(url, reader, expanded: false);

        var method = reader.Choice("method", "POST", "POST", "PUT", "PATCH") switch
        {
            "PUT" => HttpMethod.Put,
            "PATCH" => HttpMethod.Patch,
            _ => HttpMethod.Post,
        };

        var headers = ReadHeaders(reader);
        var batchSize = reader.OptionalInteger("batch_size", 1, 10_000);

        var bodyKind = reader.Choice("body", reader.Has("body_template") ? "template" : "json_batch", "json_batch", "template");
        WebhookBodyTemplate? template = null;
        if (bodyKind == "template")
        {
            var templateText = reader.Has("body_template")
                ? reader.RequiredString("body_template")
                : throw reader.Invalid("body_template", "'body' is 'template', so 'body_template' is needed: the text sent per record, with {{field.path}} placeholders.");
            if (batchSize is not null and not 1)
            {
                throw reader.Invalid("batch_size", "A body_template renders one record per request: set 'batch_size' to 1 (or leave it out, which means 1 with a template).");
            }

            template = WebhookBodyTemplate.Parse(templateText, reader);
        }
        else if (reader.Has("body_template"))
        {
            throw reader.Invalid("body_template", "'body' is 'json_batch', which sends the records as JSON: remove 'body_template' or set 'body' to 'template'.");
        }

        var contentType = reader.OptionalString("content_type") ?? DefaultContentType;
        if (!MediaTypeHeaderValue.TryParse(contentType, out _))
        {
            throw reader.Invalid("content_type", $"'content_type' is not a valid media type: '{contentType}'.");
        }

        var timeout = reader.OptionalPositiveNumber("timeout_seconds", 3600) ?? DefaultTimeoutSeconds;
        var maxRetries = (int)(reader.OptionalInteger("max_retries", 0, 20) ?? DefaultMaxRetries);
        var retryBase = (int)(reader.OptionalInteger("retry_base_ms", 0, 60_000) ?? DefaultRetryBaseMilliseconds);
        var (scheme, secret) = ReadSigning(reader);

        return new WebhookDestinationOptions
        {
            Url = url,
            Method = method,
            Headers = headers,
            BatchSize = template is null ? (int)(batchSize ?? DefaultBatchSize) : 1,
            BodyTemplate = template,
            ContentType = contentType,
            Timeout = TimeSpan.FromSeconds(timeout),
            MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(retryBase),
            SigningScheme = scheme,
            SigningSecret = secret,
        };
    }

    /// <summary>The URL with the run's dynamic values expanded; checked again, since a value may have made it invalid.</summary>
    internal Uri ResolveUrl(Router.Runs.RunContext context)
    {
        var expanded = DynamicValues.Expand(Url, context);
        return CheckUrl(expanded, null, expanded: true)!;
    }

    /// <summary>A URL safe to show: scheme, host, port and path, without user info or query (either may carry a key).</summary>
    internal static string Display(Uri uri) => $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";

    private static Uri? CheckUrl(string url, DestinationConfigReader? reader, bool expanded)
    {
        MuxlyException Bad(string why) => reader?.Invalid("url", why)
            ?? DestinationConfigReader.Invalid("webhook", "url", why);

        // A URL still holding ${...} can only be checked for its scheme until the run expands it.
        if (!expanded && url.Contains("${", StringComparison.Ordinal))
        {
            return url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? null
                : throw Bad("'url' must be an absolute http:// or https:// URL.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Bad("'url' must be an absolute http:// or https:// URL.");
        }

        return uri;
    }

    private static List<KeyValuePair<string, string>> ReadHeaders(DestinationConfigReader reader)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var configured = reader.OptionalObject("headers");
        if (configured is null)
        {
            return headers;
        }

        foreach (var (name, value) in configured)
        {
            var key = $"headers.{name}";
            if (!HeaderName().IsMatch(name))
            {
                throw reader.Invalid(key, $"'{name}' is not a valid HTTP header name.");
            }

            if (ReservedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw reader.Invalid(key, $"Set the body's type with 'content_type', not with a '{name}' header.");
            }

            if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
            {
                throw reader.Invalid(key, $"The value of header '{name}' must be a string.");
            }

            var headerValue = text.GetValue<string>();
            if (headerValue.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw reader.Invalid(key, $"The value of header '{name}' cannot contain a line break.");
            }

            headers.Add(KeyValuePair.Create(name, headerValue));
        }

        return headers;
    }

    private static (WebhookScheme? Scheme, string? Secret) ReadSigning(DestinationConfigReader reader)
    {
        var signing = reader.OptionalObject("signing");
        if (signing is null)
        {
            return (null, null);
        }

        foreach (var (key, _) in signing)
        {
            if (!SigningKeys.Contains(key, StringComparer.Ordinal))
            {
                throw reader.Invalid($"signing.{key}", $"'signing' has an unknown key '{key}'. Known keys: scheme, secret.");
            }
        }

        var schemeText = signing["scheme"] is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null;
        WebhookScheme scheme = schemeText?.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "standardwebhooks" => WebhookScheme.StandardWebhooks,
            "github" => WebhookScheme.GitHub,
            _ => throw reader.Invalid("signing.scheme", "'signing.scheme' must be 'standard_webhooks' or 'github'."),
        };

        var secret = signing["secret"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw reader.Invalid("signing.secret", "'signing.secret' is needed: the shared secret, or a ${env:NAME} reference to it.");
        }

        return (scheme, secret);
    }

    // RFC 9110 token characters.
    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")]
    private static partial Regex HeaderName();
}
