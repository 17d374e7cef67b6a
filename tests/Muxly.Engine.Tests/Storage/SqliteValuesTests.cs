using System.Globalization;
using Muxly.Storage;

namespace Muxly.Tests.Storage;

/// <summary>Stored timestamps read back as the general parser reads them, whichever way they were written.</summary>
public sealed class SqliteValuesTests
{
    [Theory]
    [InlineData("2026-11-24 23:38:12")]
    [InlineData("2026-11-24 23:38:12.5")]
    [InlineData("2026-11-24 23:38:12.345")]
    [InlineData("2026-11-24 23:38:12.3456789")]
    [InlineData("2024-02-29 00:00:00.000")]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59.9999999")]
    [InlineData("2026-11-24T23:38:12Z")]
    [InlineData("2026-11-24T23:38:12.123+02:00")]
    [InlineData("2026-11-24")]
    public void ParseTimestamp_ReadsEverySpellingAsTheGeneralParserDoes(string stored)
    {
        var expected = DateTimeOffset.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal).ToLocalTime();

        var parsed = SqliteValues.ParseTimestamp(stored);

        Assert.Equal(expected, parsed);
        Assert.Equal(expected.Offset, parsed.Offset);
    }

    [Fact]
    public void ParseTimestamp_RoundTripsWhatFormatTimestampWrites()
    {
        var now = new DateTimeOffset(2026, 3, 29, 1, 30, 15, 123, TimeSpan.Zero);

        Assert.Equal(now, SqliteValues.ParseTimestamp(SqliteValues.FormatTimestamp(now)));
    }

    [Theory]
    [InlineData("2026-02-30 10:00:00")]
    [InlineData("2026-13-01 10:00:00")]
    [InlineData("2026-11-24 24:00:00")]
    [InlineData("not a time at all!!")]
    public void ParseTimestamp_RefusesWhatIsNoTime(string stored)
    {
        Assert.Throws<FormatException>(() => SqliteValues.ParseTimestamp(stored));
    }
}
