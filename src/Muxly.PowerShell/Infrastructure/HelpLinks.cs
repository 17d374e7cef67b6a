namespace Muxly.PowerShell.Infrastructure;

/// <summary>Where each cmdlet's online help lives (the markdown under docs/cmdlets).</summary>
internal static class HelpLinks
{
    public const string Base = "https://github.com/muxly/Muxly.PowerShell/blob/main/docs/cmdlets/";
}
