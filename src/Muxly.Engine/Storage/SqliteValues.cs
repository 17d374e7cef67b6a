using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Muxly.Storage;

/// <summary>Conversions between SQLite's stored text and .NET values.</summary>
internal static class SqliteValues
{
    /// <summary>The format CURRENT_TIMESTAMP writes, with milliseconds where we write them: always UTC.</summary>
    public const string NowExpression = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

    public static DateTimeOffset ReadTimestamp(SqliteDataReader reader, int ordinal) => ParseTimestamp(reader.GetString(ordinal));

    public static DateTimeOffset? ReadNullableTimestamp(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ParseTimestamp(reader.GetString(ordinal));

    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal).ToLocalTime();

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>SQLite stores the seed's BOOLEAN columns as 0/1 (the literal <c>true</c> is 1).</summary>
    public static bool ReadBoolean(SqliteDataReader reader, int ordinal) => reader.GetInt64(ordinal) != 0;
}
