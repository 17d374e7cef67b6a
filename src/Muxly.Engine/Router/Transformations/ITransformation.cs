using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>
/// A compiled transformation stage: it turns a stream of records into another stream. Per-record stages are lazy and
/// hold no more than the record in hand; stages that need all of their input (such as <c>aggregate</c>) read it only
/// when their output is first enumerated.
/// </summary>
/// <remarks>
/// A stage may modify the records it is given and pass the same instances on: records belong to the stream. A caller
/// that must keep an original (for example to give the same record to two rules) passes a
/// <see cref="JsonNode.DeepClone"/> of it.
/// </remarks>
public interface ITransformation
{
    IEnumerable<JsonObject> Apply(IEnumerable<JsonObject> records);
}
