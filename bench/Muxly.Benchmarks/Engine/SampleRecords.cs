using System.Text.Json.Nodes;
using Muxly.Benchmarks.Router;

namespace Muxly.Benchmarks.Engine;

/// <summary>The engine benchmarks' input: the end-to-end generator's orders, so both measure the same records.</summary>
internal static class SampleRecords
{
    public static string[] Lines(int count) => OrderGenerator.Lines(count);

    public static JsonObject[] Parse(int count) => Lines(count).Select(line => JsonNode.Parse(line)!.AsObject()).ToArray();
}
