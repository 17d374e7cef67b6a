namespace Muxly.Router.Conditions;

/// <summary>Builds the errors a condition can raise while it is parsed, so every message has the same shape.</summary>
internal static class ConditionSyntaxErrors
{
    public const string SyntaxErrorId = "MuxlyConditionSyntaxError";
    public const string RegexInvalidId = "MuxlyConditionRegexInvalid";
    public const string RegexTimeoutId = "MuxlyConditionRegexTimeout";

    /// <summary>The key under which <see cref="Exception.Data"/> carries the 1-based position of the error.</summary>
    public const string PositionKey = "Position";

    /// <summary>"Condition syntax error at position 14: expected a value after '>', found end of input."</summary>
    public static MuxlyException At(string text, int index, string expected, string found)
    {
        var position = index + 1;
        var error = MuxlyException.Invalid(
            SyntaxErrorId,
            $"Condition syntax error at position {position}: expected {expected}, found {found}.",
            text);
        error.Data[PositionKey] = position;
        return error;
    }

    public static MuxlyException At(string text, ConditionToken token, string expected) =>
        At(text, token.Start, expected, token.Describe());

    public static MuxlyException InvalidRegex(string text, ConditionToken patternToken, string pattern, string reason)
    {
        var position = patternToken.Start + 1;
        var error = MuxlyException.Invalid(
            RegexInvalidId,
            $"Condition error at position {position}: the regular expression '{pattern}' after MATCHES is not valid: {reason}",
            text);
        error.Data[PositionKey] = position;
        return error;
    }
}
