using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.InteropServices;
using Muxly.PowerShell.Infrastructure;
using Muxly.Scheduler;

namespace Muxly.PowerShell.Commands.Scheduler;

/// <summary>Starts the scheduler as a PowerShell background job of this session.</summary>
[Cmdlet(VerbsLifecycle.Start, "MuxlyScheduler", HelpUri = HelpLinks.Base + "Start-MuxlyScheduler.md")]
[OutputType(typeof(MuxlySchedulerJob))]
public sealed class StartMuxlySchedulerCommand : SchedulerHostCmdlet
{
    /// <summary>The job's name (Get-Job -Name).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "MuxlyScheduler";

    protected override void End()
    {
        var store = Store;
        var command = $"Start-MuxlyScheduler -Database '{store.Database.Path}'";
        var job = new MuxlySchedulerJob(Name, command, store, ServiceOptions(Name, listen: true));

        // As ThreadJob does: the job manager finds (or creates) our adapter from the definition and registers the job.
        var definition = new JobDefinition(typeof(MuxlySchedulerJobSourceAdapter), command, Name);
        JobManager.NewJob(new JobInvocationInfo(definition, new Dictionary<string, object> { [MuxlySchedulerJob.JobTypeName] = job }));
        job.StartJob();
        WriteObject(job);
    }
}

/// <summary>
/// Runs the scheduler in the foreground until Ctrl+C or SIGTERM (systemd units, containers), or with -Once makes one
/// pass (OS schedulers). Log lines go to the host, as Write-Host's do; -Once writes the pass summary.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "MuxlyScheduler", HelpUri = HelpLinks.Base + "Invoke-MuxlyScheduler.md")]
[OutputType(typeof(SchedulerPassSummary))]
public sealed class InvokeMuxlySchedulerCommand : SchedulerHostCmdlet
{
    private SchedulerService? _service;

    /// <summary>One pass: recover, run what is due, wait for those runs, return.</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>A label for the log lines.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void End()
    {
        var lines = new BlockingCollection<string>();
        var service = _service = new SchedulerService(Store, ServiceOptions(Name, listen: !Once) with { Log = lines.Add });
        SchedulerPassSummary? summary = null;
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                if (Once)
                {
                    summary = service.RunOnce();
                }
                else
                {
                    service.Run();
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                lines.CompleteAdding();
            }
        }) { IsBackground = true, Name = "Muxly scheduler" };

        // systemctl stop and docker stop send SIGTERM; Ctrl+C reaches StopProcessing through the host (or, without
        // one, CancelKeyPress). Each stops the scheduler gracefully instead of ending the process.
        using var sigterm = RegisterSigterm(service);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            service.RequestStop();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            worker.Start();
            foreach (var line in lines.GetConsumingEnumerable())
            {
                WriteInformation(new HostInformationMessage { Message = TakeWaiting(lines, line) }, ["PSHOST"]);
            }
        }
        finally
        {
            // Stopped from the pipeline (Ctrl+C) while writing: still let the scheduler stop gracefully.
            if (worker.IsAlive)
            {
                service.RequestStop();
                worker.Join();
            }

            Console.CancelKeyPress -= onCancel;
        }

        if (failure is not null)
        {
            ThrowTerminatingError(failure is MuxlyException muxly
                ? ErrorRecords.From(muxly)
                : new ErrorRecord(failure, "MuxlySchedulerFailed", ErrorCategory.OperationStopped, Store.Database.Path));
        }

        if (summary is not null)
        {
            WriteObject(summary);
            var failed = summary.Executions.Where(e => e.Status is not (ExecutionStatuses.Succeeded or ExecutionStatuses.Skipped)).ToList();
            if (failed.Count > 0)
            {
                var jobs = string.Join(", ", failed.Select(e => $"'{e.JobName}' ({e.Status})").Distinct());
                WriteError(ErrorRecords.From(new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlySchedulerRunFailed",
                    $"{failed.Count} of {summary.Executions.Count} run(s) did not succeed: {jobs}. See Get-MuxlyJobExecution for details.")));
            }
        }
    }

    protected override void StopProcessing() => _service?.RequestStop();

    /// <summary>
    /// The line taken and those waiting behind it (up to a few hundred), as one message: under a burst of webhook
    /// calls (a line each) one host write per line costs the listener more than the calls themselves.
    /// </summary>
    private static string TakeWaiting(BlockingCollection<string> lines, string first)
    {
        const int MostLinesPerWrite = 256;
        if (lines.Count == 0)
        {
            return first;
        }

        var text = new System.Text.StringBuilder(first);
        for (var n = 1; n < MostLinesPerWrite && lines.TryTake(out var next); n++)
        {
            text.Append(Environment.NewLine).Append(next);
        }

        return text.ToString();
    }

    private static PosixSignalRegistration? RegisterSigterm(SchedulerService service)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                service.RequestStop();
            });
        }
        catch (PlatformNotSupportedException)
        {
            // No SIGTERM here (some Windows hosts): Ctrl+C and Stop-MuxlyScheduler -All still stop it gracefully.
            return null;
        }
    }
}

/// <summary>Stops scheduler jobs of this session, gracefully; with -All also asks every other scheduler of the database to stop.</summary>
[Cmdlet(VerbsLifecycle.Stop, "MuxlyScheduler", DefaultParameterSetName = NameSet, SupportsShouldProcess = true,
    HelpUri = HelpLinks.Base + "Stop-MuxlyScheduler.md")]
[OutputType(typeof(MuxlySchedulerJob))]
public sealed class StopMuxlySchedulerCommand : MuxlyCmdlet
{
    private const string NameSet = "Name";
    private const string IdSet = "Id";
    private const string InputSet = "InputObject";
    private const string AllSet = "All";

    /// <summary>Job names, wildcards allowed; all scheduler jobs of this session when omitted.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Job ids (Get-Job's Id).</summary>
    [Parameter(ParameterSetName = IdSet, Mandatory = true)]
    public int[] Id { get; set; } = [];

    /// <summary>Scheduler jobs from Start-MuxlyScheduler or Get-Job.</summary>
    [Parameter(ParameterSetName = InputSet, Mandatory = true, ValueFromPipeline = true)]
    public MuxlySchedulerJob[] InputObject { get; set; } = [];

    /// <summary>Also ask every other scheduler instance of the database to stop.</summary>
    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    /// <summary>How long running executions may finish; seconds or a TimeSpan. The job's own grace period when omitted.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan? GracePeriod { get; set; }

    /// <summary>Write each stopped job.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        var session = MuxlySchedulerJob.InRunspace(System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId).ToList();
        IEnumerable<MuxlySchedulerJob> targets = ParameterSetName switch
        {
            IdSet => session.Where(j => Id.Contains(j.Id)),
            InputSet => InputObject,
            NameSet when Name is { Length: > 0 } => session.Where(j => Name.Any(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase).IsMatch(j.Name))),
            _ => session,
        };

        var stopping = targets.Where(j => !j.IsFinishedState()).ToList();
        if (ParameterSetName == IdSet)
        {
            foreach (var missing in Id.Where(id => stopping.All(j => j.Id != id)))
            {
                WriteError(ErrorRecords.From(new MuxlyException(MuxlyErrorKind.NotFound, "MuxlySchedulerJobNotFound",
                    $"No running scheduler job of this session has the id {missing}.", missing)));
            }
        }

        var ownInstances = new HashSet<string>(session.Select(j => j.SchedulerInstanceId).OfType<string>(), StringComparer.Ordinal);
        foreach (var job in stopping.Where(j => ShouldProcess($"{j.Name} (job {j.Id})", "Stop the scheduler")).ToList())
        {
            job.Stop(GracePeriod);
            if (PassThru)
            {
                WriteObject(job);
            }
        }

        if (All)
        {
            foreach (var instance in SchedulerInstanceStatus.List(Store).Where(i => !ownInstances.Contains(i.Id)))
            {
                if (ShouldProcess($"{instance.Host}:{instance.ProcessId} (instance {instance.Id})", "Ask the scheduler to stop"))
                {
                    // The instance sees its row marked stopped at its next heartbeat and stops gracefully.
                    Store.SchedulerInstances.Stop(instance.Id);
                    WriteVerbose($"Asked the scheduler {instance.Host}:{instance.ProcessId} (instance {instance.Id}) to stop.");
                }
            }
        }
    }
}

/// <summary>Lists the scheduler instances of the database: which run, their heartbeat, and what they run now.</summary>
[Cmdlet(VerbsCommon.Get, "MuxlyScheduler", HelpUri = HelpLinks.Base + "Get-MuxlyScheduler.md")]
[OutputType(typeof(SchedulerInstanceStatus))]
public sealed class GetMuxlySchedulerCommand : MuxlyCmdlet
{
    /// <summary>Also list instances that have stopped.</summary>
    [Parameter]
    public SwitchParameter IncludeStopped { get; set; }

    protected override void Process()
    {
        foreach (var instance in SchedulerInstanceStatus.List(Store, IncludeStopped))
        {
            WriteObject(instance);
        }
    }
}

/// <summary>
/// What Start-MuxlyScheduler and Invoke-MuxlyScheduler share: the grace period, the concurrency limit, and the webhook
/// listener the scheduler hosts unless told not to.
/// </summary>
public abstract class SchedulerHostCmdlet : MuxlyCmdlet
{
    /// <summary>How long running executions may finish after a stop; seconds or a TimeSpan.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan? GracePeriod { get; set; }

    /// <summary>The most job runs at once; further due runs wait for a free slot.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? MaxConcurrentJobs { get; set; }

    /// <summary>Run without the webhook listener even when triggers are enabled.</summary>
    [Parameter]
    public SwitchParameter NoWebhookListener { get; set; }

    /// <summary>Where the webhook listener binds (http://host:port/); the webhook.listener_prefix setting by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WebhookPrefix { get; set; }

    /// <summary>Allow a webhook listener prefix that is not loopback.</summary>
    [Parameter]
    public SwitchParameter AllowRemoteWebhooks { get; set; }

    /// <summary>The scheduler's options from these parameters; <paramref name="listen"/> false never hosts the listener.</summary>
    protected SchedulerServiceOptions ServiceOptions(string? name, bool listen) => new()
    {
        Name = name,
        GracePeriod = GracePeriod,
        MaxConcurrentRuns = MaxConcurrentJobs,
        Components = listen && !NoWebhookListener ? [new Muxly.Webhooks.WebhookListenerComponent(WebhookPrefix, AllowRemoteWebhooks)] : [],
    };
}
