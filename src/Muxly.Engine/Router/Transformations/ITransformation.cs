using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>
/// A compiled transformation stage. Records are pushed through one at a time, so one source can feed the stages of
/// several rules in a single pass: each record in, whatever it produces (none, one or many) out through
/// <c>emit</c>. Stages that need all of their input (<c>aggregate</c>, the unmatched side of a right <c>join</c>)
/// hold what they must and emit it on <see cref="Complete"/>, after which the stage is ready for another run.
/// </summary>
/// <remarks>
/// A stage may modify the records it is given and pass the same instances on: records belong to the stream. A caller
/// that must keep an original (for example to give the same record to two rules) passes a
/// <see cref="JsonNode.DeepClone"/> of it.
/// </remarks>
public interface ITransformation
{
    /// <summary>Takes one record and passes what it produces to <paramref name="emit"/>.</summary>
    void Push(JsonObject record, Action<JsonObject> emit);

    /// <summary>The input has ended: emit anything held back, and reset for the next run.</summary>
    void Complete(Action<JsonObject> emit);
}

/// <summary>Pull-style use of a stage, for callers that have a whole stream: lazy, one input record at a time.</summary>
public static class TransformationStreams
{
    public static IEnumerable<JsonObject> Apply(this ITransformation stage, IEnumerable<JsonObject> records)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(records);
        return Run(stage, records);
    }

    private static IEnumerable<JsonObject> Run(ITransformation stage, IEnumerable<JsonObject> records)
    {
        var produced = new List<JsonObject>();
        Action<JsonObject> emit = produced.Add;
        foreach (var record in records)
        {
            stage.Push(record, emit);
            for (var i = 0; i < produced.Count; i++)
            {
                yield return produced[i];
            }

            produced.Clear();
        }

        stage.Complete(emit);
        foreach (var record in produced)
        {
            yield return record;
        }
    }
}
