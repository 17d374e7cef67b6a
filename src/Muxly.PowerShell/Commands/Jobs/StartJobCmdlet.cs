using System.Collections.Concurrent;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Scheduler;

namespace Muxly.PowerShell.Commands.Jobs;

/// <summary>
/// Runs a job now, in this process (triggered_by manual), waits for it, retries included, and writes the final
/// execution. Any outcome but succeeded is also written as an error (<c>MuxlyJobFailed</c>), so that
/// <c>pwsh -NonInteractive -Command "Start-MuxlyJob nightly"</c> exits non-zero. Retried attempts are warnings, the
/// rest of the progress verbose. Ctrl+C cancels the run cooperatively. -AsJob runs it as a PowerShell background job.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "MuxlyJob", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Start-MuxlyJob.md")]
[OutputType(typeof(JobExecution), typeof(MuxlyJobRun))]
public sealed class StartMuxlyJobCommand : MuxlyCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(EntityNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Parameters for this run (a hashtable or JSON object string), kept with the execution.</summary>
    [Parameter]
    public object? Parameters { get; set; }

    /// <summary>The payload a webhook would carry: an object, hashtable, or JSON text.</summary>
    [Parameter]
    public object? Payload { get; set; }

    /// <summary>Run a disabled job anyway.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Run as a PowerShell background job and return it at once.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>Ctrl+C (or stopping the pipeline) cancels the run; it ends <c>cancelled</c>.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    protected override void Process()
    {
        var job = Store.Jobs.Get(Name);
        JobRunner.RequireRunnable(job, Force);
        var request = new JobRunRequest(
            ExecutionTriggers.Manual,
            Parameters is null ? null : PSJson.ToJsonObject(Parameters, nameof(Parameters)),
            Payload is null ? null : JobPayload.From(Payload),
            Force: Force);
        if (!ShouldProcess($"job '{job.Name}' ({job.Action} over connector '{job.Connector}')", "Run now"))
        {
            return;
        }

        if (AsJob)
        {
            var background = MuxlyJobRun.Start(this, Store, job, request);
            WriteObject(background);
            return;
        }

        var execution = RunInForeground(job, request);
        if (execution is null)
        {
            return;
        }

        WriteObject(execution);
        if (JobOutcome.Error(execution) is { } error)
        {
            WriteError(error);
        }
    }

    /// <summary>
    /// The runner reports progress from its own threads, and only this (the pipeline) thread may write to the
    /// streams: the run goes on a worker, and its messages are written here as they come.
    /// </summary>
    private JobExecution? RunInForeground(Job job, JobRunRequest request)
    {
        using var messages = new BlockingCollection<(bool Warning, string Text)>();
        void Post(bool warning, string text)
        {
            // An action left running after a timeout may still report after the run is over.
            try
            {
                messages.Add((warning, text));
            }
            catch (InvalidOperationException)
            {
                // Also covers ObjectDisposedException.
            }
        }

        var store = Store;
        var run = Task.Factory.StartNew(() =>
        {
            try
            {
                return new JobRunner(store).Run(job, request with { Log = m => Post(false, m), Warn = m => Post(true, m) }, _stopping.Token);
            }
            finally
            {
                messages.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        foreach (var (warning, text) in messages.GetConsumingEnumerable())
        {
            if (_stopping.IsCancellationRequested)
            {
                continue; // the pipeline is stopping: it takes no more output, but the run must still be recorded
            }

            try
            {
                if (warning)
                {
                    WriteWarning(text);
                }
                else
                {
                    WriteVerbose(text);
                }
            }
            catch (PipelineStoppedException)
            {
            }
        }

        var execution = run.GetAwaiter().GetResult();
        return _stopping.IsCancellationRequested ? null : execution;
    }
}

/// <summary>What a finished execution means to a caller: nothing when it succeeded, else the error to report.</summary>
internal static class JobOutcome
{
    public const string FailedErrorId = "MuxlyJobFailed";

    public static ErrorRecord? Error(JobExecution execution)
    {
        if (execution.Status == ExecutionStatuses.Succeeded)
        {
            return null;
        }

        var what = execution.Status switch
        {
            ExecutionStatuses.Skipped => "was skipped",
            ExecutionStatuses.TimedOut => "timed out",
            ExecutionStatuses.Cancelled => "was cancelled",
            _ => "failed",
        };
        var message = $"The job '{execution.JobName}' {what} ({execution.Status}) after {execution.Attempt} attempt(s), execution {execution.Id}"
            + (string.IsNullOrWhiteSpace(execution.Error) ? "." : $": {execution.Error}");
        var category = execution.Status switch
        {
            ExecutionStatuses.Skipped => ErrorCategory.ResourceBusy,
            ExecutionStatuses.TimedOut => ErrorCategory.OperationTimeout,
            ExecutionStatuses.Cancelled => ErrorCategory.OperationStopped,
            _ => ErrorCategory.InvalidResult,
        };
        var exception = new MuxlyException(MuxlyErrorKind.OperationFailed, FailedErrorId, message, execution.JobName);
        return new ErrorRecord(exception, FailedErrorId, category, execution);
    }
}

/// <summary>-Payload: JSON text is parsed; anything else becomes JSON as a record would.</summary>
internal static class JobPayload
{
    public static JsonNode? From(object value)
    {
        var bare = value is PSObject { BaseObject: not PSCustomObject } wrapped ? wrapped.BaseObject : value;
        if (bare is not string text)
        {
            return PSJson.ToNode(value, "Payload");
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw MuxlyException.Invalid("MuxlyPayloadInvalid", $"-Payload is text that is not JSON ({ex.Message}). Give JSON text, a hashtable or an object.", text);
        }
    }
}
