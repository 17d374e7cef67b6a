using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Muxly.Router.Records;

namespace Muxly.Connectors.Api;

/// <summary>What a paginator sees of a page it must find the successor of.</summary>
internal sealed record ApiPage(string Url, int Number, int Status, JsonNode? Body, HttpResponseHeaders Headers, int RecordCount);

/// <summary>
/// How an <c>api</c> connector finds the next page (its <c>pagination</c> settings). Every kind stops at a page with no
/// records, when there is no next page, and after <see cref="MaxPages"/> pages.
/// </summary>
internal abstract partial class ApiPagination(int maxPages)
{
    public int MaxPages { get; } = maxPages;

    /// <summary>The URL of the first page, from the connector's URL (with its query).</summary>
    public virtual string FirstUrl(string baseUrl) => baseUrl;

    /// <summary>The URL of the page after <paramref name="page"/>, or null where it was the last.</summary>
    public abstract string? NextUrl(string baseUrl, ApiPage page);

    public static ApiPagination Parse(SettingReader connection)
    {
        var settings = connection.OptionalObject("pagination");
        if (settings is null)
        {
            return new Single(1);
        }

        var reader = new SettingReader(settings, "pagination", connection.AtSave);
        var type = reader.IsDeferred("type") ? "none" : reader.Choice("type", "none", "none", "next_link", "cursor", "page");
        var maxPages = reader.Integer("max_pages", 1000, 1, 10_000_000);
        switch (type)
        {
            case "next_link":
                return new NextLink(maxPages, reader.OptionalPath("next_path"));
            case "cursor":
                var cursorPath = reader.OptionalPath("cursor_path") ?? throw reader.Invalid("cursor_path", "is required for cursor pagination (the field of the response holding the next cursor).");
                var cursorParam = reader.OptionalString("cursor_param");
                return new Cursor(maxPages, cursorPath, string.IsNullOrWhiteSpace(cursorParam) ? "cursor" : cursorParam.Trim());
            case "page":
                var pageParam = reader.OptionalString("page_param");
                var sizeParam = reader.OptionalString("size_param");
                var pageSize = reader.Has("page_size") ? reader.Integer("page_size", 0, 1, 1_000_000) : (int?)null;
                if (pageSize is not null && string.IsNullOrWhiteSpace(sizeParam))
                {
                    throw reader.Invalid("size_param", "is required with page_size (the query parameter that carries it).");
                }

                if (!string.IsNullOrWhiteSpace(sizeParam) && pageSize is null && !reader.IsDeferred("page_size"))
                {
                    throw reader.Invalid("page_size", "is required with size_param.");
                }

                return new PageNumber(maxPages, string.IsNullOrWhiteSpace(pageParam) ? "page" : pageParam.Trim(),
                    reader.Integer("start_page", 1, 0, int.MaxValue / 2), string.IsNullOrWhiteSpace(sizeParam) ? null : sizeParam.Trim(), pageSize);
            default:
                return new Single(1);
        }
    }

    /// <summary><c>none</c>: one request.</summary>
    private sealed class Single(int maxPages) : ApiPagination(maxPages)
    {
        public override string? NextUrl(string baseUrl, ApiPage page) => null;
    }

    /// <summary><c>next_link</c>: the next URL is at <c>next_path</c> in the body, or else in the <c>Link: &lt;...&gt;; rel="next"</c> header.</summary>
    private sealed class NextLink(int maxPages, FieldPath? nextPath) : ApiPagination(maxPages)
    {
        public override string? NextUrl(string baseUrl, ApiPage page)
        {
            var link = nextPath is not null
                ? nextPath.TryGet(page.Body, out var value) ? SettingReader.ScalarText(value) : null
                : NextFromLinkHeader(page.Headers);
            if (string.IsNullOrWhiteSpace(link))
            {
                return null;
            }

            // Relative links are resolved against the page they came from.
            return Uri.TryCreate(new Uri(page.Url), link.Trim(), out var next) ? next.AbsoluteUri : null;
        }

        private static string? NextFromLinkHeader(HttpResponseHeaders headers)
        {
            if (!headers.TryGetValues("Link", out var values))
            {
                return null;
            }

            foreach (var value in values)
            {
                foreach (Match match in LinkValue().Matches(value))
                {
                    var rel = RelParameter().Match(match.Groups["params"].Value);
                    if (rel.Success && rel.Groups["rel"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                            .Any(r => r.Equals("next", StringComparison.OrdinalIgnoreCase)))
                    {
                        return match.Groups["url"].Value;
                    }
                }
            }

            return null;
        }
    }

    /// <summary><c>cursor</c>: the next cursor is at <c>cursor_path</c> in the body and goes in the <c>cursor_param</c> query parameter.</summary>
    private sealed class Cursor(int maxPages, FieldPath cursorPath, string cursorParam) : ApiPagination(maxPages)
    {
        public override string? NextUrl(string baseUrl, ApiPage page)
        {
            var cursor = cursorPath.TryGet(page.Body, out var value) ? SettingReader.ScalarText(value) : null;
            return string.IsNullOrEmpty(cursor) ? null : UrlQuery.Set(baseUrl, cursorParam, cursor);
        }
    }

    /// <summary><c>page</c>: <c>page_param</c> counts up from <c>start_page</c>; with <c>page_size</c>, a short page is the last.</summary>
    private sealed class PageNumber(int maxPages, string pageParam, int startPage, string? sizeParam, int? pageSize) : ApiPagination(maxPages)
    {
        public override string FirstUrl(string baseUrl) => UrlFor(baseUrl, startPage);

        public override string? NextUrl(string baseUrl, ApiPage page) =>
            pageSize is { } size && page.RecordCount < size ? null : UrlFor(baseUrl, startPage + page.Number);

        private string UrlFor(string baseUrl, int number)
        {
            var url = UrlQuery.Set(baseUrl, pageParam, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return sizeParam is null ? url : UrlQuery.Set(url, sizeParam, pageSize!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"<(?<url>[^>]*)>(?<params>[^,<]*)")]
    private static partial Regex LinkValue();

    [GeneratedRegex(@"rel\s*=\s*""?(?<rel>[^"";,]*)""?", RegexOptions.IgnoreCase)]
    private static partial Regex RelParameter();
}
