namespace Muxly.Destinations;

/// <summary>The <c>destination_type</c> names of SPEC §6; a destination of another type is refused when saved.</summary>
public static class DestinationTypes
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["file"] = "json, jsonl or csv files; path templates, append or atomic replace, rotation.",
        ["webhook"] = "HTTP requests: method, headers, JSON batches or a body template, retries, optional signing.",
        ["database"] = "SQLite tables (PostgreSQL not yet): create if missing, column mapping, upserts, batched transactions.",
        ["slack"] = "A Slack incoming webhook with a message template.",
        ["email"] = "SMTP mail with TLS and auth; data attached as CSV or JSON.",
        ["prometheus"] = "Text exposition format, written as a textfile or pushed to a Pushgateway.",
        ["s3"] = "S3 and S3-compatible object stores.",
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    public static string Require(string? type)
    {
        if (!string.IsNullOrWhiteSpace(type) && Known.ContainsKey(type.Trim()))
        {
            return type.Trim().ToLowerInvariant();
        }

        throw MuxlyException.Invalid("MuxlyDestinationTypeUnknown",
            $"'{type}' is not a destination type. Known types: {string.Join(", ", Known.Keys)}.", type);
    }
}
