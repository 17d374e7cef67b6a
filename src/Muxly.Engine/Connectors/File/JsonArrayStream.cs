using System.Text.Json;
using System.Text.Json.Nodes;

namespace Muxly.Connectors.Files;

/// <summary>
/// Reads the elements of a top-level JSON array one at a time from a stream, holding only the current element (and a
/// read buffer) in memory, so that a multi-gigabyte array streams in flat memory. Each element is parsed into its own
/// <see cref="JsonNode"/>, with the line it starts on for error messages.
/// </summary>
internal sealed class JsonArrayStream
{
    private static readonly JsonDocumentOptions ParseOptions = new() { CommentHandling = JsonCommentHandling.Skip };

    private readonly Stream _stream;
    private readonly string _displayName;
    private byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private int _position;
    private bool _final;
    private bool _started;
    private bool _done;
    private JsonReaderState _state;

    // Line counting is incremental: _lineAtCounted is the line of _buffer[_countedTo].
    private int _countedTo;
    private long _lineAtCounted = 1;

    /// <param name="stream">Positioned at the opening '[' (any byte order mark and leading whitespace may precede it).</param>
    /// <param name="displayName">The file's name, for error messages.</param>
    public JsonArrayStream(Stream stream, string displayName)
    {
        _stream = stream;
        _displayName = displayName;
        _state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
    }

    /// <summary>The next element (which may be JSON null) and the line it starts on; false after the closing ']'.</summary>
    public bool TryReadNext(out JsonNode? element, out long line)
    {
        element = null;
        line = 0;
        while (!_done)
        {
            if (TryReadFromBuffer(out element, out line))
            {
                return true;
            }

            if (!_done)
            {
                Fill();
            }
        }

        return false;
    }

    private bool TryReadFromBuffer(out JsonNode? element, out long line)
    {
        element = null;
        line = 0;
        var data = _buffer.AsSpan(_position, _length - _position);
        var reader = new Utf8JsonReader(data, _final, _state);
        try
        {
            while (true)
            {
                var stateBefore = reader.CurrentState;
                var consumedBefore = (int)reader.BytesConsumed;
                if (!reader.Read())
                {
                    Commit(consumedBefore, stateBefore);
                    if (_final)
                    {
                        throw Invalid(LineAt(_position), _started ? "the file ends before the array is closed" : "the file holds no JSON value");
                    }

                    return false;
                }

                if (!_started)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw Invalid(LineAt(_position), "expected a JSON array");
                    }

                    _started = true;
                    continue;
                }

                if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 0)
                {
                    // Anything after the closing bracket is ignored, as a JSON parser reading one value would.
                    Commit((int)reader.BytesConsumed, reader.CurrentState);
                    _done = true;
                    return false;
                }

                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    Commit(consumedBefore, stateBefore);
                    return false;
                }

                var end = (int)reader.BytesConsumed;
                line = LineAt(_position + start);
                element = JsonNode.Parse(data[start..end], documentOptions: ParseOptions);
                Commit(end, reader.CurrentState);
                return true;
            }
        }
        catch (JsonException ex)
        {
            // The reader state carries its line count from the start of the file, so the exception's line is absolute.
            throw Invalid(ex.LineNumber is { } zeroBased ? zeroBased + 1 : LineAt(_position), JsonErrors.Describe(ex));
        }
    }

    private void Commit(int consumed, JsonReaderState state)
    {
        _position += consumed;
        _state = state;
    }

    /// <summary>Keeps the unread bytes, growing the buffer if one element is larger than it, and reads more.</summary>
    private void Fill()
    {
        LineAt(_position);
        var unread = _length - _position;
        if (unread == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        Buffer.BlockCopy(_buffer, _position, _buffer, 0, unread);
        _countedTo -= _position;
        _position = 0;
        _length = unread;
        var read = _stream.Read(_buffer, _length, _buffer.Length - _length);
        _length += read;
        _final = read == 0;
    }

    private long LineAt(int index)
    {
        if (index > _countedTo)
        {
            _lineAtCounted += _buffer.AsSpan(_countedTo, index - _countedTo).Count((byte)'\n');
            _countedTo = index;
        }

        return _lineAtCounted;
    }

    private MuxlyException Invalid(long line, string problem) => new(MuxlyErrorKind.InvalidData, "MuxlyConnectorFileInvalid",
        $"{_displayName} is not valid JSON near line {line}: {problem}.", _displayName);
}

/// <summary>Short, position-free descriptions of System.Text.Json errors (we report positions ourselves).</summary>
internal static class JsonErrors
{
    public static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        }

        return (cut >= 0 ? message[..cut] : message).Trim().TrimEnd('.');
    }
}
