using System.Text;

namespace Muxly.Connectors.Files;

/// <summary>
/// An RFC 4180 row reader: fields separated by a delimiter, optionally in double quotes, where a quoted field may hold
/// delimiters, line breaks and doubled quotes (<c>""</c> for one <c>"</c>). Rows end at CRLF, LF or CR. It is lenient
/// where the RFC is strict and the intent is clear: a quote inside an unquoted field is kept as written, and text after
/// a closing quote is appended to the field. A quoted field that is never closed is reported as an error.
/// </summary>
internal sealed class CsvRowReader(TextReader reader, char delimiter)
{
    private const int End = -1;

    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _field = new();
    private int _length;
    private int _position;
    private long _line = 1;

    /// <summary>
    /// Reads the next row into <paramref name="fields"/>; false at the end of the input. <paramref name="line"/> is the
    /// line the row starts on; <paramref name="error"/> is set where the row is malformed.
    /// </summary>
    public bool TryReadRow(List<string> fields, out long line, out string? error)
    {
        fields.Clear();
        line = _line;
        error = null;
        var c = Next();
        if (c == End)
        {
            return false;
        }

        while (true)
        {
            _field.Clear();
            if (c == '"')
            {
                var openedOn = _line;
                while (true)
                {
                    c = Next();
                    if (c == End)
                    {
                        error = $"A quoted field opened on line {openedOn} is never closed.";
                        fields.Add(_field.ToString());
                        return true;
                    }

                    if (c == '"')
                    {
                        if (Peek() != '"')
                        {
                            break;
                        }

                        Next();
                    }
                    else if (c == '\n' || (c == '\r' && Peek() != '\n'))
                    {
                        _line++;
                    }

                    _field.Append((char)c);
                }

                c = Next();
            }

            while (c != End && c != delimiter && c != '\r' && c != '\n')
            {
                _field.Append((char)c);
                c = Next();
            }

            fields.Add(_field.ToString());
            if (c == delimiter)
            {
                c = Next();
                continue;
            }

            if (c == '\r' && Peek() == '\n')
            {
                Next();
            }

            if (c != End)
            {
                _line++;
            }

            return true;
        }
    }

    private int Next()
    {
        if (_position == _length && !Fill())
        {
            return End;
        }

        return _buffer[_position++];
    }

    private int Peek() => _position < _length || Fill() ? _buffer[_position] : End;

    private bool Fill()
    {
        _length = reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }
}
