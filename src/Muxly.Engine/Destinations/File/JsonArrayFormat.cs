using System.Buffers;
using System.Text.Json.Nodes;
using Muxly.Router.Projections;

namespace Muxly.Destinations.Files;

/// <summary>
/// json: one JSON array, one compact record per line. Appending keeps the file a valid array: the next record goes where
/// the closing bracket was, after a comma, and the bracket is written again when the file is finished. Only the
/// file's first and last characters are checked (it must start with <c>[</c> and end with <c>]</c>); the file is not
/// parsed whole, so appending stays cheap for large files.
/// </summary>
internal sealed class JsonArrayFormat : RecordFileFormat
{
    private static readonly byte[] Opening = "[\n"u8.ToArray();
    private static readonly byte[] Separator = ",\n"u8.ToArray();
    private static readonly byte[] Closing = "\n]\n"u8.ToArray();
    private static readonly byte[] EmptyArray = "[]\n"u8.ToArray();

    public override int ClosingLength => Closing.Length;

    public override AppendPosition InspectForAppend(FileStream file, string path)
    {
        var first = FirstNonWhitespace(file);
        if (first < 0)
        {
            return AppendPosition.Empty; // only whitespace: written as a new file
        }

        var last = LastNonWhitespace(file, file.Length);
        if (ByteAt(file, first) != '[' || ByteAt(file, last) != ']')
        {
            throw NotAppendable(path, "it is not a JSON array (json append needs a file that starts with '[' and ends with ']').");
        }

        var beforeClosing = LastNonWhitespace(file, last);
        if (beforeClosing == first)
        {
            return AppendPosition.Empty; // "[]": rewritten from the start
        }

        return new AppendPosition(beforeClosing + 1, true, []);
    }

    public override void Encode(JsonObject record, bool started, ArrayBufferWriter<byte> output)
    {
        output.Write(started ? Separator : Opening);
        WriteJson(record, output);
    }

    public override bool TryEncode(ProjectedRecord record, bool started, ArrayBufferWriter<byte> output)
    {
        output.Write(started ? Separator : Opening);
        WriteJson(record, output);
        return true;
    }

    public override void EncodeEnd(bool started, ArrayBufferWriter<byte> output) => output.Write(started ? Closing : EmptyArray);

    /// <summary>The offset of the first byte that is not whitespace (after a UTF-8 BOM), or -1.</summary>
    private static long FirstNonWhitespace(FileStream file)
    {
        file.Seek(0, SeekOrigin.Begin);
        var position = 0L;
        var bom = new byte[3];
        if (file.Read(bom, 0, 3) == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF)
        {
            position = 3;
        }

        file.Seek(position, SeekOrigin.Begin);
        int b;
        while ((b = file.ReadByte()) >= 0)
        {
            if (!IsWhitespace((byte)b))
            {
                return position;
            }

            position++;
        }

        return -1;
    }

    /// <summary>The offset of the last byte before <paramref name="end"/> that is not whitespace, or -1; reads backwards in blocks.</summary>
    private static long LastNonWhitespace(FileStream file, long end)
    {
        var block = new byte[4096];
        while (end > 0)
        {
            var start = Math.Max(0, end - block.Length);
            var count = (int)(end - start);
            file.Seek(start, SeekOrigin.Begin);
            file.ReadExactly(block, 0, count);
            for (var i = count - 1; i >= 0; i--)
            {
                if (!IsWhitespace(block[i]))
                {
                    return start + i;
                }
            }

            end = start;
        }

        return -1;
    }

    private static int ByteAt(FileStream file, long offset)
    {
        file.Seek(offset, SeekOrigin.Begin);
        return file.ReadByte();
    }
}
