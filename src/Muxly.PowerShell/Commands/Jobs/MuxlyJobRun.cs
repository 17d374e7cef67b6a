using System.Collections.Concurrent;
using System.ComponentModel;
using System.Management.Automation;
using Muxly.Scheduler;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Jobs;

/// <summary>
/// <c>Start-MuxlyJob -AsJob</c>: one run of a Muxly job as a PowerShell background job, in this process. The run
/// goes on a worker thread; its final execution goes to Output, a failure to Error (as Start-MuxlyJob writes it),
/// retried attempts to Warning and progress to Verbose. Stop-Job cancels the run cooperatively and always completes.
/// </summary>
public sealed class MuxlyJobRun : Job2
{
    /// <summary>How long Stop-Job waits for the run to record its end (the runner's own grace is 10 s).</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(20);

    private readonly MuxlyStore _store;
    private readonly Job _job;
    private readonly JobRunRequest _request;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ManualResetEventSlim _finished = new();
    private int _ended;

    private MuxlyJobRun(string command, MuxlyStore store, Job job, JobRunRequest request)
        : base(command, $"Muxly:{job.Name}")
    {
        _store = store;
        _job = job;
        _request = request;
        PSJobTypeName = "MuxlyJobRun";
    }

    /// <summary>The final execution, once the run is over.</summary>
    public JobExecution? Execution { get; private set; }

    /// <summary>Which Muxly job this runs.</summary>
    public string JobName => _job.Name;

    public override string StatusMessage => Execution?.Status ?? (JobStateInfo.State == JobState.Running ? ExecutionStatuses.Running : string.Empty);

    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0;

    public override string Location => Environment.MachineName;

    /// <summary>Creates the job, adds it to the session's job repository (Get-Job sees it) and starts it.</summary>
    internal static MuxlyJobRun Start(PSCmdlet cmdlet, MuxlyStore store, Job job, JobRunRequest request)
    {
        var run = new MuxlyJobRun($"Start-MuxlyJob {job.Name}", store, job, request);
        var definition = new System.Management.Automation.JobDefinition(typeof(MuxlyJobRunSourceAdapter), run.Command, run.Name);
        var parameters = new Dictionary<string, object> { [MuxlyJobRunSourceAdapter.NewJobKey] = run };
        cmdlet.JobManager.NewJob(new JobInvocationInfo(definition, parameters));
        run.StartJob();
        return run;
    }

    public override void StartJob()
    {
        SetJobState(JobState.Running);
        Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public override void StartJobAsync()
    {
        StartJob();
        OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, this));
    }

    public override void StopJob() => Stop();

    public override void StopJob(bool force, string reason) => Stop();

    // Stop-Job waits for StopJobCompleted: it must be raised however the stop goes, or Stop-Job hangs.
    public override void StopJobAsync() => StopJobAsync(false, string.Empty);

    public override void StopJobAsync(bool force, string reason) => ThreadPool.QueueUserWorkItem(_ =>
    {
        Exception? failure = null;
        try
        {
            Stop();
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            OnStopJobCompleted(new AsyncCompletedEventArgs(failure, false, this));
        }
    });

    public override void SuspendJob() => throw NotSupported("suspended");

    public override void SuspendJob(bool force, string reason) => throw NotSupported("suspended");

    public override void SuspendJobAsync() => throw NotSupported("suspended");

    public override void SuspendJobAsync(bool force, string reason) => throw NotSupported("suspended");

    public override void ResumeJob() => throw NotSupported("resumed");

    public override void ResumeJobAsync() => throw NotSupported("resumed");

    public override void UnblockJob() => throw NotSupported("unblocked");

    public override void UnblockJobAsync() => throw NotSupported("unblocked");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Cancel();
        }

        base.Dispose(disposing);
    }

    private static NotSupportedException NotSupported(string what) => new($"A Muxly job run cannot be {what}; stop it with Stop-Job.");

    private void Stop()
    {
        _stopping.Cancel();
        if (!_finished.Wait(StopWait))
        {
            Warning.Add(new WarningRecord($"The run of '{_job.Name}' did not record its end within {StopWait.TotalSeconds:0} s of the stop request."));
            End(JobState.Stopped);
        }
    }

    private void Run()
    {
        try
        {
            var request = _request with
            {
                Log = message => Add(Verbose, new VerboseRecord(message)),
                Warn = message => Add(Warning, new WarningRecord(message)),
            };
            Execution = new JobRunner(_store).Run(_job, request, _stopping.Token);
            Add(Output, PSObject.AsPSObject(Execution));
            var error = JobOutcome.Error(Execution);
            if (error is not null)
            {
                Add(Error, error);
            }

            End(_stopping.IsCancellationRequested ? JobState.Stopped : error is null ? JobState.Completed : JobState.Failed);
        }
        catch (MuxlyException ex)
        {
            Add(Error, Infrastructure.ErrorRecords.From(ex, _job.Name));
            End(JobState.Failed);
        }
        catch (Exception ex)
        {
            Add(Error, new ErrorRecord(ex, "MuxlyJobRunFailed", ErrorCategory.NotSpecified, _job.Name));
            End(JobState.Failed);
        }
        finally
        {
            _finished.Set();
        }
    }

    /// <summary>The first final state wins: a stop that gave up waiting and the run's own end may race.</summary>
    private void End(JobState state)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            SetJobState(state);
        }
    }

    private static void Add<T>(PSDataCollection<T> collection, T item)
    {
        try
        {
            collection.Add(item);
        }
        catch (InvalidOperationException)
        {
            // The job was removed while the run still reported (Remove-Job -Force).
        }
    }
}

/// <summary>
/// Lets PowerShell's job commands find Muxly job runs: Get-Job lists them, Remove-Job removes them (stopping a
/// running one first). PowerShell creates it from the type named in the job definition; the name is unique to Muxly.
/// </summary>
public sealed class MuxlyJobRunSourceAdapter : JobSourceAdapter
{
    internal const string NewJobKey = "MuxlyJobRun";

    // One adapter per runspace's job manager: each session sees its own runs.
    private readonly ConcurrentDictionary<Guid, Job2> Runs = new();

    public MuxlyJobRunSourceAdapter()
    {
        Name = nameof(MuxlyJobRunSourceAdapter);
    }

    public override Job2 NewJob(JobInvocationInfo specification)
    {
        var run = specification.Parameters[0]
            .FirstOrDefault(p => p.Name == NewJobKey)?.Value as MuxlyJobRun
            ?? throw new ArgumentException("The job specification carries no Muxly job run.", nameof(specification));
        Runs[run.InstanceId] = run;
        return run;
    }

    public override IList<Job2> GetJobs() => Runs.Values.ToList();

    public override IList<Job2> GetJobsByName(string name, bool recurse)
    {
        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
        return Runs.Values.Where(j => pattern.IsMatch(j.Name)).ToList();
    }

    public override IList<Job2> GetJobsByCommand(string command, bool recurse)
    {
        var pattern = new WildcardPattern(command, WildcardOptions.IgnoreCase);
        return Runs.Values.Where(j => pattern.IsMatch(j.Command)).ToList();
    }

    public override Job2? GetJobByInstanceId(Guid instanceId, bool recurse) => Runs.TryGetValue(instanceId, out var job) ? job : null;

    public override Job2? GetJobBySessionId(int id, bool recurse) => Runs.Values.FirstOrDefault(j => j.Id == id);

    public override IList<Job2> GetJobsByState(JobState state, bool recurse) => Runs.Values.Where(j => j.JobStateInfo.State == state).ToList();

    public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) => [];

    public override void RemoveJob(Job2 job)
    {
        if (Runs.TryRemove(job.InstanceId, out var removed) && removed.JobStateInfo.State is JobState.Running or JobState.NotStarted)
        {
            removed.StopJob();
        }
    }
}
