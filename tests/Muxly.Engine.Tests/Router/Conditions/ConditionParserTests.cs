using Muxly.Router.Conditions;

namespace Muxly.Tests.Router.Conditions;

public sealed class ConditionParserTests
{
    [Theory]
    [InlineData("a == 1 OR b == 2 AND c == 3", "(a == 1 OR (b == 2 AND c == 3))")]
    [InlineData("a == 1 AND b == 2 OR c == 3", "((a == 1 AND b == 2) OR c == 3)")]
    [InlineData("a == 1 OR b == 2 OR c == 3", "((a == 1 OR b == 2) OR c == 3)")]
    [InlineData("a == 1 AND b == 2 AND c == 3", "((a == 1 AND b == 2) AND c == 3)")]
    [InlineData("NOT a == 1 AND b == 2", "(NOT a == 1 AND b == 2)")]
    [InlineData("NOT a == 1 OR b == 2", "(NOT a == 1 OR b == 2)")]
    [InlineData("NOT (a == 1 AND b == 2)", "NOT (a == 1 AND b == 2)")]
    [InlineData("a == 1 AND NOT b == 2 OR c == 3", "((a == 1 AND NOT b == 2) OR c == 3)")]
    [InlineData("(a == 1 OR b == 2) AND c == 3", "((a == 1 OR b == 2) AND c == 3)")]
    [InlineData("a == 1 AND (b == 2 OR c == 3)", "(a == 1 AND (b == 2 OR c == 3))")]
    [InlineData("((a == 1))", "a == 1")]
    [InlineData("NOT NOT a == 1", "NOT NOT a == 1")]
    [InlineData("a == 1 and b == 2 Or NOT c == 3", "((a == 1 AND b == 2) OR NOT c == 3)")]
    public void Precedence_is_NOT_then_AND_then_OR(string condition, string canonical)
    {
        Assert.Equal(canonical, ConditionParser.Parse(condition).ToString());
    }

    [Theory]
    [InlineData("x==1", "x == 1")]
    [InlineData("x!=1e3", "x != 1e3")]
    [InlineData("x>=-2.5", "x >= -2.5")]
    [InlineData("x<'b'", "x < 'b'")]
    [InlineData("x  <=  y.z", "x <= y.z")]
    [InlineData("x > 0 ", "x > 0")]
    [InlineData("x contains 'y'", "x CONTAINS 'y'")]
    [InlineData("x not contains 'y'", "x NOT CONTAINS 'y'")]
    [InlineData("x icontains 'y'", "x ICONTAINS 'y'")]
    [InlineData("x starts with 'y'", "x STARTS WITH 'y'")]
    [InlineData("x not istarts with 'y'", "x NOT ISTARTS WITH 'y'")]
    [InlineData("x ends   with 'y'", "x ENDS WITH 'y'")]
    [InlineData("x iends with 'y'", "x IENDS WITH 'y'")]
    [InlineData("x iequals 'y'", "x IEQUALS 'y'")]
    [InlineData("x not iequals 'y'", "x NOT IEQUALS 'y'")]
    [InlineData("x in (1,'a',TRUE,false,Null)", "x IN (1, 'a', true, false, null)")]
    [InlineData("x not in ( 1 )", "x NOT IN (1)")]
    [InlineData("x matches '^a''b$'", "x MATCHES '^a''b$'")]
    [InlineData("x not matches 'y'", "x NOT MATCHES 'y'")]
    [InlineData("exists x", "EXISTS x")]
    [InlineData("x exists", "EXISTS x")]
    [InlineData("not exists x", "NOT EXISTS x")]
    [InlineData("x not exists", "NOT EXISTS x")]
    [InlineData("$.a.b[0] >= -2.5", "$.a.b[0] >= -2.5")]
    [InlineData("$['odd key'].x == 1", "$['odd key'].x == 1")]
    [InlineData("items[0].sku == 'A'", "items[0].sku == 'A'")]
    [InlineData("'it''s' == x", "'it''s' == x")]
    [InlineData("x-ray == _y", "x-ray == _y")]
    public void Operators_and_keywords_are_read_in_any_case_and_spacing(string condition, string canonical)
    {
        Assert.Equal(canonical, ConditionParser.Parse(condition).ToString());
    }

    [Fact]
    public void A_comparison_exposes_its_operands_and_operator()
    {
        var comparison = Assert.IsType<ComparisonCondition>(ConditionParser.Parse("user.profile.age >= 18"));

        Assert.Equal("user.profile.age", Assert.IsType<FieldOperand>(comparison.Left).Path.Text);
        Assert.Equal(ConditionOperator.GreaterThanOrEqual, comparison.Operator);
        var literal = Assert.IsType<LiteralOperand>(comparison.Right);
        Assert.Equal(LiteralKind.Number, literal.Kind);
        Assert.Equal(18d, literal.Number);
        Assert.False(comparison.Negated);
        Assert.False(comparison.IgnoreCase);
    }

    [Theory]
    [InlineData("name == 'it''s'", "it's")]
    [InlineData("name == ''''", "'")]
    [InlineData("name == ''", "")]
    [InlineData("name == 'a''''b'", "a''b")]
    [InlineData(@"name == 'C:\temp'", @"C:\temp")]
    [InlineData(@"name == '\'", @"\")]
    [InlineData("name == 'AND OR NOT ( ) =='", "AND OR NOT ( ) ==")]
    [InlineData("name == 'naïve ✓'", "naïve ✓")]
    public void A_quote_inside_a_string_is_doubled_and_a_backslash_is_literal(string condition, string value)
    {
        var comparison = Assert.IsType<ComparisonCondition>(ConditionParser.Parse(condition));

        Assert.Equal(value, Assert.IsType<LiteralOperand>(comparison.Right).String);
    }

    [Fact]
    public void Each_part_knows_where_it_was_written()
    {
        var and = Assert.IsType<AndCondition>(ConditionParser.Parse("amount > 1000 AND (status == 'x')"));

        Assert.Equal(1, and.Position);
        Assert.Equal("amount > 1000 AND (status == 'x')", and.Text);
        Assert.Equal("amount > 1000", and.Left.Text);
        Assert.Equal(19, and.Right.Position);
        Assert.Equal("(status == 'x')", and.Right.Text);
    }

    [Fact]
    public void An_in_list_keeps_its_literals_in_order()
    {
        var @in = Assert.IsType<InCondition>(ConditionParser.Parse("code NOT IN ('a', 2, true, null)"));

        Assert.True(@in.Negated);
        Assert.Equal("code", @in.Field.Text);
        Assert.Equal(
            new[] { LiteralKind.String, LiteralKind.Number, LiteralKind.Boolean, LiteralKind.Null },
            @in.Values.Select(v => v.Kind));
    }

    [Fact]
    public void A_regular_expression_is_kept_as_written()
    {
        var matches = Assert.IsType<MatchesCondition>(ConditionParser.Parse(@"code MATCHES '^\d{3}-''x''$'"));

        Assert.Equal(@"^\d{3}-'x'$", matches.Pattern);
    }

    /// <summary>Condition, 1-based position, and the part of the message after "at position N: ".</summary>
    public static TheoryData<string, int, string> SyntaxErrors => new()
    {
        // unbalanced parentheses
        { "(a == 1", 8, "expected AND, OR or ')' to close the '(' at position 1, found end of input." },
        { "((a == 1) OR b == 2", 20, "expected AND, OR or ')' to close the '(' at position 1, found end of input." },
        { "(a == 1 b == 2)", 9, "expected AND, OR or ')' to close the '(' at position 1, found field 'b'." },
        { "a == 1)", 7, "expected AND, OR or end of input, found ')' with no matching '('." },
        { "(a == 1))", 9, "expected AND, OR or end of input, found ')' with no matching '('." },
        { "()", 2, "expected a condition after '(', found ')'." },

        // unterminated strings
        { "a == 'abc", 6, "expected a closing quote (') for the string that starts here, found end of input." },
        { "a == 'it''s", 6, "expected a closing quote (') for the string that starts here, found end of input." },
        { "a IN ('x', 'y)", 12, "expected a closing quote (') for the string that starts here, found end of input." },

        // unknown or malformed operators
        { "a = 1", 3, "expected an operator such as '==' (equality is written with two '='), found '='." },
        { "a === 1", 5, "expected an operator such as '==' (equality is written with two '='), found '='." },
        { "a ! 1", 3, "expected '!=' (negation is written NOT), found '!'." },
        { "a LIKE 'x'", 3, "expected an operator (==, !=, >, >=, <, <=, CONTAINS, STARTS WITH, ENDS WITH, IN, MATCHES or EXISTS) after field 'a', found field 'LIKE'." },
        { "a AND b", 3, "expected an operator (==, !=, >, >=, <, <=, CONTAINS, STARTS WITH, ENDS WITH, IN, MATCHES or EXISTS) after field 'a', found 'AND'." },
        { "a", 2, "expected an operator (==, !=, >, >=, <, <=, CONTAINS, STARTS WITH, ENDS WITH, IN, MATCHES or EXISTS) after field 'a', found end of input." },
        { "a <> 1", 4, "expected a value after '<', found '>'." },
        { "a == 1 && b == 2", 8, "expected a field, a value or an operator (write AND), found '&&'." },
        { "a == 1 || b == 2", 8, "expected a field, a value or an operator (write OR), found '||'." },
        { "a # 1", 3, "expected a field, a value, an operator or a parenthesis, found '#'." },
        { "a == \"x\"", 6, "expected a field, a value or an operator (strings are written in single quotes), found '\"'." },
        { "a STARTS 'x'", 10, "expected WITH after 'STARTS', found string 'x'." },
        { "a NOT == 1", 7, "expected CONTAINS, ICONTAINS, STARTS WITH, ENDS WITH, IN, MATCHES, EXISTS or IEQUALS after 'NOT', found '=='." },

        // AND / OR / NOT with a missing side
        { "a == 1 AND", 11, "expected a condition after 'AND', found end of input." },
        { "a == 1 and ", 12, "expected a condition after 'and', found end of input." },
        { "AND a == 1", 1, "expected a condition, found 'AND'." },
        { "a == 1 AND OR b == 2", 12, "expected a condition after 'AND', found 'OR'." },
        { "a == 1 OR", 10, "expected a condition after 'OR', found end of input." },
        { "a == 1 AND ) ", 12, "expected a condition after 'AND', found ')'." },
        { "NOT", 4, "expected a condition after 'NOT', found end of input." },
        { "a == 1 b == 2", 8, "expected AND, OR or end of input, found field 'b'." },

        // comparisons with a missing or unusable side
        { "a > ", 5, "expected a value after '>', found end of input." },
        { "amount > 1000 AND b >", 22, "expected a value after '>', found end of input." },
        { "a == AND", 6, "expected a value after '==', found 'AND'." },
        { "a CONTAINS", 11, "expected a value after 'CONTAINS', found end of input." },
        { "a NOT STARTS WITH", 18, "expected a value after 'NOT STARTS WITH', found end of input." },
        { "1 == 2", 1, "expected a field on at least one side of '==', found two values." },
        { "'a' CONTAINS 'b'", 1, "expected a field on at least one side of 'CONTAINS', found two values." },
        { "a > true", 5, "expected a number, a string or a field on each side of '>' (true, false and null have no order), found 'true'." },
        { "null <= a", 1, "expected a number, a string or a field on each side of '<=' (true, false and null have no order), found 'null'." },
        { "a STARTS WITH 5", 15, "expected a field or a string after 'STARTS WITH', found number 5." },
        { "a ICONTAINS true", 13, "expected a field or a string after 'ICONTAINS', found 'true'." },
        { "5 CONTAINS a", 1, "expected a field or a string before 'CONTAINS', found number 5." },

        // IN lists
        { "a IN ()", 7, "expected at least one value in 'IN (...)', found ')'." },
        { "a not in ( )", 12, "expected at least one value in 'in (...)', found ')'." },
        { "a IN ('x',)", 11, "expected a number, a string, true, false or null in the 'IN' list, found ')'." },
        { "a IN ('x' 'y')", 11, "expected ',' or ')' in the 'IN' list, found string 'y'." },
        { "a IN ('x'", 10, "expected ',' or ')' in the 'IN' list, found end of input." },
        { "a IN 'x'", 6, "expected '(' after 'IN', found string 'x'." },
        { "a IN (b)", 7, "expected a number, a string, true, false or null in the 'IN' list, found field 'b'." },
        { "5 IN (1)", 1, "expected a field before 'IN', found number 5." },

        // MATCHES and EXISTS
        { "a MATCHES b", 11, "expected a regular expression in single quotes after 'MATCHES', found field 'b'." },
        { "a MATCHES", 10, "expected a regular expression in single quotes after 'MATCHES', found end of input." },
        { "'x' MATCHES 'y'", 1, "expected a field before 'MATCHES', found string 'x'." },
        { "EXISTS 5", 8, "expected a field after 'EXISTS', found number 5." },
        { "EXISTS", 7, "expected a field after 'EXISTS', found end of input." },
        { "1 EXISTS", 1, "expected a field before 'EXISTS', found number 1." },

        // fields and numbers
        { "in == 1", 1, "expected a condition, found 'in'." },
        { "$x == 1", 2, "expected '.' or '[' after '$', found 'x'." },
        { "a. == 1", 3, "expected a field name after '.', found ' '." },
        { "items[x] == 1", 7, "expected an array index (a whole number) or a quoted key after '[', found 'x'." },
        { "items[0 == 1", 8, "expected ']', found ' '." },
        { "$['a == 1", 3, "expected a closing ' for the key that starts here, found end of input." },
        { "a == 1.", 8, "expected a digit after the decimal point, found end of input." },
        { "a == 1e", 8, "expected the digits of the exponent, found end of input." },
        { "a == 12abc", 8, "expected a space or an operator after the number, found 'a'." },
        { "a == -", 7, "expected a digit after '-', found end of input." },
        { "a == 1e999", 6, "expected a number within the range of a double, found number 1e999." },
    };

    [Theory]
    [MemberData(nameof(SyntaxErrors))]
    public void A_syntax_error_names_the_position_what_was_expected_and_what_was_found(string condition, int position, string detail)
    {
        var error = Assert.Throws<MuxlyException>(() => ConditionParser.Parse(condition));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("MuxlyConditionSyntaxError", error.ErrorId);
        Assert.Equal($"Condition syntax error at position {position}: {detail}", error.Message);
        Assert.Equal(position, error.Data["Position"]);
        Assert.Equal(condition, error.Target);
    }

    [Theory]
    [MemberData(nameof(SyntaxErrors))]
    public void Compiling_reports_the_same_syntax_errors(string condition, int position, string detail)
    {
        var error = Assert.Throws<MuxlyException>(() => ConditionCompiler.Compile(condition));

        Assert.Equal("MuxlyConditionSyntaxError", error.ErrorId);
        Assert.EndsWith(detail, error.Message);
        Assert.Equal(position, error.Data["Position"]);
    }

    [Theory]
    [InlineData("code MATCHES '('", 14)]
    [InlineData("code MATCHES '[a-'", 14)]
    [InlineData("a == 1 AND code NOT MATCHES '*x'", 29)]
    [InlineData(@"code MATCHES '\'", 14)]
    public void An_invalid_regular_expression_is_rejected_when_parsed(string condition, int position)
    {
        var error = Assert.Throws<MuxlyException>(() => ConditionCompiler.Compile(condition));

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("MuxlyConditionRegexInvalid", error.ErrorId);
        Assert.StartsWith($"Condition error at position {position}: the regular expression '", error.Message);
        Assert.Contains("after MATCHES is not valid", error.Message);
        Assert.Equal(position, error.Data["Position"]);
    }

    [Fact]
    public void The_first_error_in_reading_order_is_reported()
    {
        // The parser stops at the missing value before the tokenizer would reach the unterminated string.
        var error = Assert.Throws<MuxlyException>(() => ConditionParser.Parse("a > AND b == 'oops"));

        Assert.Equal(5, error.Data["Position"]);
    }
}
