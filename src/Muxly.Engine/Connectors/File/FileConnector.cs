using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Muxly.Router.Runs;

namespace Muxly.Connectors.Files;

/// <summary>
/// The <c>file</c> connector: records from one file or a wildcard of files, in <c>json</c> (a top-level array streamed
/// element by element, a top-level object as one record, or the array at <c>records_path</c>), <c>jsonl</c> (one object
/// per line, blank lines skipped) or <c>csv</c> (RFC 4180 with a header row; values are strings unless
/// <c>infer_types</c> is set). A bad line or row is yielded as a failure with its file and line, and reading goes on.
/// </summary>
public sealed partial class FileConnector : IConnectorType
{
    private const int BufferSize = 64 * 1024;

    public string Name => "file";

    public void Validate(JsonObject connection, JsonObject auth) => FileConnectorOptions.Parse(connection, atSave: true);

    public IEnumerable<SourceItem> Read(ConnectorSettings settings, RunContext context) => Read(settings, context, transient: false);

    /// <summary>jsonl lines are handed over parsed but not materialised (<see cref="SourceItem.Raw"/>).</summary>
    public IEnumerable<SourceItem> ReadTransient(ConnectorSettings settings, RunContext context) => Read(settings, context, transient: true);

    private static IEnumerable<SourceItem> Read(ConnectorSettings settings, RunContext context, bool transient)
    {
        var options = FileConnectorOptions.Parse(settings.Connection, atSave: false);
        var files = options.Path.Resolve();
        return ReadFiles(options, files, context, transient);
    }

    public ConnectionTestResult Test(ConnectorSettings settings, RunContext context)
    {
        var started = DateTimeOffset.UtcNow;
        ConnectionTestResult Result(bool success, string message) => new(success, message, DateTimeOffset.UtcNow - started);

        try
        {
            var options = FileConnectorOptions.Parse(settings.Connection, atSave: false);
            var files = options.Path.Resolve();
            var unreadable = new List<string>();
            foreach (var file in files)
            {
                try
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    unreadable.Add($"{Path.GetFileName(file)} ({ex.Message})");
                }
            }

            if (unreadable.Count > 0)
            {
                return Result(false, $"{unreadable.Count} of {files.Count} file(s) matching '{options.Path.Text}' cannot be read: {string.Join("; ", unreadable)}.");
            }

            return Result(true, files.Count == 1
                ? $"The file '{files[0]}' can be read as {options.Format}."
                : $"{files.Count} files match '{options.Path.Text}' and can be read as {options.Format}.");
        }
        catch (MuxlyException ex)
        {
            return Result(false, ex.Message);
        }
    }

    private static IEnumerable<SourceItem> ReadFiles(FileConnectorOptions options, IReadOnlyList<string> files, RunContext context, bool transient)
    {
        foreach (var file in files)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            context.Log($"Reading {file} as {options.Format}.");
            var items = options.Format switch
            {
                FileConnectorOptions.JsonLines => ReadJsonLines(file, context, transient),
                FileConnectorOptions.Csv => ReadCsv(file, options, context),
                _ => ReadJson(file, options, context),
            };
            foreach (var item in items)
            {
                yield return item;
            }
        }
    }

    // Lines are read as UTF-8 bytes and parsed into pooled documents; a record is copied out of them only when the
    // consumer asks for it (always, unless transient: the router asks only for records a rule wants). Files with a
    // UTF-16 or UTF-32 byte order mark are decoded as text instead.
    private static IEnumerable<SourceItem> ReadJsonLines(string file, RunContext context, bool transient)
    {
        var name = Path.GetFileName(file);
        using var stream = Open(file);
        if (HasWideByteOrderMark(stream))
        {
            foreach (var item in ReadJsonLinesAsText(stream, name, context))
            {
                yield return item;
            }

            yield break;
        }

        using var lines = new Utf8LineReader(stream, BufferSize);
        lines.SkipByteOrderMark();
        var raw = new RawRecord();
        long number = 0;
        while (lines.TryReadLine(out var line))
        {
            number++;
            context.Cancellation.ThrowIfCancellationRequested();
            if (IsBlank(line.Span))
            {
                continue;
            }

            if (!TryParse(line, out var document, out var error))
            {
                yield return SourceItem.Failed(error, $"{name} line {number}");
                continue;
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    yield return AsRecord(JsonNode.Parse(line.Span), "The line", $"{name} line {number}");
                    continue;
                }

                raw.Reset(document.RootElement);
                yield return transient ? SourceItem.Transient(raw) : SourceItem.Ok(raw.ToObject());
            }
        }
    }

    private static IEnumerable<SourceItem> ReadJsonLinesAsText(Stream stream, string name, RunContext context)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, BufferSize);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            context.Cancellation.ThrowIfCancellationRequested();
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return ParseLine(line, $"{name} line {number}");
            }
        }
    }

    private static bool TryParse(ReadOnlyMemory<byte> line, out JsonDocument document, out string error)
    {
        try
        {
            document = JsonDocument.Parse(line);
            error = string.Empty;
            return true;
        }
        catch (JsonException ex)
        {
            document = null!;
            error = $"The line is not valid JSON: {JsonErrors.Describe(ex)}.";
            return false;
        }
    }

    // FF FE or FE FF: UTF-16 (or UTF-32 little endian), which StreamReader decodes.
    private static bool HasWideByteOrderMark(Stream stream)
    {
        Span<byte> start = stackalloc byte[2];
        var read = stream.ReadAtLeast(start, 2, throwOnEndOfStream: false);
        stream.Position = 0;
        return read == 2 && ((start[0] == 0xFF && start[1] == 0xFE) || (start[0] == 0xFE && start[1] == 0xFF));
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r\v\f"u8) < 0;

    private static SourceItem ParseLine(string line, string location)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException ex)
        {
            return SourceItem.Failed($"The line is not valid JSON: {JsonErrors.Describe(ex)}.", location);
        }

        return AsRecord(node, "The line", location);
    }

    private static IEnumerable<SourceItem> ReadJson(string file, FileConnectorOptions options, RunContext context)
    {
        var name = Path.GetFileName(file);
        using var stream = Open(file);
        var first = SkipPreamble(stream);
        if (first < 0)
        {
            context.Warn($"{name} is empty: it holds no records.");
            yield break;
        }

        if (first == '[' && options.RecordsPath is null)
        {
            var elements = new JsonArrayStream(stream, name);
            var index = 0;
            while (elements.TryReadNext(out var element, out var line))
            {
                index++;
                context.Cancellation.ThrowIfCancellationRequested();
                yield return AsRecord(element, $"Item {index}", $"{name} item {index} (line {line})");
            }

            yield break;
        }

        // An object (or a path into one) is parsed whole: it is one record, or the array the path selects.
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyConnectorFileInvalid",
                $"{name} is not valid JSON near line {(ex.LineNumber ?? 0) + 1}: {JsonErrors.Describe(ex)}.", name, ex);
        }

        var target = document;
        if (options.RecordsPath is { } path && !path.TryGet(document, out target))
        {
            throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyConnectorRecordsPathNotFound",
                $"{name} has nothing at the records_path '{path.Text}'.", name);
        }

        switch (target)
        {
            case JsonArray array:
                var items = array.ToArray();
                array.Clear(); // detaches the elements, so each record stands alone
                for (var i = 0; i < items.Length; i++)
                {
                    yield return AsRecord(items[i], $"Item {i + 1}", $"{name} item {i + 1}");
                }

                break;
            case JsonObject obj:
                yield return SourceItem.Ok(obj.Parent is null ? obj : (JsonObject)obj.DeepClone());
                break;
            default:
                throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyConnectorFileInvalid",
                    $"{name} must hold a JSON array or object{(options.RecordsPath is null ? string.Empty : $" at '{options.RecordsPath.Text}'")}, not {SettingReader.Describe(target)}.", name);
        }
    }

    private static IEnumerable<SourceItem> ReadCsv(string file, FileConnectorOptions options, RunContext context)
    {
        var name = Path.GetFileName(file);
        using var text = new StreamReader(Open(file), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, BufferSize);
        var rows = new CsvRowReader(text, options.Delimiter);
        var fields = new List<string>();
        string[]? header = null;
        if (options.Header)
        {
            while (rows.TryReadRow(fields, out var line, out var error))
            {
                if (error is not null)
                {
                    throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyConnectorFileInvalid", $"{name} line {line}: the header row is malformed. {error}", name);
                }

                if (!IsBlank(fields))
                {
                    header = HeaderNames(fields, name, line);
                    break;
                }
            }

            if (header is null)
            {
                context.Warn($"{name} is empty: it has no header row and no records.");
                yield break;
            }
        }

        while (rows.TryReadRow(fields, out var line, out var error))
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var location = $"{name} line {line}";
            if (error is not null)
            {
                yield return SourceItem.Failed(error, location);
                continue;
            }

            if (IsBlank(fields))
            {
                continue;
            }

            if (header is not null && fields.Count > header.Length)
            {
                yield return SourceItem.Failed($"The row has {fields.Count} fields, the header has {header.Length}.", location);
                continue;
            }

            var record = new JsonObject();
            var width = header?.Length ?? fields.Count;
            for (var i = 0; i < width; i++)
            {
                var key = header is null ? $"column{i + 1}" : header[i];
                record[key] = i < fields.Count ? CsvValue(fields[i], options.InferTypes) : null;
            }

            yield return SourceItem.Ok(record);
        }
    }

    private static string[] HeaderNames(List<string> fields, string name, long line)
    {
        var names = new string[fields.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var column = fields[i].Trim();
            names[i] = column.Length == 0 ? $"column{i + 1}" : column;
            if (!seen.Add(names[i]))
            {
                throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyConnectorFileInvalid",
                    $"{name} line {line}: the header names the column '{names[i]}' more than once.", name);
            }
        }

        return names;
    }

    private static bool IsBlank(List<string> fields) => fields.Count == 1 && fields[0].Length == 0;

    /// <summary>A CSV value: the text, or with <c>infer_types</c> a JSON number, boolean or null where the text is exactly one.</summary>
    private static JsonNode? CsvValue(string text, bool inferTypes)
    {
        if (!inferTypes)
        {
            return JsonValue.Create(text);
        }

        if (text.Length == 0)
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        // Only canonical JSON numbers: '007' and '1,5' stay text (codes and local formats are not numbers).
        return JsonNumber().IsMatch(text) ? JsonNode.Parse(text) : JsonValue.Create(text);
    }

    private static SourceItem AsRecord(JsonNode? node, string what, string location) => node is JsonObject record
        ? SourceItem.Ok(record)
        : SourceItem.Failed($"{what} is {SettingReader.Describe(node)}, not a JSON object.", location);

    private static FileStream Open(string file)
    {
        try
        {
            return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, BufferSize, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyConnectorFileUnreadable", $"Cannot read the file '{file}': {ex.Message}", file, ex);
        }
    }

    /// <summary>Skips a UTF-8 byte order mark and leading whitespace; returns the first byte (left unread) or -1 for an empty file.</summary>
    private static int SkipPreamble(FileStream stream)
    {
        Span<byte> bom = stackalloc byte[3];
        var read = stream.ReadAtLeast(bom, 3, throwOnEndOfStream: false);
        stream.Position = read == 3 && bom.SequenceEqual((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var start = stream.Position;
        int b;
        while ((b = stream.ReadByte()) is ' ' or '\t' or '\r' or '\n')
        {
        }

        // Leave the whitespace in place: line numbers count from the start of the file.
        stream.Position = start;
        return b;
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
