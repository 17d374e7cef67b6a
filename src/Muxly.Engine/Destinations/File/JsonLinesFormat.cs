using System.Buffers;
using System.Text.Json.Nodes;
using Muxly.Router.Projections;

namespace Muxly.Destinations.Files;

/// <summary>jsonl: one compact JSON object per line, UTF-8 without BOM, each line ended by <c>\n</c>.</summary>
internal sealed class JsonLinesFormat : RecordFileFormat
{
    public override AppendPosition InspectForAppend(FileStream file, string path) =>
        new(file.Length, true, LastByte(file) == '\n' ? [] : NewLine);

    public override void Encode(JsonObject record, bool started, ArrayBufferWriter<byte> output)
    {
        WriteJson(record, output);
        output.Write(NewLine);
    }

    public override bool TryEncode(ProjectedRecord record, bool started, ArrayBufferWriter<byte> output)
    {
        WriteJson(record, output);
        output.Write(NewLine);
        return true;
    }
}
