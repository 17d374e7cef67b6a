namespace Muxly.Benchmarks.Router;

/// <summary>Reads a stream line by line as UTF-8 bytes, without decoding to strings. Blank lines are skipped.</summary>
internal sealed class JsonLines(Stream stream)
{
    private byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;
    private bool _ended;

    /// <summary>The next line; valid until the next call.</summary>
    public bool TryRead(out ReadOnlyMemory<byte> line)
    {
        while (true)
        {
            var pending = _buffer.AsMemory(_start, _end - _start);
            var newline = pending.Span.IndexOf((byte)'\n');
            if (newline >= 0 || (_ended && pending.Length > 0))
            {
                var length = newline >= 0 ? newline : pending.Length;
                line = pending[..length];
                if (line.Span.EndsWith("\r"u8))
                {
                    line = line[..^1];
                }

                _start += newline >= 0 ? newline + 1 : length;
                if (line.IsEmpty)
                {
                    continue;
                }

                return true;
            }

            if (_ended)
            {
                line = default;
                return false;
            }

            Fill();
        }
    }

    private void Fill()
    {
        var kept = _end - _start;
        if (kept == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, kept);
        }

        _start = 0;
        _end = kept;
        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        _ended = read == 0;
    }
}
