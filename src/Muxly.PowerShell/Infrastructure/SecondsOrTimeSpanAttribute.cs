using System.Globalization;
using System.Management.Automation;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>
/// Lets a TimeSpan parameter take a plain number as seconds (<c>-GracePeriod 30</c>), as well as a TimeSpan or its text
/// (<c>-GracePeriod 00:00:30</c>). Without it PowerShell would read 30 as thirty ticks.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecondsOrTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            int or long or short or byte or double or float or decimal => TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => TimeSpan.FromSeconds(seconds),
            _ => inputData,
        };
    }
}
