using System.Collections.Concurrent;
using System.ComponentModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Muxly.Scheduler;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Scheduler;

/// <summary>
/// The scheduler as a PowerShell background job (<c>Start-MuxlyScheduler</c>): a <see cref="SchedulerService"/> on a
/// thread of its own. Its log lines are the job's output (Receive-Job), a failure its error. <c>Stop-Job</c> stops it
/// gracefully: running executions get the grace period, then are cancelled; the stop always completes (so Stop-Job
/// never hangs). State: Running, then Stopped (stopped by Stop-Job), Completed (asked to stop through the database) or
/// Failed.
/// </summary>
public sealed class MuxlySchedulerJob : Job2
{
    public const string JobTypeName = "MuxlySchedulerJob";

    // Every scheduler job of this process, so that Stop-MuxlyScheduler finds those of its runspace.
    private static readonly ConcurrentDictionary<Guid, MuxlySchedulerJob> Live = new();

    private readonly SchedulerService _service;
    private readonly object _stateGate = new();
    private Thread? _thread;
    private bool _finished;
    private volatile bool _stopRequested;

    internal MuxlySchedulerJob(string name, string command, MuxlyStore store, SchedulerServiceOptions options)
        : base(command, name)
    {
        PSJobTypeName = JobTypeName;
        Database = store.Database.Path;
        GracePeriod = options.GracePeriod;
        RunspaceId = Runspace.DefaultRunspace?.InstanceId;
        Output = new PSDataCollection<PSObject>();
        Error = new PSDataCollection<ErrorRecord>();
        _service = new SchedulerService(store, options with { Records = WriteRecord });
    }

    /// <summary>The database the scheduler runs.</summary>
    public string Database { get; }

    /// <summary>How long running executions may finish after Stop-Job; null: the <c>scheduler.shutdown_grace_seconds</c> setting.</summary>
    public TimeSpan? GracePeriod { get; }

    /// <summary>The scheduler's row in scheduler_instances (as Get-MuxlyScheduler lists it), once started.</summary>
    public string? SchedulerInstanceId => _service.Instance?.Id;

    /// <summary>Executions running on this scheduler now.</summary>
    public int RunningExecutions => _service.RunningCount;

    internal Guid? RunspaceId { get; }

    /// <summary>The scheduler jobs started in a runspace that have not finished.</summary>
    internal static IEnumerable<MuxlySchedulerJob> InRunspace(Guid? runspaceId) =>
        Live.Values.Where(j => j.RunspaceId == runspaceId).OrderBy(j => j.Id);

    public override string StatusMessage => SchedulerInstanceId is null ? string.Empty : $"instance {SchedulerInstanceId}, {RunningExecutions} running";

    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0;

    public override string Location => Environment.MachineName;

    public override void StartJob()
    {
        lock (_stateGate)
        {
            if (JobStateInfo.State != JobState.NotStarted)
            {
                throw new InvalidOperationException($"The scheduler job '{Name}' has already been started.");
            }

            _thread = new Thread(RunScheduler) { IsBackground = true, Name = $"Muxly scheduler {Name}" };
            Live[InstanceId] = this;
            SetJobState(JobState.Running);
            _thread.Start();
        }
    }

    public override void StartJobAsync()
    {
        StartJob();
        OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));
    }

    public override void StopJob() => StopJob(false, null);

    /// <summary>Stops gracefully and waits; with <paramref name="force"/> running executions are cancelled at once.</summary>
    public override void StopJob(bool force, string? reason) => Stop(force ? TimeSpan.Zero : null);

    public override void StopJobAsync() => StopJobAsync(false, null);

    public override void StopJobAsync(bool force, string? reason)
    {
        ThreadPool.QueueUserWorkItem(_ =>
        {
            Exception? error = null;
            try
            {
                StopJob(force, reason);
            }
            catch (Exception ex)
            {
                error = ex;
            }
            finally
            {
                // Stop-Job waits for this event: it must be raised whatever happened.
                OnStopJobCompleted(new AsyncCompletedEventArgs(error, false, null));
            }
        });
    }

    /// <summary>Stops the scheduler with this grace period (null: the job's own) and waits until it has stopped.</summary>
    internal void Stop(TimeSpan? grace)
    {
        Thread? thread;
        lock (_stateGate)
        {
            _stopRequested = true;
            if (JobStateInfo.State == JobState.NotStarted)
            {
                _finished = true;
                SetJobState(JobState.Stopped);
                return;
            }

            if (!_finished && JobStateInfo.State == JobState.Running)
            {
                SetJobState(JobState.Stopping);
            }

            thread = _thread;
        }

        _service.RequestStop(grace ?? GracePeriod);
        thread?.Join();
    }

    public override void SuspendJob() => throw NotSupported("suspended");

    public override void SuspendJob(bool force, string? reason) => throw NotSupported("suspended");

    public override void SuspendJobAsync() => throw NotSupported("suspended");

    public override void SuspendJobAsync(bool force, string? reason) => throw NotSupported("suspended");

    public override void ResumeJob() => throw NotSupported("resumed");

    public override void ResumeJobAsync() => throw NotSupported("resumed");

    public override void UnblockJob() => throw NotSupported("unblocked");

    public override void UnblockJobAsync() => throw NotSupported("unblocked");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _service.RequestStop();
        }

        base.Dispose(disposing);
    }

    private void RunScheduler()
    {
        Exception? failure = null;
        // If the shell exits with the scheduler still running, give it a short, graceful stop.
        EventHandler onExit = (_, _) => _service.Stop(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
        AppDomain.CurrentDomain.ProcessExit += onExit;
        try
        {
            _service.Run();
        }
        catch (Exception ex)
        {
            failure = ex;
            var record = ex is MuxlyException muxly
                ? Infrastructure.ErrorRecords.From(muxly, Name)
                : new ErrorRecord(ex, "MuxlySchedulerFailed", ErrorCategory.OperationStopped, Name);
            TryAdd(() => Error.Add(record));
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= onExit;
            Live.TryRemove(InstanceId, out _);

            lock (_stateGate)
            {
                _finished = true;
                SetJobState(failure is not null ? JobState.Failed : _stopRequested ? JobState.Stopped : JobState.Completed);
            }
        }
    }

    private void WriteLog(string line) => TryAdd(() => Output.Add(new PSObject(line)));

    /// <summary>Receive-Job returns what the scheduler did as typed records (a table by default; the text of each is its log line).</summary>
    private void WriteRecord(SchedulerLogRecord record) => TryAdd(() => Output.Add(new PSObject(record)));

    private static void TryAdd(Action add)
    {
        try
        {
            add();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // The job was removed (its collections closed) while the scheduler was still writing.
        }
    }

    private PSNotSupportedException NotSupported(string what) =>
        new($"A Muxly scheduler job cannot be {what}. Stop it with Stop-Job and start another with Start-MuxlyScheduler.");
}

/// <summary>
/// The job source adapter PowerShell's job manager uses for <see cref="MuxlySchedulerJob"/>: it keeps this runspace's
/// scheduler jobs so that Get-Job, Receive-Job, Stop-Job and Remove-Job find them.
/// </summary>
public sealed class MuxlySchedulerJobSourceAdapter : JobSourceAdapter
{
    private readonly ConcurrentDictionary<Guid, Job2> _jobs = new();

    public MuxlySchedulerJobSourceAdapter()
    {
        Name = nameof(MuxlySchedulerJobSourceAdapter);
    }

    public override Job2 NewJob(JobInvocationInfo specification)
    {
        var job = specification.Parameters.SelectMany(p => p).Select(p => p.Value).OfType<MuxlySchedulerJob>().FirstOrDefault()
            ?? throw new PSArgumentException("A scheduler job is created by Start-MuxlyScheduler.");
        _jobs.TryAdd(job.InstanceId, job);
        return job;
    }

    public override IList<Job2> GetJobs() => _jobs.Values.ToList();

    public override IList<Job2> GetJobsByName(string name, bool recurse) =>
        _jobs.Values.Where(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();

    public override IList<Job2> GetJobsByCommand(string command, bool recurse) =>
        _jobs.Values.Where(j => string.Equals(j.Command, command, StringComparison.OrdinalIgnoreCase)).ToList();

    public override Job2? GetJobByInstanceId(Guid instanceId, bool recurse) => _jobs.GetValueOrDefault(instanceId);

    public override Job2? GetJobBySessionId(int id, bool recurse) => _jobs.Values.FirstOrDefault(j => j.Id == id);

    public override IList<Job2> GetJobsByState(JobState state, bool recurse) =>
        _jobs.Values.Where(j => j.JobStateInfo.State == state).ToList();

    public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) => [];

    public override void RemoveJob(Job2 job)
    {
        if (_jobs.TryRemove(job.InstanceId, out var removed) && !removed.IsFinishedState())
        {
            removed.StopJob();
        }
    }
}

internal static class JobStates
{
    public static bool IsFinishedState(this System.Management.Automation.Job job) =>
        job.JobStateInfo.State is JobState.Completed or JobState.Failed or JobState.Stopped;
}
