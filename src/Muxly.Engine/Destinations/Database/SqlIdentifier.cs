using System.Text.RegularExpressions;

namespace Muxly.Destinations.Databases;

/// <summary>
/// Table and column names that go into SQL text. Names from a config must be plain identifiers (a letter or
/// underscore, then letters, digits and underscores, at most 128 characters, not SQLite's own <c>sqlite_</c> names), so
/// no config can smuggle SQL in; every name is double-quoted in the SQL as well, which also serves names read back
/// from an existing table.
/// </summary>
internal static partial class SqlIdentifier
{
    public const int LongestName = 128;

    public static bool IsPlain(string name) =>
        name.Length <= LongestName && Plain().IsMatch(name) && !name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase);

    /// <summary>The name, or a config error naming <paramref name="key"/> and saying what a name may hold.</summary>
    public static string Check(string name, string key, DestinationConfigReader reader) =>
        IsPlain(name) ? name : throw reader.Invalid(key, $"'{key}': {Refusal(name)}");

    public static string Refusal(string name) =>
        $"'{Shorten(name)}' cannot be used as a table or column name: use a letter or underscore, then letters, digits or underscores (at most {LongestName} characters, not starting with 'sqlite_').";

    /// <summary>The name as a quoted SQL identifier (any double quote in it doubled).</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Shorten(string name) => name.Length <= 60 ? name : name[..57] + "...";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Plain();
}
