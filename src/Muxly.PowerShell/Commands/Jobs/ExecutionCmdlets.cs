using System.Management.Automation;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Jobs;

/// <summary>
/// Gets job executions, newest first: of given jobs (names with wildcards, or ids), filtered by status, start time
/// and trigger, the last n per job; or by execution id.
/// </summary>
/// <remarks>
/// Binding: a job from Get-MuxlyJob binds by its Name to -Job (alias Name), and an execution binds by its JobName. The
/// execution's own -Id takes no pipeline input, so a job's Id can never be mistaken for an execution id.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "MuxlyJobExecution", DefaultParameterSetName = ByJob, HelpUri = HelpLinks.Base + "Get-MuxlyJobExecution.md")]
[OutputType(typeof(JobExecution))]
public sealed class GetMuxlyJobExecutionCommand : MuxlyCmdlet
{
    private const string ByJob = "ByJob";
    private const string ById = "ById";

    [Parameter(Position = 0, ParameterSetName = ByJob, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "JobName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Job { get; set; }

    [Parameter(ParameterSetName = ByJob)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string[]? Status { get; set; }

    /// <summary>Only executions that started at or after this time (local time unless it says otherwise).</summary>
    [Parameter(ParameterSetName = ByJob)]
    public DateTime? Since { get; set; }

    /// <summary>Only the newest n executions of each job.</summary>
    [Parameter(ParameterSetName = ByJob)]
    public int? Last { get; set; }

    [Parameter(ParameterSetName = ByJob)]
    [ArgumentCompleter(typeof(JobVocabularyCompleter))]
    public string? TriggeredBy { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ById)]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    protected override void Process()
    {
        if (Id is not null)
        {
            foreach (var id in Id)
            {
                ForItem(id, () => WriteObject(Store.Executions.Get(id.Trim())));
            }

            return;
        }

        DateTimeOffset? since = Since is { } time ? new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Local) : time) : null;
        if (Job is null)
        {
            WriteObject(Store.Executions.Query(new ExecutionQuery(null, Status, since, Last, TriggeredBy)), enumerateCollection: true);
            return;
        }

        foreach (var job in EntityLookup.Find(this, Store.Jobs, Job, null))
        {
            WriteObject(Store.Executions.Query(new ExecutionQuery(job.Id, Status, since, Last, TriggeredBy)), enumerateCollection: true);
        }
    }
}

/// <summary>
/// Asks running executions to stop. The request is a flag in the database, so it reaches the process running the
/// execution wherever it is (a scheduler, a scheduled task, another shell); that process cancels the run at its next
/// poll and records it <c>cancelled</c>.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "MuxlyJobExecution", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Stop-MuxlyJobExecution.md")]
[OutputType(typeof(JobExecution))]
public sealed class StopMuxlyJobExecutionCommand : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>Why, recorded as the execution's error.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Reason { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        foreach (var id in Id!)
        {
            ForItem(id, () =>
            {
                var execution = Store.Executions.Get(id.Trim());
                if (!execution.IsFinished && ShouldProcess($"execution {execution.Id} of job '{execution.JobName}' (attempt {execution.Attempt})", "Stop"))
                {
                    var reason = Reason ?? $"Stopped with Stop-MuxlyJobExecution by {Environment.UserName} on {Environment.MachineName}.";
                    if (Store.Executions.RequestCancel(execution.Id, reason))
                    {
                        WriteVerbose($"Asked execution {execution.Id} of job '{execution.JobName}' to stop; the process running it cancels it at its next check.");
                        execution = Store.Executions.Get(execution.Id);
                    }
                    else
                    {
                        execution = Store.Executions.Get(execution.Id);
                        WriteWarning($"Execution {execution.Id} of job '{execution.JobName}' finished ({execution.Status}) before it could be stopped.");
                    }
                }
                else if (execution.IsFinished)
                {
                    WriteWarning($"Execution {execution.Id} of job '{execution.JobName}' has already finished ({execution.Status}); there is nothing to stop.");
                }

                if (PassThru)
                {
                    WriteObject(execution);
                }
            });
        }
    }
}
