using System.Management.Automation;
using Muxly.Destinations;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Destinations;

/// <summary>Gets destinations by name (wildcards), id, or all.</summary>
[Cmdlet(VerbsCommon.Get, "MuxlyDestination", DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Get-MuxlyDestination.md")]
[OutputType(typeof(Destination))]
public sealed class GetMuxlyDestinationCommand : GetNamedEntityCmdlet<Destination>
{
    /// <summary>Only destinations of these types.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DestinationTypeCompleter))]
    public string[]? DestinationType { get; set; }

    protected override NamedEntityStore<Destination> Entities => Store.Destinations;

    protected override bool Matches(Destination item) =>
        DestinationType is null || DestinationType.Contains(item.DestinationType, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Creates a destination; with -Force an existing one of that name is updated in place.</summary>
[Cmdlet(VerbsCommon.New, "MuxlyDestination", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "New-MuxlyDestination.md")]
[OutputType(typeof(Destination))]
public sealed class NewMuxlyDestinationCommand : NewNamedEntityCmdlet<Destination>
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DestinationTypeCompleter))]
    public string DestinationType { get; set; } = string.Empty;

    /// <summary>A hashtable or JSON object string.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? Config { get; set; }

    protected override string Noun => "Destination";

    protected override string Detail => $"({DestinationType})";

    protected override void Check() => DestinationTypes.Require(DestinationType);

    protected override SaveResult<Destination> Save() => Store.Destinations.Create(
        new DestinationDefinition(Name, DestinationType, PSJson.ToJsonObject(Config, nameof(Config)), !Disabled.IsPresent, Id), Force);
}

/// <summary>Changes a destination's name, type, configuration or state.</summary>
[Cmdlet(VerbsCommon.Set, "MuxlyDestination", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Set-MuxlyDestination.md")]
[OutputType(typeof(Destination))]
public sealed class SetMuxlyDestinationCommand : SetNamedEntityCmdlet<Destination>
{
    [Parameter]
    [ArgumentCompleter(typeof(DestinationTypeCompleter))]
    public string? DestinationType { get; set; }

    /// <summary>Replaces the configuration. Values shown masked (********) keep what is stored.</summary>
    [Parameter]
    public object? Config { get; set; }

    protected override NamedEntityStore<Destination> Entities => Store.Destinations;

    protected override Destination Update(Destination target)
    {
        var config = Config is null ? null : PSJson.ToJsonObject(Config, nameof(Config));
        return Store.Destinations.Update(target.Id, new DestinationChanges(NewName, DestinationType, config, Enabled));
    }
}

/// <summary>Deletes destinations; rules stop delivering to them (the schema cascades rule_destinations). Asks first unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "MuxlyDestination", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Remove-MuxlyDestination.md")]
[OutputType(typeof(void))]
public sealed class RemoveMuxlyDestinationCommand : RemoveNamedEntityCmdlet<Destination>
{
    protected override NamedEntityStore<Destination> Entities => Store.Destinations;

    protected override string Action => "Remove (and from the rules that deliver to it)";
}

/// <summary>Enables destinations.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MuxlyDestination", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Enable-MuxlyDestination.md")]
[OutputType(typeof(Destination))]
public sealed class EnableMuxlyDestinationCommand : SetEnabledCmdlet<Destination>
{
    protected override NamedEntityStore<Destination> Entities => Store.Destinations;

    protected override bool Enable => true;
}

/// <summary>Disables destinations.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MuxlyDestination", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Disable-MuxlyDestination.md")]
[OutputType(typeof(Destination))]
public sealed class DisableMuxlyDestinationCommand : SetEnabledCmdlet<Destination>
{
    protected override NamedEntityStore<Destination> Entities => Store.Destinations;

    protected override bool Enable => false;
}
