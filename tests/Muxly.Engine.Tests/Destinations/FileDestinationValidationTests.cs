using System.Text.Json.Nodes;
using Muxly.Destinations.Files;

namespace Muxly.Tests.Destinations;

public sealed class FileDestinationValidationTests
{
    [Theory]
    [InlineData("""{}""", "path")]
    [InlineData("""{"path":""}""", "path")]
    [InlineData("""{"path":42}""", "path")]
    [InlineData("""{"path":"/data/out/"}""", "path")]
    [InlineData("""{"path":"/data/out.txt"}""", "format")]
    [InlineData("""{"path":"/data/out.json","format":"xml"}""", "format")]
    [InlineData("""{"path":"/data/out.json","mode":"overwrite"}""", "mode")]
    [InlineData("""{"path":"/data/out.json","rotation":"weekly"}""", "rotation")]
    [InlineData("""{"path":"/data/out.json","rotation":"size"}""", "max_bytes")]
    [InlineData("""{"path":"/data/out.json","rotation":"size","max_bytes":0}""", "max_bytes")]
    [InlineData("""{"path":"/data/out.json","rotation":"size","max_bytes":"1MB"}""", "max_bytes")]
    [InlineData("""{"path":"/data/out.json","max_bytes":1000}""", "max_bytes")]
    [InlineData("""{"path":"/data/out.json","rotation":"size","max_bytes":1000,"mode":"replace"}""", "mode")]
    [InlineData("""{"path":"/data/out.json","create_folder":"yes"}""", "create_folder")]
    [InlineData("""{"path":"/data/out.json","fromat":"csv"}""", "fromat")]
    public void Invalid_config_is_refused_naming_the_key(string json, string key)
    {
        var error = Assert.Throws<MuxlyException>(() => new FileDestination().Validate(JsonNode.Parse(json)!.AsObject()));

        Assert.Equal("MuxlyDestinationConfigInvalid", error.ErrorId);
        Assert.Equal(key, error.Target);
        Assert.Contains($"'{key}'", error.Message);
    }

    [Fact]
    public void A_config_built_in_code_with_clr_numbers_is_read_like_parsed_json()
    {
        var options = FileDestinationOptions.Parse(new JsonObject { ["path"] = "/data/out.csv", ["rotation"] = "size", ["max_bytes"] = 100 });

        Assert.Equal(100, options.MaxBytes);
    }

    [Fact]
    public void Defaults_come_from_the_path()
    {
        var options = FileDestinationOptions.Parse(JsonNode.Parse("""{"path":"/data/out-${DATE}.ndjson"}""")!.AsObject());

        Assert.Equal(FileOutputFormat.JsonLines, options.Format);
        Assert.Equal(FileWriteMode.Append, options.Mode);
        Assert.Equal(FileRotation.None, options.Rotation);
        Assert.True(options.CreateFolder);
    }

    [Fact]
    public void An_explicit_format_wins_over_the_extension_and_keywords_ignore_case()
    {
        var options = FileDestinationOptions.Parse(JsonNode.Parse(
            """{"path":"/data/out.txt","format":"CSV","mode":"Replace","rotation":"Hourly","create_folder":false}""")!.AsObject());

        Assert.Equal(FileOutputFormat.Csv, options.Format);
        Assert.Equal(FileWriteMode.Replace, options.Mode);
        Assert.Equal(FileRotation.Hourly, options.Rotation);
        Assert.False(options.CreateFolder);
    }
}
