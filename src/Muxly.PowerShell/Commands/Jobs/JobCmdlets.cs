using System.Management.Automation;
using System.Text.Json.Nodes;
using Muxly.Json;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;
using JobDefinition = Muxly.Storage.JobDefinition;

namespace Muxly.PowerShell.Commands.Jobs;

/// <summary>
/// Gets jobs by name (wildcards), id, or all; -Connector and -JobType narrow the list. A piped connector binds by
/// value to -ConnectorObject (its own set), so its Name never reaches the job's -Name.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MuxlyJob", DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Get-MuxlyJob.md")]
[OutputType(typeof(Job))]
public sealed class GetMuxlyJobCommand : GetConnectorScopedCmdlet<Job>
{
    /// <summary>Only jobs of these types.</summary>
    [Parameter]
    [ValidateSet("cron", "webhook", "manual")]
    public string[]? JobType { get; set; }

    protected override NamedEntityStore<Job> Entities => Store.Jobs;

    protected override (string Id, string Name) ConnectorOf(Job item) => (item.ConnectorId, item.Connector);

    protected override bool MatchesOwn(Job item) => JobType is null || JobType.Contains(item.JobType, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Creates a job; with -Force an existing one of that name is updated in place.</summary>
[Cmdlet(VerbsCommon.New, "MuxlyJob", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "New-MuxlyJob.md")]
[OutputType(typeof(Job))]
public sealed class NewMuxlyJobCommand : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The connector's name or id.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string Connector { get; set; } = string.Empty;

    /// <summary>cron, webhook or manual; without it, cron when -Schedule is given, else manual.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? JobType { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Schedule { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TimeZoneCompleter))]
    public string? TimeZone { get; set; }

    /// <summary>route, export or fetch; without it, inferred from -Route, -Destination or the action parameters, else fetch.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? Action { get; set; }

    /// <summary>A hashtable or JSON object string.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? ActionParameters { get; set; }

    /// <summary>The route a route job runs (fills the action parameters).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(RouteNameCompleter))]
    public string? Route { get; set; }

    /// <summary>The destination an export job writes to (fills the action parameters).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string? Destination { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? MaxRetries { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? BackoffStrategy { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? TimeoutSeconds { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? OverlapPolicy { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? MissedRunPolicy { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? CatchUpLimit { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Id { get; set; }

    [Parameter]
    public SwitchParameter Disabled { get; set; }

    /// <summary>Update an existing job of the same name instead of failing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        ForItem(Name, () =>
        {
            var parameters = JobActionParameters.Build(ActionParameters, Route, Destination, null);
            var definition = new JobDefinition(Name, Connector, Action ?? JobActionParameters.InferAction(parameters), parameters,
                JobType, Schedule, TimeZone, Enabled: !Disabled.IsPresent, Id: Id);
            // Unset values keep the engine's defaults.
            definition = definition with
            {
                MaxRetries = MaxRetries ?? definition.MaxRetries,
                BackoffStrategy = BackoffStrategy ?? definition.BackoffStrategy,
                TimeoutSeconds = TimeoutSeconds ?? definition.TimeoutSeconds,
                OverlapPolicy = OverlapPolicy ?? definition.OverlapPolicy,
                MissedRunPolicy = MissedRunPolicy ?? definition.MissedRunPolicy,
                CatchUpLimit = CatchUpLimit ?? definition.CatchUpLimit,
            };
            Muxly.Names.Validate(definition.Name, "Job");
            if (!ShouldProcess($"job '{Name.Trim()}' ({definition.Action} over connector '{Connector}')", Force ? "Create or update" : "Create"))
            {
                return;
            }

            var result = Store.Jobs.Create(definition, Force);
            if (!result.Created)
            {
                WriteVerbose(result.Changed ? $"Updated the existing job '{result.Item.Name}'." : $"The job '{result.Item.Name}' is already as requested.");
            }

            WriteObject(result.Item);
        });
    }
}

/// <summary>Changes a job's name, schedule, action, retry and timeout settings, policies or state.</summary>
[Cmdlet(VerbsCommon.Set, "MuxlyJob", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Set-MuxlyJob.md")]
[OutputType(typeof(Job))]
public sealed class SetMuxlyJobCommand : JobUpdateCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? JobType { get; set; }

    /// <summary>An empty string clears the schedule.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Schedule { get; set; }

    /// <summary>An empty string returns to the default zone.</summary>
    [Parameter]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(TimeZoneCompleter))]
    public string? TimeZone { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? Connector { get; set; }

    /// <summary>Hides the base's ShouldProcess wording (<see cref="JobUpdateCmdlet"/>) so that the job's own -Action can exist.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public new string? Action { get; set; }

    /// <summary>Replaces the action parameters (a hashtable or JSON object string).</summary>
    [Parameter]
    public object? ActionParameters { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RouteNameCompleter))]
    public string? Route { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DestinationNameCompleter))]
    public string? Destination { get; set; }

    [Parameter]
    public int? MaxRetries { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? BackoffStrategy { get; set; }

    [Parameter]
    public int? TimeoutSeconds { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? OverlapPolicy { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? MissedRunPolicy { get; set; }

    [Parameter]
    public int? CatchUpLimit { get; set; }

    [Parameter]
    public bool? Enabled { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override NamedEntityStore<Job> Entities => Store.Jobs;

    protected override void ProcessTarget(Job target)
    {
        JsonObject? parameters = null;
        if (ActionParameters is not null || Route is not null || Destination is not null)
        {
            // -Route or -Destination alone keeps the rest of the action's parameters (a route's "parameters").
            var sameAction = Action is null || string.Equals(Action.Trim(), target.Action, StringComparison.OrdinalIgnoreCase);
            var current = ActionParameters is null && sameAction ? target.ActionParameters : null;
            parameters = JobActionParameters.Build(ActionParameters, Route, Destination, current);
        }

        var action = Action ?? (parameters is not null && (Route is not null || Destination is not null) ? JobActionParameters.InferAction(parameters) : null);
        var updated = Store.Jobs.Update(target.Id, new JobChanges(NewName, JobType, Schedule, TimeZone, Connector, action, parameters,
            MaxRetries, BackoffStrategy, TimeoutSeconds, OverlapPolicy, MissedRunPolicy, CatchUpLimit, Enabled));
        if (PassThru)
        {
            WriteObject(updated);
        }
    }
}

/// <summary>
/// The shared target machinery for Set-MuxlyJob. The base names its ShouldProcess wording <c>Action</c>, as a job names
/// what it runs: the wording is fixed here so that Set-MuxlyJob can declare its own <c>-Action</c> over it.
/// </summary>
public abstract class JobUpdateCmdlet : NamedEntityTargetCmdlet<Job>
{
    protected sealed override string Action => "Update";
}

/// <summary>Deletes jobs with, through the schema's cascade, their executions and webhook triggers: asks first unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "MuxlyJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Remove-MuxlyJob.md")]
[OutputType(typeof(void))]
public sealed class RemoveMuxlyJobCommand : RemoveNamedEntityCmdlet<Job>
{
    protected override NamedEntityStore<Job> Entities => Store.Jobs;

    protected override string Action => "Remove (with its executions and webhook triggers)";
}

/// <summary>Enables jobs: a cron job's schedule starts from now (occurrences missed while disabled never run).</summary>
[Cmdlet(VerbsLifecycle.Enable, "MuxlyJob", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Enable-MuxlyJob.md")]
[OutputType(typeof(Job))]
public sealed class EnableMuxlyJobCommand : SetEnabledCmdlet<Job>
{
    protected override NamedEntityStore<Job> Entities => Store.Jobs;

    protected override bool Enable => true;
}

/// <summary>Disables jobs: the scheduler no longer runs them, and Start-MuxlyJob asks for -Force.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MuxlyJob", SupportsShouldProcess = true, DefaultParameterSetName = ByName, HelpUri = HelpLinks.Base + "Disable-MuxlyJob.md")]
[OutputType(typeof(Job))]
public sealed class DisableMuxlyJobCommand : SetEnabledCmdlet<Job>
{
    protected override NamedEntityStore<Job> Entities => Store.Jobs;

    protected override bool Enable => false;
}

/// <summary>The friendly -Route and -Destination parameters, folded into a job's action parameters.</summary>
internal static class JobActionParameters
{
    /// <summary>
    /// The action parameters from -ActionParameters (else <paramref name="current"/>, the job's JSON), with -Route and
    /// -Destination set over them.
    /// </summary>
    public static JsonObject Build(object? actionParameters, string? route, string? destination, string? current)
    {
        var parameters = actionParameters is not null ? PSJson.ToJsonObject(actionParameters, "ActionParameters")
            : current is not null ? JsonObjects.ParseObject(current, "-ActionParameters", "MuxlyActionParametersInvalid")
            : new JsonObject();
        if (route is not null)
        {
            parameters.Remove("destination");
            parameters["route"] = route;
        }

        if (destination is not null)
        {
            parameters.Remove("route");
            parameters.Remove("parameters");
            parameters["destination"] = destination;
        }

        return parameters;
    }

    /// <summary>route when the parameters name a route, export when they name a destination, else fetch.</summary>
    public static string InferAction(JsonObject parameters) =>
        parameters.ContainsKey("route") ? "route" : parameters.ContainsKey("destination") ? "export" : "fetch";
}
