using System.Text.RegularExpressions;
using Muxly.Router.Records;

namespace Muxly.Router.Conditions;

/// <summary>
/// Parses the condition language of routing rules into a <see cref="ConditionNode"/> tree.
/// </summary>
/// <remarks>
/// <para>Grammar, loosest binding first (keywords in any case):</para>
/// <code>
/// condition  := (empty)  |  or
/// or         := and ( OR and )*
/// and        := not ( AND not )*
/// not        := NOT not  |  primary
/// primary    := '(' or ')'  |  EXISTS field  |  operand predicate
/// predicate  := ( == | != | &gt; | &gt;= | &lt; | &lt;= ) operand
///             | [NOT] ( CONTAINS | ICONTAINS | IEQUALS ) operand
///             | [NOT] ( STARTS | ISTARTS | ENDS | IENDS ) WITH operand
///             | [NOT] IN '(' literal ( ',' literal )* ')'
///             | [NOT] MATCHES 'regex'
///             | [NOT] EXISTS
/// operand    := field | literal
/// literal    := number | 'string' | true | false | null
/// field      := name ( '.' name | '[' index ']' | '[' 'key' ']' )*   |   '$' ( '.' name | '[' ... ']' )+
/// </code>
/// <para>So <c>NOT</c> binds tighter than <c>AND</c>, which binds tighter than <c>OR</c>. A name is letters, digits,
/// <c>_</c> and <c>-</c>, starting with a letter or <c>_</c>; a field named like a keyword (<c>in</c>, <c>with</c>...)
/// is written <c>$.in</c> or <c>$['in']</c>. Strings use single quotes; a quote inside is doubled (<c>'it''s'</c>) and a
/// backslash is an ordinary character, so <c>MATCHES '^\d+$'</c> needs no extra escaping.</para>
/// <para>Checks made here rather than per record: a comparison needs a field on at least one side; <c>IN</c>,
/// <c>MATCHES</c> and <c>EXISTS</c> need a field on the left; <c>&lt; &lt;= &gt; &gt;=</c> reject <c>true</c>,
/// <c>false</c> and <c>null</c> literals (they have no order); the string operators (other than <c>CONTAINS</c>,
/// which also finds numbers, booleans and null in arrays) reject literals that are not strings; the regular
/// expression of <c>MATCHES</c> must be valid.</para>
/// <para>Errors are <see cref="MuxlyException"/>s of kind <see cref="MuxlyErrorKind.InvalidArgument"/> with ErrorId
/// <c>MuxlyConditionSyntaxError</c> (or <c>MuxlyConditionRegexInvalid</c>), a message naming the 1-based position,
/// what was expected and what was found, and the position in <c>Data["Position"]</c>.</para>
/// </remarks>
public static class ConditionParser
{
    /// <summary>Parses <paramref name="text"/>. Null, empty or white space gives an <see cref="AlwaysTrueCondition"/>.</summary>
    public static ConditionNode Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new AlwaysTrueCondition().WithSpan<AlwaysTrueCondition>(text ?? string.Empty, 0, text?.Length ?? 0);
        }

        return new Parser(text).ParseAll();
    }

    private sealed class Parser
    {
        private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

        private const string OperatorList = "an operator (==, !=, >, >=, <, <=, CONTAINS, STARTS WITH, ENDS WITH, IN, MATCHES or EXISTS)";

        private readonly string _text;
        private readonly ConditionTokenizer _tokenizer;
        private ConditionToken _current;

        public Parser(string text)
        {
            _text = text;
            _tokenizer = new ConditionTokenizer(text);
            _current = _tokenizer.Next();
        }

        public ConditionNode ParseAll()
        {
            var node = ParseOr(null);
            if (_current.Kind == ConditionTokenKind.RightParen)
            {
                throw ConditionSyntaxErrors.At(_text, _current.Start, "AND, OR or end of input", "')' with no matching '('");
            }

            if (_current.Kind != ConditionTokenKind.End)
            {
                throw Error("AND, OR or end of input");
            }

            return node;
        }

        private ConditionToken Advance()
        {
            var token = _current;
            _current = _tokenizer.Next();
            return token;
        }

        private MuxlyException Error(string expected) => ConditionSyntaxErrors.At(_text, _current, expected);

        private T Span<T>(T node, int start, int end)
            where T : ConditionNode => node.WithSpan<T>(_text, start, end);

        private ConditionNode ParseOr(ConditionToken? after)
        {
            var left = ParseAnd(after);
            while (_current.IsKeyword("OR"))
            {
                var op = Advance();
                var right = ParseAnd(op);
                left = Span(new OrCondition(left, right), left.Start, right.End);
            }

            return left;
        }

        private ConditionNode ParseAnd(ConditionToken? after)
        {
            var left = ParseNot(after);
            while (_current.IsKeyword("AND"))
            {
                var op = Advance();
                var right = ParseNot(op);
                left = Span(new AndCondition(left, right), left.Start, right.End);
            }

            return left;
        }

        private ConditionNode ParseNot(ConditionToken? after)
        {
            if (!_current.IsKeyword("NOT"))
            {
                return ParsePrimary(after);
            }

            var not = Advance();
            var operand = ParseNot(not);
            return Span(new NotCondition(operand), not.Start, operand.End);
        }

        private ConditionNode ParsePrimary(ConditionToken? after)
        {
            if (_current.Kind == ConditionTokenKind.LeftParen)
            {
                var open = Advance();
                var inner = ParseOr(open);
                if (_current.Kind != ConditionTokenKind.RightParen)
                {
                    throw Error($"AND, OR or ')' to close the '(' at position {open.Start + 1}");
                }

                var close = Advance();
                return Span(inner, open.Start, close.End);
            }

            if (_current.IsKeyword("EXISTS"))
            {
                var exists = Advance();
                if (_current.Kind != ConditionTokenKind.Field)
                {
                    throw Error($"a field after '{exists.Text}'");
                }

                var field = Advance();
                return Span(new ExistsCondition(FieldPath.Parse(field.Text)), exists.Start, field.End);
            }

            if (TryReadOperand(out var leftToken, out var left))
            {
                return ParsePredicate(leftToken, left);
            }

            throw Error(after is { } a ? $"a condition after '{a.Text}'" : "a condition");
        }

        private bool TryReadOperand(out ConditionToken token, out ConditionOperand operand)
        {
            token = _current;
            switch (_current.Kind)
            {
                case ConditionTokenKind.Field:
                    operand = new FieldOperand(FieldPath.Parse(token.Text));
                    break;
                case ConditionTokenKind.Number:
                    operand = LiteralOperand.FromNumber(token.Number, token.Text);
                    break;
                case ConditionTokenKind.String:
                    operand = LiteralOperand.FromString(token.Value!);
                    break;
                case ConditionTokenKind.Keyword when token.Value == "TRUE":
                    operand = LiteralOperand.FromBoolean(true);
                    break;
                case ConditionTokenKind.Keyword when token.Value == "FALSE":
                    operand = LiteralOperand.FromBoolean(false);
                    break;
                case ConditionTokenKind.Keyword when token.Value == "NULL":
                    operand = LiteralOperand.Null;
                    break;
                default:
                    operand = null!;
                    return false;
            }

            Advance();
            return true;
        }

        private ConditionNode ParsePredicate(ConditionToken leftToken, ConditionOperand left)
        {
            if (_current.Kind == ConditionTokenKind.Operator)
            {
                var symbol = Advance();
                var op = symbol.Text switch
                {
                    "==" => ConditionOperator.Equal,
                    "!=" => ConditionOperator.NotEqual,
                    ">" => ConditionOperator.GreaterThan,
                    ">=" => ConditionOperator.GreaterThanOrEqual,
                    "<" => ConditionOperator.LessThan,
                    _ => ConditionOperator.LessThanOrEqual,
                };
                return ParseComparison(leftToken, left, symbol.Text, op, negated: false, ignoreCase: false);
            }

            var negated = false;
            ConditionToken? not = null;
            if (_current.IsKeyword("NOT"))
            {
                not = Advance();
                negated = true;
                if (_current.Kind != ConditionTokenKind.Keyword || _current.Value is not
                    ("CONTAINS" or "ICONTAINS" or "STARTS" or "ISTARTS" or "ENDS" or "IENDS" or "IN" or "MATCHES" or "EXISTS" or "IEQUALS"))
                {
                    throw Error("CONTAINS, ICONTAINS, STARTS WITH, ENDS WITH, IN, MATCHES, EXISTS or IEQUALS after 'NOT'");
                }
            }

            if (_current.Kind != ConditionTokenKind.Keyword)
            {
                throw Error($"{OperatorList} after {leftToken.Describe()}");
            }

            var keyword = _current;
            var label = not is { } n ? $"{n.Text} {keyword.Text}" : keyword.Text;
            switch (keyword.Value)
            {
                case "CONTAINS":
                case "ICONTAINS":
                    Advance();
                    return ParseComparison(leftToken, left, label, ConditionOperator.Contains, negated, keyword.Value == "ICONTAINS");
                case "IEQUALS":
                    Advance();
                    return ParseComparison(leftToken, left, label,
                        negated ? ConditionOperator.NotEqual : ConditionOperator.Equal, negated: false, ignoreCase: true);
                case "STARTS":
                case "ISTARTS":
                case "ENDS":
                case "IENDS":
                {
                    Advance();
                    if (!_current.IsKeyword("WITH"))
                    {
                        throw Error($"WITH after '{keyword.Text}'");
                    }

                    var with = Advance();
                    var op = keyword.Value.EndsWith("STARTS", StringComparison.Ordinal) ? ConditionOperator.StartsWith : ConditionOperator.EndsWith;
                    return ParseComparison(leftToken, left, $"{label} {with.Text}", op, negated, keyword.Value[0] == 'I');
                }

                case "IN":
                    return ParseIn(leftToken, left, negated);
                case "MATCHES":
                    return ParseMatches(leftToken, left, negated);
                case "EXISTS":
                {
                    var field = RequireField(leftToken, left, keyword);
                    var exists = Advance();
                    if (!negated)
                    {
                        return Span(new ExistsCondition(field), leftToken.Start, exists.End);
                    }

                    // 'a NOT EXISTS' is NOT around EXISTS; the inner part is named as if written 'EXISTS a' for Explain.
                    var inner = new ExistsCondition(field).WithSpan<ExistsCondition>(_text, leftToken.Start, exists.End, $"EXISTS {field}");
                    return Span(new NotCondition(inner), leftToken.Start, exists.End);
                }

                default:
                    throw Error($"{OperatorList} after {leftToken.Describe()}");
            }
        }

        private ComparisonCondition ParseComparison(
            ConditionToken leftToken,
            ConditionOperand left,
            string label,
            ConditionOperator op,
            bool negated,
            bool ignoreCase)
        {
            var rightToken = _current;
            if (!TryReadOperand(out _, out var right))
            {
                throw Error($"a value after '{label}'");
            }

            if (left is LiteralOperand && right is LiteralOperand)
            {
                throw ConditionSyntaxErrors.At(_text, leftToken.Start, $"a field on at least one side of '{label}'", "two values");
            }

            var ordering = op is ConditionOperator.GreaterThan or ConditionOperator.GreaterThanOrEqual
                or ConditionOperator.LessThan or ConditionOperator.LessThanOrEqual;
            if (ordering)
            {
                RejectUnordered(leftToken, left, label);
                RejectUnordered(rightToken, right, label);
            }

            var needsStrings = op is ConditionOperator.StartsWith or ConditionOperator.EndsWith
                || (op == ConditionOperator.Contains && ignoreCase);
            if (needsStrings || op == ConditionOperator.Contains)
            {
                if (left is LiteralOperand { Kind: not LiteralKind.String })
                {
                    throw ConditionSyntaxErrors.At(_text, leftToken, $"a field or a string before '{label}'");
                }

                if (needsStrings && right is LiteralOperand { Kind: not LiteralKind.String })
                {
                    throw ConditionSyntaxErrors.At(_text, rightToken, $"a field or a string after '{label}'");
                }
            }

            return Span(new ComparisonCondition(left, op, right, negated, ignoreCase), leftToken.Start, rightToken.End);
        }

        private void RejectUnordered(ConditionToken token, ConditionOperand operand, string label)
        {
            if (operand is LiteralOperand { Kind: LiteralKind.Boolean or LiteralKind.Null })
            {
                throw ConditionSyntaxErrors.At(_text, token,
                    $"a number, a string or a field on each side of '{label}' (true, false and null have no order)");
            }
        }

        private FieldPath RequireField(ConditionToken leftToken, ConditionOperand left, ConditionToken keyword) =>
            left is FieldOperand field
                ? field.Path
                : throw ConditionSyntaxErrors.At(_text, leftToken, $"a field before '{keyword.Text}'");

        private InCondition ParseIn(ConditionToken leftToken, ConditionOperand left, bool negated)
        {
            var field = RequireField(leftToken, left, _current);
            var inToken = Advance();
            if (_current.Kind != ConditionTokenKind.LeftParen)
            {
                throw Error($"'(' after '{inToken.Text}'");
            }

            Advance();
            if (_current.Kind == ConditionTokenKind.RightParen)
            {
                throw Error($"at least one value in '{inToken.Text} (...)'");
            }

            var values = new List<LiteralOperand>();
            while (true)
            {
                if (_current.Kind == ConditionTokenKind.Field || !TryReadOperand(out _, out var value))
                {
                    throw Error($"a number, a string, true, false or null in the '{inToken.Text}' list");
                }

                values.Add((LiteralOperand)value);
                if (_current.Kind == ConditionTokenKind.Comma)
                {
                    Advance();
                    continue;
                }

                if (_current.Kind != ConditionTokenKind.RightParen)
                {
                    throw Error($"',' or ')' in the '{inToken.Text}' list");
                }

                var close = Advance();
                return Span(new InCondition(field, values, negated), leftToken.Start, close.End);
            }
        }

        private MatchesCondition ParseMatches(ConditionToken leftToken, ConditionOperand left, bool negated)
        {
            var field = RequireField(leftToken, left, _current);
            var matches = Advance();
            if (_current.Kind != ConditionTokenKind.String)
            {
                throw Error($"a regular expression in single quotes after '{matches.Text}'");
            }

            var patternToken = Advance();
            Regex regex;
            try
            {
                regex = new Regex(patternToken.Value!, RegexOptions.CultureInvariant, MatchTimeout);
            }
            catch (ArgumentException ex)
            {
                throw ConditionSyntaxErrors.InvalidRegex(_text, patternToken, patternToken.Value!, ex.Message);
            }

            return Span(new MatchesCondition(field, regex, negated), leftToken.Start, patternToken.End);
        }
    }
}
