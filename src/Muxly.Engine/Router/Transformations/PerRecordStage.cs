using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>A stage that maps each record to one record, or drops it (a null result). Lazy: it holds one record at a time.</summary>
internal sealed class PerRecordStage(Func<JsonObject, JsonObject?> map) : ITransformation
{
    public IEnumerable<JsonObject> Apply(IEnumerable<JsonObject> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Map(records);
    }

    private IEnumerable<JsonObject> Map(IEnumerable<JsonObject> records)
    {
        foreach (var record in records)
        {
            if (map(record) is { } result)
            {
                yield return result;
            }
        }
    }
}
