using System.Text;

namespace Muxly.Connectors.Api;

/// <summary>Small edits of a URL's query string that keep everything else as written.</summary>
internal static class UrlQuery
{
    /// <summary>Appends <paramref name="pairs"/> to the query of <paramref name="url"/>, escaping names and values.</summary>
    public static string Append(string url, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var (path, query, fragment) = Split(url);
        var builder = new StringBuilder(query);
        foreach (var (name, value) in pairs)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return Join(path, builder.ToString(), fragment);
    }

    /// <summary>Sets the parameter <paramref name="name"/> to <paramref name="value"/>, replacing any occurrence of it.</summary>
    public static string Set(string url, string name, string value)
    {
        var (path, query, fragment) = Split(url);
        var kept = query.Length == 0
            ? []
            : query.Split('&').Where(pair => !string.Equals(NameOf(pair), name, StringComparison.Ordinal)).ToList();
        kept.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
        return Join(path, string.Join('&', kept), fragment);
    }

    /// <summary>Rewrites each parameter's value with <paramref name="rewrite"/> (name, value) → new value, for display.</summary>
    public static string MapValues(string url, Func<string, string, string> rewrite)
    {
        var (path, query, fragment) = Split(url);
        if (query.Length == 0)
        {
            return url;
        }

        var pairs = query.Split('&').Select(pair =>
        {
            var equals = pair.IndexOf('=');
            if (equals < 0)
            {
                return pair;
            }

            var value = Unescape(pair[(equals + 1)..]);
            var rewritten = rewrite(NameOf(pair), value);
            return rewritten == value ? pair : $"{pair[..equals]}={rewritten}";
        });
        return Join(path, string.Join('&', pairs), fragment);
    }

    private static string NameOf(string pair)
    {
        var equals = pair.IndexOf('=');
        return Unescape(equals < 0 ? pair : pair[..equals]);
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static (string Path, string Query, string Fragment) Split(string url)
    {
        var hash = url.IndexOf('#');
        var fragment = hash < 0 ? string.Empty : url[hash..];
        var rest = hash < 0 ? url : url[..hash];
        var question = rest.IndexOf('?');
        return question < 0 ? (rest, string.Empty, fragment) : (rest[..question], rest[(question + 1)..], fragment);
    }

    private static string Join(string path, string query, string fragment) =>
        query.Length == 0 ? path + fragment : $"{path}?{query}{fragment}";
}
