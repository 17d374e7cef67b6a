using System.Management.Automation;
using System.Net;
using System.Security;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Settings;

/// <summary>Gets settings: stored values and the documented defaults of known keys.</summary>
[Cmdlet(VerbsCommon.Get, "MuxlySetting", HelpUri = HelpLinks.Base + "Get-MuxlySetting.md")]
[OutputType(typeof(Setting))]
public sealed class GetMuxlySettingCommand : MuxlyCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SettingKeyCompleter))]
    public string[]? Key { get; set; }

    /// <summary>Only settings that are stored (not defaults).</summary>
    [Parameter]
    public SwitchParameter Stored { get; set; }

    protected override void Process()
    {
        var all = Store.Settings.List().Where(s => !Stored || !s.IsDefault).ToList();
        if (Key is null)
        {
            WriteObject(all, enumerateCollection: true);
            return;
        }

        foreach (var key in Key)
        {
            var pattern = new WildcardPattern(key, WildcardOptions.IgnoreCase);
            var matches = all.Where(s => pattern.IsMatch(s.Key)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(key))
            {
                WriteMuxlyError(SettingStore.NotFound(key), key);
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}

/// <summary>Shared by New- and Set-MuxlySetting: the key, the value, and turning a SecureString into text.</summary>
public abstract class SaveSettingCmdlet : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(SettingKeyCompleter))]
    public string Key { get; set; } = string.Empty;

    /// <summary>The value: a number, a bool or text for known keys (converted and range-checked); a SecureString for secrets.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public object? Value { get; set; }

    protected abstract bool CreateOnly { get; }

    protected abstract bool Emit { get; }

    protected override void Process()
    {
        ForItem(Key, () =>
        {
            var key = SettingStore.ValidateKey(Key);
            var value = Value is PSObject wrapped ? wrapped.BaseObject : Value;
            if (value is SecureString secure)
            {
                value = new NetworkCredential(string.Empty, secure).Password;
            }

            if (!ShouldProcess($"setting '{key}'", CreateOnly ? "Create" : "Set"))
            {
                return;
            }

            var result = Store.Settings.Set(key, value, CreateOnly);
            if (Emit)
            {
                WriteObject(result.Item);
            }
        });
    }
}

/// <summary>Creates a setting; an existing key is an error unless -Force.</summary>
[Cmdlet(VerbsCommon.New, "MuxlySetting", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "New-MuxlySetting.md")]
[OutputType(typeof(Setting))]
public sealed class NewMuxlySettingCommand : SaveSettingCmdlet
{
    /// <summary>Overwrite an existing value instead of failing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override bool CreateOnly => !Force;

    protected override bool Emit => true;
}

/// <summary>Stores a setting's value, creating or replacing it.</summary>
[Cmdlet(VerbsCommon.Set, "MuxlySetting", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Set-MuxlySetting.md")]
[OutputType(typeof(Setting))]
public sealed class SetMuxlySettingCommand : SaveSettingCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override bool CreateOnly => false;

    protected override bool Emit => PassThru;
}

/// <summary>Deletes stored settings; a known key returns to its default.</summary>
[Cmdlet(VerbsCommon.Remove, "MuxlySetting", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Remove-MuxlySetting.md")]
[OutputType(typeof(void))]
public sealed class RemoveMuxlySettingCommand : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SettingKeyCompleter))]
    public string[] Key { get; set; } = [];

    protected override void Process()
    {
        foreach (var key in Key)
        {
            var keys = WildcardPattern.ContainsWildcardCharacters(key)
                ? Store.Settings.List().Where(s => !s.IsDefault && new WildcardPattern(key, WildcardOptions.IgnoreCase).IsMatch(s.Key)).Select(s => s.Key)
                : [key];
            foreach (var match in keys)
            {
                if (ShouldProcess($"setting '{match}'", "Remove"))
                {
                    ForItem(match, () => Store.Settings.Remove(match));
                }
            }
        }
    }
}
