using System.Globalization;
using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Router.Transformations;

/// <summary>A compiled formula over one kind of record: the result, or null with <paramref name="problem"/> set.</summary>
internal delegate double? FormulaEvaluator<in TRecord>(TRecord record, ref string? problem);

/// <summary>
/// An arithmetic formula over record fields, parsed once and compiled to a delegate.
/// <para>
/// Grammar: <c>+ - * / %</c> with the usual precedence (<c>* / %</c> before <c>+ -</c>, left to right), unary minus
/// and plus, parentheses, numbers (<c>12</c>, <c>0.5</c>, <c>.5</c>, <c>1e3</c>) and fields. A field is written bare
/// (<c>price</c>, <c>order.total</c>, <c>items[0].price</c>, <c>$.order.total</c>: letters, digits, <c>_</c>,
/// <c>$</c>, dots and bracketed parts, starting with a letter, <c>_</c> or <c>$</c>) or, for any other name, in braces
/// as a field path: <c>{unit price} * {vat-rate}</c>.
/// </para>
/// <para>
/// Arithmetic is in double precision. A field that is missing, null or not a number (text that is a number counts as
/// one) makes the result null, as does division or modulo by zero or a result too large to be a number; the reason
/// is reported.
/// </para>
/// </summary>
public sealed class FormulaExpression
{
    public const string SyntaxErrorId = "MuxlyFormulaSyntaxError";

    private readonly FormulaEvaluator<JsonObject> _evaluate;

    private FormulaExpression(string text, FormulaEvaluator<JsonObject> evaluate, IReadOnlyList<FieldPath> fields)
    {
        Text = text;
        _evaluate = evaluate;
        Fields = fields;
    }

    public string Text { get; }

    /// <summary>The fields the formula reads, in the order written.</summary>
    public IReadOnlyList<FieldPath> Fields { get; }

    /// <summary>Parses a formula, or throws <c>MuxlyFormulaSyntaxError</c> naming the position and what was expected.</summary>
    public static FormulaExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser<JsonObject>(text, FieldReader);
        var evaluate = parser.ParseAll();
        return new FormulaExpression(text, evaluate, parser.Fields);
    }

    /// <summary>
    /// The same formula compiled over another kind of record, whose fields <paramref name="readField"/> reads (the
    /// arithmetic, its order and its problems are the ones <see cref="Evaluate"/> has).
    /// </summary>
    internal FormulaEvaluator<TRecord> Compile<TRecord>(Func<FieldPath, FormulaEvaluator<TRecord>> readField) =>
        new Parser<TRecord>(Text, readField).ParseAll();

    /// <summary>The result, or null with <paramref name="problem"/> saying why (the first problem met).</summary>
    public double? Evaluate(JsonObject record, out string? problem)
    {
        problem = null;
        return _evaluate(record, ref problem);
    }

    public override string ToString() => Text;

    private enum TokenKind { Number, Field, Plus, Minus, Star, Slash, Percent, Open, Close, End }

    private readonly record struct Token(TokenKind Kind, int Position, double Number = 0, FieldPath? Field = null);

    private static FormulaEvaluator<JsonObject> FieldReader(FieldPath path) => (JsonObject record, ref string? problem) =>
    {
        if (!path.TryGet(record, out var value))
        {
            problem ??= $"field '{path}' is missing";
            return null;
        }

        if (!JsonValues.TryGetNumber(value, allowNumericText: true, out var number))
        {
            problem ??= value is null ? $"field '{path}' is null" : $"field '{path}' is not a number";
            return null;
        }

        return number;
    };

    /// <summary>Recursive descent over the tokens: expression = term (+|- term)*, term = unary (*|/|% unary)*.</summary>
    private sealed class Parser<TRecord>
    {
        private readonly string _text;
        private readonly List<Token> _tokens;
        private readonly Func<FieldPath, FormulaEvaluator<TRecord>> _readField;
        private int _next;

        public Parser(string text, Func<FieldPath, FormulaEvaluator<TRecord>> readField)
        {
            _text = text;
            _readField = readField;
            _tokens = Tokenize(text);
        }

        public List<FieldPath> Fields { get; } = [];

        public FormulaEvaluator<TRecord> ParseAll()
        {
            var result = ParseExpression();
            if (Peek.Kind != TokenKind.End)
            {
                throw Error(Peek.Position, Peek.Kind == TokenKind.Close ? "an operator or the end ('(' was not opened)" : "an operator or the end");
            }

            return result;
        }

        private Token Peek => _tokens[_next];

        private FormulaEvaluator<TRecord> ParseExpression()
        {
            var left = ParseTerm();
            while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
            {
                var op = _tokens[_next++].Kind;
                left = Binary(left, op, ParseTerm());
            }

            return left;
        }

        private FormulaEvaluator<TRecord> ParseTerm()
        {
            var left = ParseUnary();
            while (Peek.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
            {
                var op = _tokens[_next++].Kind;
                left = Binary(left, op, ParseUnary());
            }

            return left;
        }

        private FormulaEvaluator<TRecord> ParseUnary()
        {
            if (Peek.Kind is TokenKind.Minus)
            {
                _next++;
                var operand = ParseUnary();
                return (TRecord record, ref string? problem) => -operand(record, ref problem);
            }

            if (Peek.Kind is TokenKind.Plus)
            {
                _next++;
                return ParseUnary();
            }

            return ParsePrimary();
        }

        private FormulaEvaluator<TRecord> ParsePrimary()
        {
            var token = _tokens[_next];
            switch (token.Kind)
            {
                case TokenKind.Number:
                    _next++;
                    var number = token.Number;
                    return (TRecord _, ref string? _) => number;
                case TokenKind.Field:
                    _next++;
                    Fields.Add(token.Field!);
                    return _readField(token.Field!);
                case TokenKind.Open:
                    _next++;
                    var inner = ParseExpression();
                    if (Peek.Kind != TokenKind.Close)
                    {
                        throw Error(Peek.Position, $"')' to close the '(' at position {token.Position + 1}");
                    }

                    _next++;
                    return inner;
                default:
                    throw Error(token.Position, "a number, a field or '('");
            }
        }

        private static FormulaEvaluator<TRecord> Binary(FormulaEvaluator<TRecord> left, TokenKind op, FormulaEvaluator<TRecord> right) => (TRecord record, ref string? problem) =>
        {
            if (left(record, ref problem) is not { } x || right(record, ref problem) is not { } y)
            {
                return null;
            }

            if (y == 0 && op is TokenKind.Slash or TokenKind.Percent)
            {
                problem ??= op is TokenKind.Slash ? "division by zero" : "modulo by zero";
                return null;
            }

            var result = op switch
            {
                TokenKind.Plus => x + y,
                TokenKind.Minus => x - y,
                TokenKind.Star => x * y,
                TokenKind.Slash => x / y,
                _ => x % y,
            };
            if (!double.IsFinite(result))
            {
                problem ??= "the result is too large to be a number";
                return null;
            }

            return result;
        };

        private List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                    continue;
                }

                var start = i;
                TokenKind? single = c switch
                {
                    '+' => TokenKind.Plus,
                    '-' => TokenKind.Minus,
                    '*' => TokenKind.Star,
                    '/' => TokenKind.Slash,
                    '%' => TokenKind.Percent,
                    '(' => TokenKind.Open,
                    ')' => TokenKind.Close,
                    _ => null,
                };
                if (single is { } kind)
                {
                    tokens.Add(new Token(kind, i++));
                }
                else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
                {
                    tokens.Add(new Token(TokenKind.Number, start, ReadNumber(text, ref i)));
                }
                else if (c == '{')
                {
                    var close = text.IndexOf('}', i + 1);
                    if (close < 0)
                    {
                        throw Error(text.Length, "'}' to close the field name in braces at position " + (start + 1));
                    }

                    tokens.Add(new Token(TokenKind.Field, start, Field: ParseField(text[(i + 1)..close], start)));
                    i = close + 1;
                }
                else if (char.IsLetter(c) || c is '_' or '$')
                {
                    ReadBareField(text, ref i);
                    tokens.Add(new Token(TokenKind.Field, start, Field: ParseField(text[start..i], start)));
                }
                else
                {
                    throw Error(i, $"a number, a field, an operator or a parenthesis, not '{c}'");
                }
            }

            tokens.Add(new Token(TokenKind.End, text.Length));
            return tokens;
        }

        private double ReadNumber(string text, ref int i)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i < text.Length && text[i] == '.')
            {
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
            }

            if (i < text.Length && text[i] is 'e' or 'E')
            {
                var exponent = i + 1;
                if (exponent < text.Length && text[exponent] is '+' or '-')
                {
                    exponent++;
                }

                if (exponent >= text.Length || !char.IsAsciiDigit(text[exponent]))
                {
                    throw Error(exponent, "digits of the exponent");
                }

                i = exponent;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
            }

            var number = double.Parse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
            return double.IsFinite(number) ? number : throw Error(start, "a number small enough to represent");
        }

        /// <summary>Advances over a bare field: name characters, dots, and bracketed indexes or quoted names.</summary>
        private void ReadBareField(string text, ref int i)
        {
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsLetterOrDigit(c) || c is '_' or '$' or '.')
                {
                    i++;
                }
                else if (c == '[')
                {
                    var open = i++;
                    char? quote = null;
                    while (i < text.Length && (quote is not null || text[i] != ']'))
                    {
                        if (quote is null && text[i] is '\'' or '"')
                        {
                            quote = text[i];
                        }
                        else if (quote == text[i])
                        {
                            quote = null;
                        }

                        i++;
                    }

                    if (i >= text.Length)
                    {
                        throw Error(text.Length, $"']' to close the '[' at position {open + 1}");
                    }

                    i++;
                }
                else
                {
                    return;
                }
            }
        }

        private FieldPath ParseField(string path, int position)
        {
            try
            {
                return FieldPath.Parse(path);
            }
            catch (MuxlyException ex)
            {
                throw Error(position, $"a valid field ({ex.Message})");
            }
        }

        private MuxlyException Error(int position, string expected) =>
            MuxlyException.Invalid(SyntaxErrorId,
                $"The formula '{_text}' has a syntax error at position {position + 1}: expected {expected}.", _text);
    }
}
