using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Transformations;

namespace Muxly.Tests.Router.Projections;

/// <summary>
/// A value of a projected record reads as a formula operand and a template placeholder exactly as the same value of
/// the materialised record does: whether it came from the parse, from a configuration, or from an earlier template.
/// </summary>
public sealed class ProjectedValueTests
{
    public static TheoryData<string> Values() =>
    [
        "12", "-0", "1.5e3", "15E2", "0.000001", "12345678901234567890", "1e400", "-1e400", "2000.10",
        "\"12.5\"", "\" 12 \"", "\"1e3\"", "\"NaN\"", "\"Infinity\"", "\"1e400\"", "\"12,5\"", "\"\"", "\"US\"",
        "\"caf\\u00e9 \\\"q\\\"\\n\"", "null", "true", "false", "{}", "{\"a\":1}", "[]", "[1,\"x\"]",
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public void A_value_of_the_parse_or_a_configuration_reads_as_its_materialised_node(string json)
    {
        using var document = JsonDocument.Parse("{\"v\":" + json + "}");
        var element = document.RootElement.GetProperty("v");
        var materialised = JsonObject.Create(document.RootElement.Clone())!["v"];

        var expectedIsNumber = JsonValues.TryGetNumber(materialised, allowNumericText: true, out var expected);
        var expectedText = materialised is JsonObject or JsonArray ? null : JsonValues.ToText(materialised);
        foreach (var value in new[] { ProjectedValue.Of(element), ProjectedValue.Of(materialised?.DeepClone()) })
        {
            Assert.Equal(expectedIsNumber, value.TryGetNumber(out var number));
            Assert.Equal(expected, number);
            var text = new ProjectedText();
            // Objects and arrays are declined: their JSON text is left to the materialised record.
            Assert.Equal(expectedText is not null, value.TryAppendText(text));
            Assert.Equal(expectedText ?? "", text.ToString());
        }
    }

    [Theory]
    [InlineData("12.5")]
    [InlineData(" 12 ")]
    [InlineData("1e400")]
    [InlineData("NaN")]
    [InlineData("Ana Silva (US)")]
    [InlineData("caf\u00e9 \"q\" <b>&amp;</b>\n\t\u0001 \ud83d\ude00")]
    [InlineData("")]
    public void A_templates_text_reads_and_writes_as_the_string_node_the_materialising_stage_sets(string content)
    {
        var node = JsonValue.Create(content);
        var text = new ProjectedText();
        text.Append("stale");
        text.Clear();
        text.Append(content.AsSpan(0, content.Length / 2));
        text.Append(content.AsSpan(content.Length / 2));
        var value = ProjectedValue.Of(text);

        Assert.Equal(JsonValues.TryGetNumber(node, allowNumericText: true, out var expected), value.TryGetNumber(out var number));
        Assert.Equal(expected, number);
        var appended = new ProjectedText();
        Assert.True(value.TryAppendText(appended));
        Assert.Equal(JsonValues.ToText(node), appended.ToString());
        Assert.False(value.IsObject);
        Assert.False(value.IsNull);
        Assert.Equal(Written(w => node.WriteTo(w)), Written(value.WriteTo));
    }

    private static string Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
