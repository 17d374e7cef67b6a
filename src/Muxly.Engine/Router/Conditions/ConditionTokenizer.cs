using System.Globalization;
using System.Text;
using Muxly.Router.Records;

namespace Muxly.Router.Conditions;

/// <summary>
/// Splits condition text into tokens on demand, so that the parser reports the first error in reading order.
/// </summary>
internal sealed class ConditionTokenizer
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "AND", "OR", "NOT", "IN", "CONTAINS", "ICONTAINS", "STARTS", "ISTARTS", "ENDS", "IENDS", "WITH",
        "MATCHES", "EXISTS", "IEQUALS", "TRUE", "FALSE", "NULL",
    };

    private readonly string _text;
    private int _pos;

    public ConditionTokenizer(string text)
    {
        _text = text;
    }

    /// <summary>True where <paramref name="word"/> (any case) is reserved; such a field is written <c>$.word</c>.</summary>
    public static bool IsKeyword(string word) => Keywords.Contains(word.ToUpperInvariant());

    public ConditionToken Next()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }

        if (_pos >= _text.Length)
        {
            return new ConditionToken(ConditionTokenKind.End, string.Empty, _text.Length);
        }

        var start = _pos;
        var c = _text[_pos];
        switch (c)
        {
            case '(':
                _pos++;
                return new ConditionToken(ConditionTokenKind.LeftParen, "(", start);
            case ')':
                _pos++;
                return new ConditionToken(ConditionTokenKind.RightParen, ")", start);
            case ',':
                _pos++;
                return new ConditionToken(ConditionTokenKind.Comma, ",", start);
            case '=':
                if (Peek(1) == '=')
                {
                    return Operator(start, 2);
                }

                throw Error(start, "an operator such as '==' (equality is written with two '=')", "'='");
            case '!':
                if (Peek(1) == '=')
                {
                    return Operator(start, 2);
                }

                throw Error(start, "'!=' (negation is written NOT)", "'!'");
            case '<':
            case '>':
                return Operator(start, Peek(1) == '=' ? 2 : 1);
            case '\'':
                return ReadString();
            case '"':
                throw Error(start, "a field, a value or an operator (strings are written in single quotes)", "'\"'");
            case '&' when Peek(1) == '&':
                throw Error(start, "a field, a value or an operator (write AND)", "'&&'");
            case '|' when Peek(1) == '|':
                throw Error(start, "a field, a value or an operator (write OR)", "'||'");
        }

        if (char.IsAsciiDigit(c) || c == '-')
        {
            return ReadNumber();
        }

        if (c == '$' || char.IsLetter(c) || c == '_')
        {
            return ReadFieldOrKeyword();
        }

        throw Error(start, "a field, a value, an operator or a parenthesis", $"'{c}'");
    }

    private char Peek(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private string FoundAt(int index) => index < _text.Length ? $"'{_text[index]}'" : "end of input";

    private ConditionToken Operator(int start, int length)
    {
        _pos += length;
        return new ConditionToken(ConditionTokenKind.Operator, _text.Substring(start, length), start);
    }

    // '' inside a string is one quote; a backslash has no special meaning, so regular expressions need no double escaping.
    private ConditionToken ReadString()
    {
        var start = _pos++;
        var value = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(start, "a closing quote (') for the string that starts here", "end of input");
            }

            var c = _text[_pos++];
            if (c != '\'')
            {
                value.Append(c);
                continue;
            }

            if (_pos < _text.Length && _text[_pos] == '\'')
            {
                value.Append('\'');
                _pos++;
                continue;
            }

            break;
        }

        return new ConditionToken(ConditionTokenKind.String, _text[start.._pos], start, value.ToString());
    }

    private ConditionToken ReadNumber()
    {
        var start = _pos;
        if (_text[_pos] == '-')
        {
            _pos++;
            if (!char.IsAsciiDigit(Peek(0)))
            {
                throw Error(_pos, "a digit after '-'", FoundAt(_pos));
            }
        }

        SkipDigits();
        if (Peek(0) == '.')
        {
            _pos++;
            if (!char.IsAsciiDigit(Peek(0)))
            {
                throw Error(_pos, "a digit after the decimal point", FoundAt(_pos));
            }

            SkipDigits();
        }

        if (Peek(0) is 'e' or 'E')
        {
            _pos++;
            if (Peek(0) is '+' or '-')
            {
                _pos++;
            }

            if (!char.IsAsciiDigit(Peek(0)))
            {
                throw Error(_pos, "the digits of the exponent", FoundAt(_pos));
            }

            SkipDigits();
        }

        if (_pos < _text.Length && (IsNameChar(_text[_pos]) || _text[_pos] is '.' or '$' or '\''))
        {
            throw Error(_pos, "a space or an operator after the number", FoundAt(_pos));
        }

        var text = _text[start.._pos];
        var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(number))
        {
            throw Error(start, "a number within the range of a double", $"number {text}");
        }

        return new ConditionToken(ConditionTokenKind.Number, text, start, Number: number);
    }

    private void SkipDigits()
    {
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-';

    // A field is a name followed by any number of '.name', '[0]' and '['quoted name']' parts, or the same after '$'.
    // The token is checked here so that errors carry a position in the condition; FieldPath then compiles it.
    private ConditionToken ReadFieldOrKeyword()
    {
        var start = _pos;
        var plainWord = true;
        if (_text[_pos] == '$')
        {
            _pos++;
            plainWord = false;
            if (Peek(0) is not ('.' or '['))
            {
                throw Error(_pos, "'.' or '[' after '$'", FoundAt(_pos));
            }
        }
        else
        {
            SkipName();
        }

        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '.')
            {
                plainWord = false;
                _pos++;
                var nameStart = _pos;
                SkipName();
                if (_pos == nameStart)
                {
                    throw Error(_pos, "a field name after '.'", FoundAt(_pos));
                }
            }
            else if (c == '[')
            {
                plainWord = false;
                _pos++;
                ReadBracketContent();
            }
            else
            {
                break;
            }
        }

        var text = _text[start.._pos];
        if (plainWord && IsKeyword(text))
        {
            return new ConditionToken(ConditionTokenKind.Keyword, text, start, text.ToUpperInvariant());
        }

        try
        {
            FieldPath.Parse(text);
        }
        catch (MuxlyException ex)
        {
            throw Error(start, "a valid field path", $"'{text}' ({ex.Message})");
        }

        return new ConditionToken(ConditionTokenKind.Field, text, start);
    }

    private void SkipName()
    {
        while (_pos < _text.Length && IsNameChar(_text[_pos]))
        {
            _pos++;
        }
    }

    private void ReadBracketContent()
    {
        var c = Peek(0);
        if (c is '\'' or '"')
        {
            var quoteStart = _pos++;
            while (_pos < _text.Length && _text[_pos] != c)
            {
                // FieldPath reads a backslash in a quoted key as an escape for the next character.
                _pos += _text[_pos] == '\\' && _pos + 1 < _text.Length ? 2 : 1;
            }

            if (_pos >= _text.Length)
            {
                throw Error(quoteStart, $"a closing {c} for the key that starts here", "end of input");
            }

            _pos++;
        }
        else
        {
            var digitsStart = _pos;
            SkipDigits();
            if (_pos == digitsStart)
            {
                throw Error(_pos, "an array index (a whole number) or a quoted key after '['", FoundAt(_pos));
            }
        }

        if (Peek(0) != ']')
        {
            throw Error(_pos, "']'", FoundAt(_pos));
        }

        _pos++;
    }

    private MuxlyException Error(int index, string expected, string found) =>
        ConditionSyntaxErrors.At(_text, index, expected, found);
}
