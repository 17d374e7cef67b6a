using Muxly.Settings;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Settings;

/// <summary>How a known setting turns what a user typed into its typed value.</summary>
public sealed class SettingDefinitionTests
{
    private static readonly SettingDefinition Flag = new("feature.enabled", typeof(bool), false, "A switch.");
    private static readonly SettingDefinition Count = new("feature.count", typeof(int), 3, "A bounded number.", Min: 1, Max: 10);
    private static readonly SettingDefinition Mode = new("feature.mode", typeof(string), "fast", "A choice.", AllowedValues: ["fast", "safe"]);
    private static readonly SettingDefinition Label = new("feature.label", typeof(string), "", "Free text.");

    [Theory]
    [InlineData("true", true)]
    [InlineData(" False ", false)]
    [InlineData(true, true)]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public void Boolean_AcceptsBoolsTheirTextAndZeroOrOne(object input, bool expected)
    {
        Assert.Equal(expected, Flag.Convert(input));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData(2)]
    [InlineData("")]
    public void Boolean_RejectsAnythingElse(object input)
    {
        MuxlyAssert.Fails("MuxlySettingValueInvalid", () => Flag.Convert(input));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData("5")]
    public void Integer_AcceptsWholeNumbersInRange(object input)
    {
        Assert.IsType<int>(Count.Convert(input));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData("2.5")]
    [InlineData(2.5)]
    [InlineData(double.PositiveInfinity)]
    public void Integer_RejectsFractionsAndValuesOutOfRange(object input)
    {
        var error = MuxlyAssert.Fails("MuxlySettingValueInvalid", () => Count.Convert(input));

        Assert.Equal("feature.count", error.Target);
    }

    [Fact]
    public void Choice_IsCaseInsensitiveAndStoredLowerCase()
    {
        Assert.Equal("safe", Mode.Convert("SAFE"));
        MuxlyAssert.Fails("MuxlySettingValueInvalid", () => Mode.Convert("slow"));
    }

    [Fact]
    public void FreeText_IsKeptAsWritten()
    {
        Assert.Equal("Europe/Berlin", Label.Convert("Europe/Berlin"));
        Assert.Equal("42", Label.Convert(42));
    }

    [Fact]
    public void KnownDefaults_AreOfTheirDeclaredTypeAndWithinTheirOwnRange()
    {
        Assert.All(KnownSettings.All, definition =>
        {
            Assert.IsType(definition.ValueType, definition.DefaultValue);
            Assert.Equal(definition.DefaultValue, definition.Convert(definition.DefaultValue));
        });
    }
}
