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

    /// <summary>
    /// Reads a stored UTC timestamp and gives it in the local zone. What Muxly writes (<see cref="FormatTimestamp"/>,
    /// <see cref="NowExpression"/>, CURRENT_TIMESTAMP) is read field by field: a listing reads three per row, and the
    /// general parser was a fifth of the time of listing jobs. Any other spelling goes to the general parser.
    /// </summary>
    public static DateTimeOffset ParseTimestamp(string text) =>
        (TryParseStoredUtc(text, out var utc) ? new DateTimeOffset(utc)
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)).ToLocalTime();

    // yyyy-MM-dd HH:mm:ss with an optional fraction of up to seven digits, nothing else.
    private static bool TryParseStoredUtc(string text, out DateTime utc)
    {
        utc = default;
        if (text.Length < 19 || text.Length == 20 || text.Length > 27 || text[4] != '-' || text[7] != '-' || text[10] != ' ' ||
            text[13] != ':' || text[16] != ':' || (text.Length > 19 && text[19] != '.'))
        {
            return false;
        }

        if (!TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day) ||
            !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) || !TryDigits(text, 17, 2, out var second))
        {
            return false;
        }

        var ticks = 0;
        if (text.Length > 19)
        {
            if (!TryDigits(text, 20, text.Length - 20, out ticks))
            {
                return false;
            }

            for (var i = text.Length - 20; i < 7; i++)
            {
                ticks *= 10;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        utc = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if (digit is < 0 or > 9)
            {
                return false;
            }

            value = value * 10 + digit;
        }

        return true;
    }

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>SQLite stores the seed's BOOLEAN columns as 0/1 (the literal <c>true</c> is 1).</summary>
    public static bool ReadBoolean(SqliteDataReader reader, int ordinal) => reader.GetInt64(ordinal) != 0;
}
