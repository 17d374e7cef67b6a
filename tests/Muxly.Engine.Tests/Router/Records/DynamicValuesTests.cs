using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Tests.Router.Records;

public sealed class DynamicValuesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 14, 5, 9, TimeSpan.FromHours(1));

    [Theory]
    [InlineData("/out/${DATE}.jsonl", "/out/2026-03-01.jsonl")]
    [InlineData("${YESTERDAY}", "2026-02-28")]
    [InlineData("${YEAR}/${MONTH}/${DAY}/${HOUR}", "2026/03/01/14")]
    [InlineData("run-${TIMESTAMP}", "run-20260301T140509")]
    [InlineData("{{field}} and ${unknown} stay", "{{field}} and ${unknown} stay")]
    public void Expands_the_run_clock_values(string text, string expected) =>
        Assert.Equal(expected, DynamicValues.Expand(text, Now));

    [Fact]
    public void Expands_parameters_and_names_a_missing_one()
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["day"] = "2026-01-31", ["region"] = "eu" };

        Assert.Equal("/out/eu/2026-01-31.jsonl", DynamicValues.Expand("/out/${param:region}/${param:DAY}.jsonl", Now, parameters));
        var error = Assert.Throws<MuxlyException>(() => DynamicValues.Expand("${param:tenant}", Now, parameters));
        Assert.Equal("MuxlyParameterMissing", error.ErrorId);
        Assert.Contains("tenant", error.Message);
    }

    [Fact]
    public void Expands_environment_references_and_names_a_missing_variable()
    {
        Environment.SetEnvironmentVariable("MUXLY_DYNAMIC_TEST", "secret-value");
        try
        {
            var expanded = DynamicValues.ExpandAll(new JsonObject { ["auth"] = new JsonObject { ["token"] = "${env:MUXLY_DYNAMIC_TEST}" }, ["n"] = 3 }, Now);
            Assert.Equal("secret-value", (string)expanded["auth"]!["token"]!);
            Assert.Equal(3, (int)expanded["n"]!);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MUXLY_DYNAMIC_TEST", null);
        }

        var error = Assert.Throws<MuxlyException>(() => DynamicValues.Expand("${env:MUXLY_DYNAMIC_TEST}", Now));
        Assert.Equal("MuxlyEnvironmentVariableMissing", error.ErrorId);
        Assert.DoesNotContain("secret-value", error.Message);
    }
}
