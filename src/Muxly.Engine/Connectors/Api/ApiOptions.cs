using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Muxly.Router.Records;
using Muxly.Secrets;

namespace Muxly.Connectors.Api;

/// <summary>
/// The settings of an <c>api</c> connector, checked and parsed once per run. The connection settings are <c>url</c>,
/// <c>method</c>, <c>headers</c>, <c>query</c>, <c>path_params</c>, <c>body</c>, <c>records_path</c>,
/// <c>timeout_seconds</c>, <c>max_retries</c>, <c>retry_base_ms</c>, <c>max_retry_wait_seconds</c> and
/// <c>pagination</c>; the auth settings are read by <see cref="ApiAuth"/>.
/// </summary>
internal sealed partial class ApiOptions
{
    private ApiOptions(string url, HttpMethod method, List<KeyValuePair<string, string>> headers, JsonNode? body, FieldPath? recordsPath,
        TimeSpan timeout, RetryPolicy retry, ApiPagination pagination, ApiAuth auth, SecretRedactor redactor)
    {
        Url = url;
        Method = method;
        Headers = headers;
        Body = body;
        RecordsPath = recordsPath;
        Timeout = timeout;
        Retry = retry;
        Pagination = pagination;
        Auth = auth;
        Redactor = redactor;
    }

    /// <summary>The URL of the request: path parameters substituted and <c>query</c> appended (auth not yet applied).</summary>
    public string Url { get; }

    public HttpMethod Method { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public JsonNode? Body { get; }

    public FieldPath? RecordsPath { get; }

    public TimeSpan Timeout { get; }

    public RetryPolicy Retry { get; }

    public ApiPagination Pagination { get; }

    public ApiAuth Auth { get; }

    public SecretRedactor Redactor { get; }

    /// <summary>Parses the settings; at save time (<paramref name="atSave"/>) values holding <c>${...}</c> are accepted unchecked.</summary>
    public static ApiOptions Parse(JsonObject connectionSettings, JsonObject authSettings, bool atSave)
    {
        var connection = new SettingReader(connectionSettings, "connection", atSave);
        var redactor = new SecretRedactor();
        var auth = ApiAuth.Parse(new SettingReader(authSettings, "auth", atSave), redactor);

        var url = SubstitutePathParameters(connection);
        if (!connection.IsDeferred("url") && !url.Contains("${", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw connection.Invalid("url", $"must be an absolute http:// or https:// URL, not '{redactor.SafeUrl(url)}'.");
            }

            if (uri.UserInfo.Length > 0)
            {
                redactor.AddSecret(uri.UserInfo);
            }
        }

        var methodText = connection.IsDeferred("method") ? null : connection.OptionalString("method");
        var method = HttpMethod.Get;
        if (!string.IsNullOrWhiteSpace(methodText))
        {
            method = MethodName().IsMatch(methodText.Trim())
                ? new HttpMethod(methodText.Trim().ToUpperInvariant())
                : throw connection.Invalid("method", $"is not an HTTP method: '{methodText}'.");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in connection.OptionalObject("headers") ?? [])
        {
            var text = SettingReader.ScalarText(value) ?? throw connection.Invalid("headers", $"must map each header name to a text value; '{name}' is {SettingReader.Describe(value)}.");
            if (!IsHeaderName(name))
            {
                throw connection.Invalid("headers", $"has a name that is not a valid header name: '{name}'.");
            }

            if (SecretMasker.IsSecretKey(name) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                redactor.AddSecret(text);
                redactor.AddSecret(text.Split(' ', 2)[^1]);
            }

            headers.Add(KeyValuePair.Create(name, text));
        }

        var query = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in connection.OptionalObject("query") ?? [])
        {
            foreach (var item in value is JsonArray array ? array.ToArray() : [value])
            {
                if (item is null)
                {
                    continue;
                }

                var text = SettingReader.ScalarText(item) ?? throw connection.Invalid("query", $"must map each parameter to a value or a list of values; '{name}' is {SettingReader.Describe(item)}.");
                if (SecretMasker.IsSecretKey(name))
                {
                    redactor.AddSecret(text);
                }

                query.Add(KeyValuePair.Create(name, text));
            }
        }

        url = UrlQuery.Append(url, query);
        var body = connection.Find("body");
        var recordsPath = connection.OptionalPath("records_path");
        var timeout = TimeSpan.FromSeconds(connection.Number("timeout_seconds", 30, 0.001, 3600));
        var retry = new RetryPolicy(
            connection.Integer("max_retries", 3, 0, 10),
            TimeSpan.FromMilliseconds(connection.Integer("retry_base_ms", 500, 0, 60_000)),
            TimeSpan.FromSeconds(connection.Number("max_retry_wait_seconds", 60, 0, 3600)));
        var pagination = ApiPagination.Parse(connection);
        return new ApiOptions(url, method, headers, body, recordsPath, timeout, retry, pagination, auth, redactor);
    }

    public static bool IsHeaderName(string name) => HeaderName().IsMatch(name);

    /// <summary>A new request for <paramref name="url"/> (requests cannot be sent twice, so each attempt builds its own).</summary>
    public HttpRequestMessage CreateRequest(string url)
    {
        var request = new HttpRequestMessage(Method, Auth.ApplyToUrl(url));
        if (Body is not null)
        {
            var text = Body is JsonValue value && value.TryGetValue<string>(out var raw) ? raw : Body.ToJsonString();
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.UserAgent.ParseAdd("Muxly/1.0");
        foreach (var (name, value) in Headers)
        {
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                if (request.Content is not null)
                {
                    request.Content.Headers.Remove(name);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }

                continue;
            }

            if (name.Equals("Accept", StringComparison.OrdinalIgnoreCase) || name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Remove(name);
            }

            request.Headers.TryAddWithoutValidation(name, value);
        }

        Auth.ApplyToRequest(request);
        return request;
    }

    /// <summary>Replaces each <c>{name}</c> in the URL with the URL-escaped <c>path_params</c> value (<c>${...}</c> is left alone).</summary>
    private static string SubstitutePathParameters(SettingReader connection)
    {
        var url = connection.RequiredString("url").Trim();
        var parameters = connection.OptionalObject("path_params");
        return PathPlaceholder().Replace(url, match =>
        {
            var name = match.Groups["name"].Value;
            var found = parameters is null ? null : new SettingReader(parameters, "path_params", connection.AtSave).Find(name);
            if (found is null)
            {
                throw connection.Invalid("path_params", $"has no value for '{{{name}}}' in the url.");
            }

            var text = SettingReader.ScalarText(found) ?? throw connection.Invalid("path_params", $"must map '{name}' to a text or number, not {SettingReader.Describe(found)}.");
            return text.Contains("${", StringComparison.Ordinal) && connection.AtSave ? text : Uri.EscapeDataString(text);
        });
    }

    [GeneratedRegex(@"(?<!\$)\{(?<name>[A-Za-z0-9_.-]+)\}")]
    private static partial Regex PathPlaceholder();

    [GeneratedRegex(@"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[A-Za-z]+$")]
    private static partial Regex MethodName();
}
