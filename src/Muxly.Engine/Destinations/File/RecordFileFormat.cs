using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Runs;

namespace Muxly.Destinations.Files;

/// <summary>Where appending to an existing file continues, and what must come first.</summary>
/// <param name="Offset">The byte offset the next write starts at (for a JSON array, where its closing bracket was).</param>
/// <param name="Started">True when the file already has its opening (a JSON array's <c>[</c> and elements, a CSV header).</param>
/// <param name="Prefix">Bytes to write before the first record, such as the line break a file was left without.</param>
internal readonly record struct AppendPosition(long Offset, bool Started, byte[] Prefix)
{
    public static AppendPosition Empty { get; } = new(0, false, []);
}

/// <summary>
/// How records become bytes in one output format. One instance serves a whole run (a CSV keeps its columns across
/// the files of a size-rotated series); encoding is one record at a time into a reusable buffer, so nothing is held.
/// </summary>
internal abstract class RecordFileFormat
{
    // Files are for people and tools, not HTML pages: keep non-ASCII text as UTF-8 instead of \u escapes.
    protected static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    protected static readonly byte[] NewLine = "\n"u8.ToArray();

    public static RecordFileFormat Create(FileOutputFormat format, RunContext context) => format switch
    {
        FileOutputFormat.Json => new JsonArrayFormat(),
        FileOutputFormat.Csv => new CsvFormat(context),
        _ => new JsonLinesFormat(),
    };

    /// <summary>Bytes a finished file ends with after its records (counted when deciding whether a record still fits).</summary>
    public virtual int ClosingLength => 0;

    /// <summary>Reads what appending needs from an existing, non-empty file; throws when the file is not of this format.</summary>
    public abstract AppendPosition InspectForAppend(FileStream file, string path);

    /// <summary>Encodes one record; when <paramref name="started"/> is false the file's opening comes first.</summary>
    public abstract void Encode(JsonObject record, bool started, ArrayBufferWriter<byte> output);

    /// <summary>
    /// Encodes a projected record as <see cref="Encode"/> would encode <see cref="ProjectedRecord.ToObject"/>, or
    /// returns false (having written anything or nothing) where this format cannot, and the caller encodes the object.
    /// </summary>
    public abstract bool TryEncode(ProjectedRecord record, bool started, ArrayBufferWriter<byte> output);

    /// <summary>Encodes the file's ending (nothing for line formats; the closing bracket, or <c>[]</c>, for a JSON array).</summary>
    public virtual void EncodeEnd(bool started, ArrayBufferWriter<byte> output)
    {
    }

    private Utf8JsonWriter? _writer;

    protected void WriteJson(JsonObject record, ArrayBufferWriter<byte> output) => WriteNode(record, output);

    protected void WriteNode(JsonNode node, ArrayBufferWriter<byte> output)
    {
        var writer = WriterFor(output);
        node.WriteTo(writer);
        writer.Flush();
    }

    protected void WriteJson(ProjectedRecord record, ArrayBufferWriter<byte> output)
    {
        var writer = WriterFor(output);
        record.WriteTo(writer);
        writer.Flush();
    }

    protected void WriteElement(JsonElement element, ArrayBufferWriter<byte> output)
    {
        var writer = WriterFor(output);
        element.WriteTo(writer);
        writer.Flush();
    }

    // One writer for the whole run, pointed at the output buffer for each record (or CSV cell).
    private Utf8JsonWriter WriterFor(ArrayBufferWriter<byte> output)
    {
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        return _writer;
    }

    protected static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>The last byte of the file, or -1 for an empty file.</summary>
    protected static int LastByte(FileStream file)
    {
        if (file.Length == 0)
        {
            return -1;
        }

        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte();
    }

    protected static MuxlyException NotAppendable(string path, string why) =>
        new(MuxlyErrorKind.InvalidData, "MuxlyDestinationFileInvalid",
            $"Cannot append to '{path}': {why} The file was left unchanged; move it away or use mode 'replace'.", path);
}
