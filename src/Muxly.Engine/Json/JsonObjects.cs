using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Json;

/// <summary>Parsing of the JSON objects users give as settings, with errors that say which parameter was wrong.</summary>
public static class JsonObjects
{
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>Parses <paramref name="json"/>, which must be a JSON object (an empty string means <c>{}</c>).</summary>
    public static JsonObject ParseObject(string? json, string what, string errorId)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new JsonObject();
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw MuxlyException.Invalid(errorId, $"{what} is not valid JSON: {ex.Message}");
        }

        return node as JsonObject ?? throw MuxlyException.Invalid(errorId,
            $"{what} must be a JSON object ({{...}}), not {(node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant())}.");
    }

    public static string ToJson(this JsonNode node) => node.ToJsonString(Compact);
}
