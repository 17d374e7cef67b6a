using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Connectors;

/// <summary>Gets connectors by name (wildcards), id, or all.</summary>
[Cmdlet(VerbsCommon.Get, "MuxlyConnector", DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Get-MuxlyConnector.md")]
[OutputType(typeof(Connector))]
public sealed class GetMuxlyConnectorCommand : GetNamedEntityCmdlet<Connector>
{
    /// <summary>Only connectors of these types.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ConnectorTypeCompleter))]
    public string[]? ConnectorType { get; set; }

    protected override NamedEntityStore<Connector> Entities => Store.Connectors;

    protected override bool Matches(Connector item) =>
        ConnectorType is null || ConnectorType.Contains(item.ConnectorType, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Creates a connector; with -Force an existing one of that name is updated in place.</summary>
[Cmdlet(VerbsCommon.New, "MuxlyConnector", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "New-MuxlyConnector.md")]
[OutputType(typeof(Connector))]
public sealed class NewMuxlyConnectorCommand : NewNamedEntityCmdlet<Connector>
{
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectorTypeCompleter))]
    public string ConnectorType { get; set; } = string.Empty;

    /// <summary>A hashtable or JSON object string.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? ConnectionSettings { get; set; }

    /// <summary>A hashtable or JSON object string; SecureString values are accepted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? AuthSettings { get; set; }

    /// <summary>Stored as auth settings username and password (type basic unless -AuthSettings says otherwise).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    protected override string Noun => "Connector";

    protected override string Detail => $"({ConnectorType})";

    protected override void Check() => Muxly.Connectors.ConnectorTypes.Require(ConnectorType);

    protected override SaveResult<Connector> Save() => Store.Connectors.Create(new ConnectorDefinition(
        Name,
        ConnectorType,
        PSJson.ToJsonObject(ConnectionSettings, nameof(ConnectionSettings)),
        ConnectorAuth.Build(AuthSettings, Credential),
        Enabled: !Disabled.IsPresent,
        Id: Id), Force);
}

/// <summary>Changes a connector's name, type, settings or state.</summary>
[Cmdlet(VerbsCommon.Set, "MuxlyConnector", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Set-MuxlyConnector.md")]
[OutputType(typeof(Connector))]
public sealed class SetMuxlyConnectorCommand : SetNamedEntityCmdlet<Connector>
{
    [Parameter]
    [ArgumentCompleter(typeof(ConnectorTypeCompleter))]
    public string? ConnectorType { get; set; }

    /// <summary>Replaces the connection settings. Values shown masked (********) keep what is stored.</summary>
    [Parameter]
    public object? ConnectionSettings { get; set; }

    /// <summary>Replaces the auth settings. Values shown masked (********) keep what is stored.</summary>
    [Parameter]
    public object? AuthSettings { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    protected override NamedEntityStore<Connector> Entities => Store.Connectors;

    protected override Connector Update(Connector target)
    {
        var auth = AuthSettings is null && Credential is null ? null : ConnectorAuth.Build(AuthSettings, Credential);
        var settings = ConnectionSettings is null ? null : PSJson.ToJsonObject(ConnectionSettings, nameof(ConnectionSettings));
        return Store.Connectors.Update(target.Id, new ConnectorChanges(NewName, ConnectorType, settings, auth, Enabled));
    }
}

/// <summary>Deletes connectors and, through the schema's cascade, their routes and jobs: asks first unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "MuxlyConnector", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Remove-MuxlyConnector.md")]
[OutputType(typeof(void))]
public sealed class RemoveMuxlyConnectorCommand : RemoveNamedEntityCmdlet<Connector>
{
    protected override NamedEntityStore<Connector> Entities => Store.Connectors;

    protected override string Action => "Remove (with its routes and jobs)";
}

/// <summary>Enables connectors.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MuxlyConnector", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Enable-MuxlyConnector.md")]
[OutputType(typeof(Connector))]
public sealed class EnableMuxlyConnectorCommand : SetEnabledCmdlet<Connector>
{
    protected override NamedEntityStore<Connector> Entities => Store.Connectors;

    protected override bool Enable => true;
}

/// <summary>Disables connectors.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MuxlyConnector", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Disable-MuxlyConnector.md")]
[OutputType(typeof(Connector))]
public sealed class DisableMuxlyConnectorCommand : SetEnabledCmdlet<Connector>
{
    protected override NamedEntityStore<Connector> Entities => Store.Connectors;

    protected override bool Enable => false;
}

/// <summary>Builds the auth settings object from -AuthSettings and -Credential.</summary>
internal static class ConnectorAuth
{
    public static JsonObject Build(object? authSettings, PSCredential? credential)
    {
        var auth = PSJson.ToJsonObject(authSettings, "AuthSettings");
        if (credential is not null)
        {
            auth["type"] ??= "basic";
            auth["username"] = credential.UserName;
            auth["password"] = credential.GetNetworkCredential().Password;
        }

        return auth;
    }
}
