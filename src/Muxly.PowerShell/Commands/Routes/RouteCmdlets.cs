using System.Management.Automation;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Routes;

/// <summary>
/// Gets routes by name (wildcards), id, or all; -Connector narrows to routes reading from given connectors. A piped
/// connector binds by value to -ConnectorObject (its own set), so its Name never reaches the route's -Name.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MuxlyRoute", DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Get-MuxlyRoute.md")]
[OutputType(typeof(Route))]
public sealed class GetMuxlyRouteCommand : GetConnectorScopedCmdlet<Route>
{
    protected override NamedEntityStore<Route> Entities => Store.Routes;

    protected override (string Id, string Name) ConnectorOf(Route item) => (item.ConnectorId, item.Connector);
}

/// <summary>Creates a route; with -Force an existing one of that name is updated in place.</summary>
[Cmdlet(VerbsCommon.New, "MuxlyRoute", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "New-MuxlyRoute.md")]
[OutputType(typeof(Route))]
public sealed class NewMuxlyRouteCommand : NewNamedEntityCmdlet<Route>
{
    /// <summary>The connector's name or id.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string Connector { get; set; } = string.Empty;

    /// <summary>Rule names or ids.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Rules")]
    [ArgumentCompleter(typeof(RuleNameCompleter))]
    public string[]? Rule { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("continue", "fail")]
    public string ErrorMode { get; set; } = "continue";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string? DeadLetterDestination { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string? UnmatchedDestination { get; set; }

    protected override string Noun => "Route";

    protected override string Detail => $"(connector '{Connector}')";

    protected override SaveResult<Route> Save() => Store.Routes.Create(
        new RouteDefinition(Name, Connector, Rule, ErrorMode, DeadLetterDestination, UnmatchedDestination, !Disabled.IsPresent, Id), Force);
}

/// <summary>Changes a route's name, connector, rules, error handling or state.</summary>
[Cmdlet(VerbsCommon.Set, "MuxlyRoute", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Set-MuxlyRoute.md")]
[OutputType(typeof(Route))]
public sealed class SetMuxlyRouteCommand : SetNamedEntityCmdlet<Route>
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? Connector { get; set; }

    /// <summary>Replaces the list of rules; an empty list removes them all.</summary>
    [Parameter]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(RuleNameCompleter))]
    public string[]? Rule { get; set; }

    [Parameter]
    [ValidateSet("continue", "fail")]
    public string? ErrorMode { get; set; }

    /// <summary>An empty string removes the dead-letter destination.</summary>
    [Parameter]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string? DeadLetterDestination { get; set; }

    /// <summary>An empty string removes the destination for unmatched records.</summary>
    [Parameter]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string? UnmatchedDestination { get; set; }

    protected override NamedEntityStore<Route> Entities => Store.Routes;

    protected override Route Update(Route target) =>
        Store.Routes.Update(target.Id, new RouteChanges(NewName, Connector, Rule, ErrorMode, DeadLetterDestination, UnmatchedDestination, Enabled));
}

/// <summary>Deletes routes (and their links to rules, which stay): asks first unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "MuxlyRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Remove-MuxlyRoute.md")]
[OutputType(typeof(void))]
public sealed class RemoveMuxlyRouteCommand : RemoveNamedEntityCmdlet<Route>
{
    protected override NamedEntityStore<Route> Entities => Store.Routes;
}

/// <summary>Enables routes.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MuxlyRoute", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Enable-MuxlyRoute.md")]
[OutputType(typeof(Route))]
public sealed class EnableMuxlyRouteCommand : SetEnabledCmdlet<Route>
{
    protected override NamedEntityStore<Route> Entities => Store.Routes;

    protected override bool Enable => true;
}

/// <summary>Disables routes.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MuxlyRoute", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Disable-MuxlyRoute.md")]
[OutputType(typeof(Route))]
public sealed class DisableMuxlyRouteCommand : SetEnabledCmdlet<Route>
{
    protected override NamedEntityStore<Route> Entities => Store.Routes;

    protected override bool Enable => false;
}
