using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>
/// The edge where records meet the pipeline: a JSON record becomes a PSCustomObject (as ConvertFrom-Json makes), and
/// a piped object becomes a JSON record (an object's properties; a bare value is wrapped as <c>{"value": ...}</c>).
/// </summary>
internal static class PSRecords
{
    public static PSObject ToPSObject(JsonObject record)
    {
        var result = new PSObject();
        foreach (var (name, value) in record)
        {
            result.Properties.Add(new PSNoteProperty(name, ToValue(value)));
        }

        return result;
    }

    public static JsonObject ToRecord(object? input)
    {
        var node = PSJson.ToNode(input, "InputObject");
        return node as JsonObject ?? new JsonObject { ["value"] = node };
    }

    private static object? ToValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => ToPSObject(obj),
        JsonArray array => array.Select(ToValue).ToArray(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<long>(out var whole) ? whole
                : value.TryGetValue<decimal>(out var exact) ? exact
                : value.GetValue<double>(),
            _ => value.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };
}
