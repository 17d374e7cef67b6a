using System.Text.RegularExpressions;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Storage;

/// <summary>Migration scripts: their file names, and the ones compiled into the engine.</summary>
public sealed partial class MigrationTests
{
    [Fact]
    public void FromFile_ReadsVersionAndNameFromTheFileName()
    {
        var migration = Migration.FromFile("0012_add_scheduler_state.sql", "SELECT 1;");

        Assert.Equal(12, migration.Version);
        Assert.Equal("add_scheduler_state", migration.Name);
        Assert.Equal("SELECT 1;", migration.Sql);
    }

    [Theory]
    [InlineData("add_things.sql")]
    [InlineData("0003.sql")]
    [InlineData("_0003_things.sql")]
    [InlineData("abcd_things.sql")]
    [InlineData("0000_zero.sql")]
    [InlineData("-1_negative.sql")]
    [InlineData("")]
    public void FromFile_RejectsFilesNotNamedNumberUnderscoreDescription(string fileName)
    {
        var error = MuxlyAssert.Fails("MuxlyMigrationNameInvalid", () => Migration.FromFile(fileName, "SELECT 1;"));

        Assert.Equal(MuxlyErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void EmbeddedMigrations_AreNumberedOneToNWithoutGaps()
    {
        var versions = Migration.Embedded.Select(m => m.Version).ToList();

        Assert.NotEmpty(versions);
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
        Assert.All(Migration.Embedded, m => Assert.Matches("^[a-z0-9_]+$", m.Name));
    }

    [Fact]
    public void FirstEmbeddedMigration_ContainsEverySeedCreateTableAsWritten()
    {
        var seedMigration = Normalize(Migration.Embedded[0].Sql);

        Assert.Equal("seed_schema", Migration.Embedded[0].Name);
        Assert.All(SeedSchema.CreateStatements, statement => Assert.Contains(Normalize(statement), seedMigration));
    }

    [Fact]
    public void LaterEmbeddedMigrations_NeverDropOrRenameSeedTablesOrColumns()
    {
        foreach (var migration in Migration.Embedded.Skip(1))
        {
            foreach (var table in SeedSchema.Tables.Keys)
            {
                Assert.DoesNotMatch($@"(?i)\bDROP\s+TABLE\s+(IF\s+EXISTS\s+)?""?{table}""?(\s|;|$)", migration.Sql);
                Assert.DoesNotMatch($@"(?i)\bALTER\s+TABLE\s+""?{table}""?\s+(RENAME|DROP)\b", migration.Sql);
            }
        }
    }

    // Compares SQL text regardless of how it is indented or wrapped.
    private static string Normalize(string sql) => Whitespace().Replace(sql, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
