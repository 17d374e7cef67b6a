using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Runs;

namespace Muxly.Destinations.Files;

/// <summary>
/// csv (RFC 4180): a header row, then one row per record, lines ended by CRLF, UTF-8 without BOM. Nested objects are
/// flattened into dotted columns (<c>user.name</c>); arrays (and empty objects) are written as compact JSON text; a JSON
/// null or a missing field is an empty cell. A field is quoted when it holds a comma, a quote or a line break, with
/// quotes doubled.
/// <para>
/// The columns are those of the existing file's header when appending, else of the first record. A later record's
/// fields that are not columns are left out, with one warning per run; a column the record lacks is an empty cell.
/// </para>
/// </summary>
internal sealed class CsvFormat : RecordFileFormat
{
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();
    private static readonly JsonSerializerOptions CellJson = new() { Encoder = WriterOptions.Encoder };

    private readonly RunContext _context;
    private readonly Dictionary<string, JsonNode?> _fields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObjectShapeCache> _nestedShapes = new(StringComparer.Ordinal);
    private string[]? _columns;
    private HashSet<string>? _columnSet;
    private bool _warnedAboutExtraFields;

    public CsvFormat(RunContext context)
    {
        _context = context;
    }

    /// <summary>The columns in use (null until the first record or existing header fixes them).</summary>
    public IReadOnlyList<string>? Columns => _columns;

    public override AppendPosition InspectForAppend(FileStream file, string path)
    {
        file.Seek(0, SeekOrigin.Begin);
        var header = ReadFirstRow(file, path);
        if (header is null)
        {
            return AppendPosition.Empty; // nothing but whitespace: written as a new file
        }

        SetColumns(header);
        return new AppendPosition(file.Length, true, LastByte(file) == '\n' ? [] : LineEnd);
    }

    public override void Encode(JsonObject record, bool started, ArrayBufferWriter<byte> output)
    {
        _fields.Clear();
        Flatten(record, null, _fields);
        if (_columns is null)
        {
            SetColumns(_fields.Keys.ToArray());
        }

        if (!started)
        {
            WriteRow(_columns!, output);
        }

        if (!_warnedAboutExtraFields && HasExtraFields())
        {
            _warnedAboutExtraFields = true;
            var extra = _fields.Keys.Where(k => !_columnSet!.Contains(k)).Take(10);
            _context.Warn($"A record has fields that are not columns of the csv file and were left out ({string.Join(", ", extra)}). " +
                "The columns come from the first record (or the file's existing header); further records with extra fields are not reported again.");
        }

        // Cells go straight into the output as UTF-8: text quoted where it must be, numbers and booleans as written.
        for (var i = 0; i < _columns!.Length; i++)
        {
            if (i > 0)
            {
                output.Write(Comma);
            }

            if (_fields.TryGetValue(_columns[i], out var value))
            {
                WriteCell(value, output);
            }
        }

        output.Write(LineEnd);
    }

    /// <summary>
    /// Writes a projected record's row where its flattened fields are exactly the columns, in order (records of one
    /// source mostly are): then the row is the one <see cref="Encode"/> writes. Anything else (the first record, a
    /// missing or extra field, repeated names) is left to <see cref="Encode"/>.
    /// </summary>
    public override bool TryEncode(ProjectedRecord record, bool started, ArrayBufferWriter<byte> output)
    {
        if (_columns is null || _columnSet!.Count != _columns.Length || !record.TryOpenRoot(out var root))
        {
            return false;
        }

        if (!started)
        {
            WriteRow(_columns, output);
        }

        var column = 0;
        return TryWriteCells(record, root, null, ref column, output) && column == _columns.Length && WriteLineEnd(output);
    }

    // Flatten's walk, cell by cell: a non-empty object is gone into (its fields named prefix.name), anything else is
    // the next column's cell.
    private bool TryWriteCells(ProjectedRecord record, ProjectedObject obj, string? prefix, ref int column, ArrayBufferWriter<byte> output)
    {
        var entries = obj.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var value = entries[i].Value;
            if (value.IsObject)
            {
                var name = prefix is null ? entries[i].Name.Text : prefix + "." + entries[i].Name.Text;
                if (!record.TryOpen(ref value, NestedShapes(name), out var child))
                {
                    return false;
                }

                if (child.Entries.Count > 0)
                {
                    if (!TryWriteCells(record, child, name, ref column, output))
                    {
                        return false;
                    }

                    continue;
                }
            }

            if (column >= _columns!.Length || !IsColumn(_columns[column], prefix, entries[i].Name.Text))
            {
                return false;
            }

            if (column > 0)
            {
                output.Write(Comma);
            }

            WriteCell(value, output);
            column++;
        }

        return true;
    }

    private ObjectShapeCache NestedShapes(string name)
    {
        if (!_nestedShapes.TryGetValue(name, out var shapes))
        {
            _nestedShapes[name] = shapes = new ObjectShapeCache();
        }

        return shapes;
    }

    private static bool IsColumn(string column, string? prefix, string name) => prefix is null
        ? string.Equals(column, name, StringComparison.Ordinal)
        : column.Length == prefix.Length + 1 + name.Length && column[prefix.Length] == '.'
            && column.StartsWith(prefix, StringComparison.Ordinal) && column.EndsWith(name, StringComparison.Ordinal);

    private static bool WriteLineEnd(ArrayBufferWriter<byte> output)
    {
        output.Write(LineEnd);
        return true;
    }

    private bool HasExtraFields()
    {
        foreach (var key in _fields.Keys)
        {
            if (!_columnSet!.Contains(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Fields of a record as CSV columns: nested objects become dotted names, everything else one cell.</summary>
    internal static void Flatten(JsonObject obj, string? prefix, Dictionary<string, JsonNode?> into)
    {
        foreach (var (key, value) in obj)
        {
            var name = prefix is null ? key : prefix + "." + key;
            if (value is JsonObject child && child.Count > 0)
            {
                Flatten(child, name, into);
            }
            else
            {
                into[name] = value;
            }
        }
    }

    // A cell: nothing for null, a string's text, a number or boolean as its JSON, an array or empty object as JSON text.
    private void WriteCell(JsonNode? value, ArrayBufferWriter<byte> output)
    {
        switch (value?.GetValueKind())
        {
            case null or JsonValueKind.Null:
                return;
            case JsonValueKind.String:
                WriteText(value.GetValue<string>(), output);
                return;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                // Never needs quoting; written by the format's reused writer instead of a string per cell.
                WriteNode(value, output);
                return;
            default:
                WriteText(value.ToJsonString(CellJson), output);
                return;
        }
    }

    // The same cell for a projected value: a value of the parse as its JsonNode would be written, an opened object
    // (only an empty one reaches here) as {}.
    private void WriteCell(ProjectedValue value, ArrayBufferWriter<byte> output)
    {
        switch (value.Kind)
        {
            case ProjectedKind.Node:
                WriteCell(value.Node, output);
                return;
            case ProjectedKind.Object:
                WriteText("{}", output);
                return;
            case ProjectedKind.Text:
                WriteText(value.Text!.Span, output);
                return;
        }

        var element = value.Element;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return;
            case JsonValueKind.String:
                WriteText(element.GetString()!, output);
                return;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                WriteElement(element, output);
                return;
            case JsonValueKind.Array:
                WriteCell(JsonArray.Create(element), output);
                return;
            default:
                WriteCell(JsonObject.Create(element), output);
                return;
        }
    }

    // RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
    private static void WriteText(ReadOnlySpan<char> text, ArrayBufferWriter<byte> output)
    {
        if (text.IndexOfAny(",\"\r\n") < 0)
        {
            output.Advance(Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
            return;
        }

        var quoted = "\"" + text.ToString().Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        output.Advance(Encoding.UTF8.GetBytes(quoted, output.GetSpan(Encoding.UTF8.GetMaxByteCount(quoted.Length))));
    }

    private void SetColumns(string[] columns)
    {
        _columns = columns;
        _columnSet = new HashSet<string>(columns, StringComparer.Ordinal);
    }

    private static void WriteRow(IReadOnlyList<string> cells, ArrayBufferWriter<byte> output)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                output.Write(Comma);
            }

            WriteText(cells[i], output);
        }

        output.Write(LineEnd);
    }

    /// <summary>The file's first row, parsed with RFC 4180 quoting, or null when the file holds only whitespace.</summary>
    private static string[]? ReadFirstRow(FileStream file, string path)
    {
        using var reader = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 4096, leaveOpen: true);
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var sawAnything = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }

                continue;
            }

            if (ch is '\r' or '\n')
            {
                if (sawAnything)
                {
                    break;
                }

                continue; // blank lines before the header
            }

            sawAnything = true;
            if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }

        if (quoted)
        {
            throw NotAppendable(path, "its header row has a quote that is never closed.");
        }

        if (!sawAnything)
        {
            return null;
        }

        fields.Add(field.ToString());
        return fields.ToArray();
    }
}
