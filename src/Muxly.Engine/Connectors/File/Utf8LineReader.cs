using System.Buffers;

namespace Muxly.Connectors.Files;

/// <summary>
/// Reads a stream as lines of UTF-8 bytes without decoding them to text: a line ends at <c>\n</c> (a <c>\r</c> before it
/// is dropped), and the last line may end without one. A line is a slice of the reader's buffer, valid until the next
/// line is read. The buffer grows to hold the longest line, and goes back to the pool on dispose.
/// </summary>
internal sealed class Utf8LineReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private bool _endOfStream;

    public Utf8LineReader(Stream stream, int bufferSize)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>Skips a UTF-8 byte order mark at the start, if there is one.</summary>
    public void SkipByteOrderMark()
    {
        while (_end - _start < 3 && !_endOfStream)
        {
            Fill();
        }

        if (_buffer.AsSpan(_start, _end - _start).StartsWith("\uFEFF"u8))
        {
            _start += 3;
            _scanned = _start;
        }
    }

    public bool TryReadLine(out ReadOnlyMemory<byte> line)
    {
        while (true)
        {
            var found = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (found >= 0)
            {
                var length = _scanned + found - _start;
                line = Trim(_start, length);
                _start += length + 1;
                _scanned = _start;
                return true;
            }

            _scanned = _end;
            if (_endOfStream)
            {
                if (_end > _start)
                {
                    line = Trim(_start, _end - _start);
                    _start = _scanned = _end;
                    return true;
                }

                line = default;
                return false;
            }

            Fill();
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private ReadOnlyMemory<byte> Trim(int start, int length) =>
        _buffer.AsMemory(start, length > 0 && _buffer[start + length - 1] == '\r' ? length - 1 : length);

    private void Fill()
    {
        if (_start > 0)
        {
            // Keep the unfinished line and make room after it.
            var pending = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _scanned -= _start;
            _end = pending;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _endOfStream = true;
        }
        else
        {
            _end += read;
        }
    }
}
