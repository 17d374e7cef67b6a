using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>A stage that maps each record to one record, or drops it (a null result). It holds nothing between records.</summary>
internal sealed class PerRecordStage(Func<JsonObject, JsonObject?> map) : ITransformation
{
    public void Push(JsonObject record, Action<JsonObject> emit)
    {
        if (map(record) is { } result)
        {
            emit(result);
        }
    }

    public void Complete(Action<JsonObject> emit)
    {
    }
}
