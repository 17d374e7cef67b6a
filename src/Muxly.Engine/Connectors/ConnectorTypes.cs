namespace Muxly.Connectors;

/// <summary>
/// The <c>connector_type</c> names Muxly knows (SPEC §5). Each type's implementation registers itself here by name as it
/// lands; a connector of an unknown type is refused when it is saved.
/// </summary>
public static class ConnectorTypes
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["api"] = "Any REST endpoint: method, headers, auth, records path, pagination, retries.",
        ["file"] = "Files by path or wildcard: json, jsonl or csv.",
        ["database"] = "A SQL query against SQLite or PostgreSQL.",
        ["powershell"] = "A script block or script file whose output objects are the records.",
        ["webhook"] = "The JSON payload of the webhook call that triggered the job.",
        ["bigquery"] = "Google BigQuery over its REST API.",
        ["ga4"] = "Google Analytics 4 Data API.",
        ["hubspot"] = "HubSpot CRM over its REST API.",
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    public static string Describe(string type) => Known.TryGetValue(type, out var text) ? text : string.Empty;

    /// <summary>Returns the canonical (lower-case) type name, or throws listing the known ones.</summary>
    public static string Require(string? type)
    {
        if (!string.IsNullOrWhiteSpace(type) && Known.ContainsKey(type.Trim()))
        {
            return type.Trim().ToLowerInvariant();
        }

        throw MuxlyException.Invalid("MuxlyConnectorTypeUnknown",
            $"'{type}' is not a connector type. Known types: {string.Join(", ", Known.Keys)}.", type);
    }
}
