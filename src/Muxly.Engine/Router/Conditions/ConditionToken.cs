namespace Muxly.Router.Conditions;

internal enum ConditionTokenKind
{
    End,
    Field,
    Number,
    String,
    Keyword,
    Operator,
    LeftParen,
    RightParen,
    Comma,
}

/// <summary>
/// One token of a condition. <see cref="Start"/> is a 0-based index into the condition text; <see cref="Value"/> is the
/// unescaped content of a string, or the upper-case spelling of a keyword.
/// </summary>
internal readonly record struct ConditionToken(
    ConditionTokenKind Kind,
    string Text,
    int Start,
    string? Value = null,
    double Number = 0)
{
    public int End => Start + Text.Length;

    public bool IsKeyword(string keyword) => Kind == ConditionTokenKind.Keyword && Value == keyword;

    /// <summary>How the token is named in "found ..." in an error message.</summary>
    public string Describe() => Kind switch
    {
        ConditionTokenKind.End => "end of input",
        ConditionTokenKind.Field => $"field '{Text}'",
        ConditionTokenKind.Number => $"number {Text}",
        ConditionTokenKind.String => $"string {Text}",
        _ => $"'{Text}'",
    };
}
