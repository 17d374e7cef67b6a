using System.Collections.Concurrent;
using System.Diagnostics;
using Muxly.Scheduler;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Scheduler;

/// <summary>The scheduler loop: on-time runs, several schedulers on one database, downtime, crashes, stopping.</summary>
public sealed class SchedulerServiceTests : IDisposable
{
    private const string EverySecond = "* * * * * *";

    private readonly JobFixture _fixture = new();
    private readonly MuxlyStore _store;
    private readonly ConcurrentQueue<string> _log = new();

    public SchedulerServiceTests()
    {
        _store = _fixture.Store;
        _fixture.SlowConnector("quick", records: 1);
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void EverySecondJob_RunsOnceASecond_OnTime_WithoutDuplicates()
    {
        // Overlap allowed: on a machine too busy to finish a run within its second, forbid would record the next
        // occurrence as skipped, which is right, but not what this test is about.
        var job = CronJob("tick", EverySecond, overlapPolicy: "allow");

        RunFor(Service(), TimeSpan.FromSeconds(3.5));

        var runs = Executions(job);
        Assert.InRange(runs.Count, 2, 5);
        Assert.All(runs, e => Assert.Equal(("succeeded", "schedule", 1), (e.Status, e.TriggeredBy, e.Attempt)));
        Assert.Equal(runs.Count, runs.Select(e => e.ScheduledFor).Distinct().Count());
        // On time: well inside the one-second period (generous for busy CI machines).
        Assert.All(runs, e => Assert.InRange(e.Lateness!.Value, TimeSpan.FromSeconds(-0.1), TimeSpan.FromSeconds(3)));
        Assert.Contains(_log, line => line.Contains("'tick': running the occurrence") && line.Contains("s late"));
        var instance = Assert.Single(_store.SchedulerInstances.List(includeStopped: true, kind: SchedulerInstanceStore.SchedulerKind));
        Assert.True(instance.IsStopped);
    }

    [Fact]
    public void TwoSchedulersOnOneDatabase_RunEachOccurrenceExactlyOnce_AndLoseNone()
    {
        var job = CronJob("shared", EverySecond);
        using var first = Service();
        using var second = new SchedulerService(_fixture.OpenOtherStore(), Options());

        var loops = new[] { StartLoop(first), StartLoop(second) };
        Thread.Sleep(TimeSpan.FromSeconds(6));
        first.Stop(TimeSpan.FromSeconds(5));
        second.Stop(TimeSpan.FromSeconds(5));
        Assert.All(loops, loop => Assert.True(loop.Join(TimeSpan.FromSeconds(10))));

        var occurrences = Executions(job).Select(e => e.ScheduledFor!.Value).Order().ToList();
        Assert.True(occurrences.Count >= 4, $"only {occurrences.Count} runs in 6 s");
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());
        // None lost: from the first to the last, every second is there.
        Assert.All(occurrences.Zip(occurrences.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
    }

    [Theory]
    [InlineData("run-once", 1, 9)]
    [InlineData("skip", 0, 10)]
    [InlineData("catch-up", 3, 7)]
    public void OccurrencesMissedWhileNoSchedulerRan_FollowTheMissedRunPolicy(string policy, int runs, int skipped)
    {
        // Every minute, last dealt with ten minutes ago; "now" half a minute past an occurrence, so none is on time.
        var now = HalfMinutePast();
        var job = CronJob("minutely", "* * * * *", policy, catchUpLimit: 3);
        SetCursor(job, now.AddMinutes(-10));

        var summary = Service(clock: new FixedClock(now)).RunOnce();

        var executions = Executions(job);
        Assert.Equal(runs, executions.Count(e => e.Status == "succeeded"));
        Assert.Equal(skipped, executions.Count(e => e.Status == "skipped"));
        Assert.Equal((runs, skipped), (summary.Succeeded, summary.Skipped));
        Assert.All(executions, e => Assert.Equal("catch-up", e.TriggeredBy));
        Assert.Equal(10, executions.Select(e => e.ScheduledFor).Distinct().Count());
        // The newest missed occurrences are the ones run.
        var newest = executions.OrderByDescending(e => e.ScheduledFor).Take(runs);
        Assert.All(newest, e => Assert.Equal("succeeded", e.Status));
        Assert.Equal(now.AddSeconds(-30), _store.Jobs.Get(job.Id).LastScheduledFor);
    }

    [Fact]
    public void EditingASchedule_NeverFiresIt()
    {
        var now = HalfMinutePast();
        var job = CronJob("edited", "* * * * *", "catch-up");
        SetCursor(job, now.AddMinutes(-10));

        _store.Jobs.Update(job.Id, new JobChanges(Schedule: "*/2 * * * *"));
        var summary = Service(clock: new FixedClock(DateTimeOffset.Now)).RunOnce();

        Assert.Empty(Executions(job));
        Assert.Empty(summary.Executions);
    }

    [Fact]
    public void JobsAddedEditedAndDisabledElsewhereWhileItRuns_TakeEffectWithinASecond()
    {
        // Ten thousand jobs would show the same; a few idle ones show that edits are not lost among them.
        for (var i = 0; i < 20; i++)
        {
            CronJob($"idle-{i:D2}", "0 3 1 1 *");
        }

        using var service = Service();
        var loop = StartLoop(service);
        WaitUntil(() => _log.Any(line => line.Contains("20 enabled cron job(s)")));
        var other = _fixture.OpenOtherStore();

        // Added from another connection: picked up and run.
        var added = other.Jobs.Create(new JobDefinition("added", "quick", "fetch", Schedule: EverySecond, TimeZone: "UTC", MaxRetries: 0,
            BackoffStrategy: "none", OverlapPolicy: "allow"), force: false).Item;
        WaitUntil(() => Executions(added).Any(e => e.Status == "succeeded"));

        // Disabled: it stops running (a run already claimed may still finish).
        other.Jobs.SetEnabled(added.Id, false);
        Thread.Sleep(TimeSpan.FromSeconds(1.5));
        var runsWhenDisabled = Executions(added).Count;
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Assert.Equal(runsWhenDisabled, Executions(added).Count);

        // An idle job's schedule edited to every second: it runs.
        var edited = other.Jobs.Get("idle-07");
        other.Jobs.Update(edited.Id, new JobChanges(Schedule: EverySecond, OverlapPolicy: "allow"));
        WaitUntil(() => Executions(edited).Any(e => e.Status == "succeeded"));

        service.Stop(TimeSpan.FromSeconds(5));
        Assert.True(loop.Join(TimeSpan.FromSeconds(10)));
        Assert.Contains(_log, line => line.Contains("Jobs changed: 21 enabled cron job(s)."));
        Assert.All(Enumerable.Range(0, 20).Where(i => i != 7), i => Assert.Empty(Executions(_store.Jobs.Get($"idle-{i:D2}"))));
    }

    [Fact]
    public void AJobInsertedWithoutACursor_StartsFromNow()
    {
        var job = CronJob("raw", "* * * * *");
        Sql("DELETE FROM scheduler_job_cursors WHERE job_id = $id", ("$id", job.Id));
        var before = DateTimeOffset.UtcNow;

        var summary = Service().RunOnce();

        Assert.Empty(summary.Executions);
        Assert.InRange(_store.Jobs.Get(job.Id).LastScheduledFor!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public void WithAtMostOneRunAtOnce_DueRunsWaitForEachOther()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 600);
        var first = CronJob("first", EverySecond, connector: "slow");
        var second = CronJob("second", EverySecond, connector: "slow");

        RunFor(new SchedulerService(_store, Options() with { MaxConcurrentRuns = 1 }), TimeSpan.FromSeconds(2.5));

        var runs = Executions(first).Concat(Executions(second)).Where(e => e.EndTime is not null).OrderBy(e => e.StartTime).ToList();
        Assert.True(runs.Count >= 2, $"{runs.Count} runs");
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.True(runs[i].StartTime >= runs[i - 1].EndTime!.Value, $"run {i} started at {runs[i].StartTime:HH:mm:ss.fff}, before run {i - 1} ended at {runs[i - 1].EndTime:HH:mm:ss.fff}");
        }
    }

    [Fact]
    public void EventsReachTheRecordSinkAsTypedRecords()
    {
        var job = CronJob("typed", EverySecond);
        var records = new ConcurrentQueue<SchedulerLogRecord>();

        RunFor(new SchedulerService(_store, Options() with { Records = records.Enqueue }), TimeSpan.FromSeconds(2.5));

        var started = records.First(r => r.Event == "Started" && r.Job == "typed");
        Assert.NotNull(started.Lateness);
        var succeeded = records.First(r => r.Event == "Succeeded" && r.Job == "typed");
        Assert.Equal(1, succeeded.Attempt);
        Assert.NotNull(_store.Executions.FindById(succeeded.ExecutionId!));
        Assert.Contains(records, r => r.Event == "Info" && r.Message.Contains("started"));
        Assert.StartsWith(succeeded.Time.ToLocalTime().ToString("yyyy-MM-dd"), succeeded.ToString());
    }

    [Fact]
    public void AnOccurrenceClaimedByASchedulerThatDiedBeforeStartingIt_IsRunByTheNext_AndOnlyOnce()
    {
        var job = CronJob("claimed", "0 0 1 1 *");
        var scheduledFor = DateTimeOffset.Now.AddMinutes(-3);
        var other = _fixture.OpenOtherStore();
        var dead = other.SchedulerInstances.Register();
        Assert.True(other.Executions.TryClaimOccurrence(job.Id, scheduledFor, dead.Id));
        Sql("UPDATE scheduler_instances SET heartbeat_at = $at WHERE id = $id", ("$at", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow.AddMinutes(-10))), ("$id", dead.Id));

        var summary = Service().RunOnce();

        var run = Assert.Single(summary.Executions);
        Assert.Equal(("succeeded", "catch-up", scheduledFor.ToUnixTimeMilliseconds()), (run.Status, run.TriggeredBy, run.ScheduledFor!.Value.ToUnixTimeMilliseconds()));
        Assert.Empty(Service().RunOnce().Executions); // taken once: a later scheduler finds nothing left to recover
    }

    [Fact]
    public void AnOccurrenceClaimedByALiveScheduler_IsLeftToIt()
    {
        var job = CronJob("queued", "0 0 1 1 *");
        var other = _fixture.OpenOtherStore();
        var alive = other.SchedulerInstances.Register();
        Assert.True(other.Executions.TryClaimOccurrence(job.Id, DateTimeOffset.Now.AddMinutes(-3), alive.Id));

        Assert.Empty(Service().RunOnce().Executions);
    }

    [Fact]
    public void AnExecutionLeftRunningByADeadScheduler_IsMarkedAbandoned_AndRetriedAsTheNextAttempt()
    {
        var job = CronJob("crashed", "0 0 1 1 *", maxRetries: 2);
        var scheduledFor = DateTimeOffset.Now.AddMinutes(-3);
        var orphan = StartOrphan(job, scheduledFor);

        var summary = Service().RunOnce();

        Assert.Equal((1, 1), (summary.Abandoned, summary.Retried));
        Assert.Equal("abandoned", _store.Executions.Get(orphan.Id).Status);
        var retry = Assert.Single(summary.Executions);
        Assert.Equal(("succeeded", 2, "retry", scheduledFor.ToUnixTimeMilliseconds()), (retry.Status, retry.Attempt, retry.TriggeredBy, retry.ScheduledFor!.Value.ToUnixTimeMilliseconds()));
        Assert.Equal(0, summary.Failed);
    }

    [Fact]
    public void ARunningScheduler_FindsExecutionsAbandonedWhileItRuns_AndRetriesThem_EvenWhenTheJobRunsMeanwhile()
    {
        // The job runs every second too: its own runs must not swallow the abandoned one without a retry.
        var job = CronJob("busy", EverySecond, maxRetries: 1);
        var service = Service();
        var loop = StartLoop(service);
        WaitUntil(() => Executions(job).Any(e => e.Status == "succeeded"));

        var orphan = StartOrphan(job, DateTimeOffset.Now.AddMinutes(-1));
        WaitUntil(() => Executions(job).Any(e => e.TriggeredBy == "retry" && e.IsFinished));
        service.Stop(TimeSpan.FromSeconds(5));
        Assert.True(loop.Join(TimeSpan.FromSeconds(10)));

        Assert.Equal("abandoned", _store.Executions.Get(orphan.Id).Status);
        var retry = Assert.Single(Executions(job), e => e.TriggeredBy == "retry");
        Assert.Equal(("succeeded", 2), (retry.Status, retry.Attempt));
    }

    [Fact]
    public void AJobWhoseRunsKeepDyingWithTheirProcess_IsNotRetriedAgain_AndTheHistorySaysWhy()
    {
        var job = CronJob("crash-loop", "0 0 1 1 *", maxRetries: 10);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var earlier = StartOrphan(job, null, attempt);
            Sql("UPDATE job_executions SET status = 'abandoned', end_time = start_time WHERE id = $id", ("$id", earlier.Id));
        }

        StartOrphan(job, null, attempt: 3);

        var summary = Service().RunOnce();

        Assert.Equal((1, 0, 1), (summary.Abandoned, summary.Retried, summary.Skipped));
        Assert.Empty(summary.Executions);
        var skipped = Assert.Single(Executions(job), e => e.Status == "skipped");
        Assert.Equal(("retry", 4), (skipped.TriggeredBy, skipped.Attempt));
        Assert.Contains("last 3 runs were all abandoned", skipped.Error);
    }

    [Fact]
    public void AnAbandonedExecutionWithNoAttemptsLeft_IsNotRetried()
    {
        var job = CronJob("no-retries", "0 0 1 1 *", maxRetries: 0);
        StartOrphan(job, null);

        var summary = Service().RunOnce();

        Assert.Equal((1, 0), (summary.Abandoned, summary.Retried));
        Assert.Contains(_log, line => line.Contains("not retried, because it had used all 1 attempt(s)"));
    }

    [Fact]
    public void Stop_LetsARunningExecutionFinishWithinTheGracePeriod()
    {
        _fixture.SlowConnector("half-second", records: 1, delayMs: 500);
        var job = CronJob("finishes", EverySecond, connector: "half-second");
        var service = Service();
        var loop = StartLoop(service);
        WaitUntil(() => service.RunningCount > 0);

        var clock = Stopwatch.StartNew();
        Assert.True(service.Stop(TimeSpan.FromSeconds(10)));
        Assert.True(loop.Join(TimeSpan.FromSeconds(10)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stop took {clock.Elapsed}");
        var runs = Executions(job);
        Assert.NotEmpty(runs);
        Assert.All(runs, e => Assert.Contains(e.Status, new[] { "succeeded", "skipped" }));
        Assert.Contains(runs, e => e.Status == "succeeded");
    }

    [Fact]
    public void Stop_CancelsARunThatOutlastsTheGracePeriod()
    {
        _fixture.SlowConnector("endless", records: 1, delayMs: 60_000);
        var job = CronJob("endless", EverySecond, connector: "endless");
        var service = Service();
        var loop = StartLoop(service);
        WaitUntil(() => service.RunningCount > 0);

        var clock = Stopwatch.StartNew();
        Assert.True(service.Stop(TimeSpan.FromSeconds(1)));
        Assert.True(loop.Join(TimeSpan.FromSeconds(10)));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        var cancelled = Assert.Single(Executions(job), e => e.Status != "skipped");
        Assert.Equal("cancelled", cancelled.Status);
        Assert.Contains(_log, line => line.Contains("Grace period over: cancelling"));
        Assert.True(_store.SchedulerInstances.FindById(service.Instance!.Id)!.IsStopped);
    }

    [Fact]
    public void AnInstanceMarkedStoppedInTheDatabase_StopsItself()
    {
        var service = Service();
        var loop = StartLoop(service);
        WaitUntil(() => service.Instance is not null);

        _fixture.OpenOtherStore().SchedulerInstances.Stop(service.Instance!.Id);

        Assert.True(loop.Join(TimeSpan.FromSeconds(5)));
        Assert.Contains(_log, line => line.Contains("marked stopped in the database"));
    }

    [Fact]
    public void HostedComponents_StartWithTheSchedulerAndStopBeforeIt()
    {
        var component = new RecordingComponent();
        var service = new SchedulerService(_store, Options() with { Components = [component] });

        service.RunOnce();

        Assert.Equal(["start", "stop"], component.Calls);
        Assert.Equal(service.Instance!.Id, component.InstanceId);
    }

    private SchedulerService Service(TimeProvider? clock = null) => new(_store, Options(clock));

    private SchedulerServiceOptions Options(TimeProvider? clock = null) => new()
    {
        Name = "test",
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        CancellationGrace = TimeSpan.FromSeconds(1),
        Log = _log.Enqueue,
        Clock = clock ?? TimeProvider.System,
        Runner = new JobRunnerOptions { CancelPollInterval = TimeSpan.FromMilliseconds(50), RetryBaseDelay = TimeSpan.FromMilliseconds(50) },
    };

    private static void RunFor(SchedulerService service, TimeSpan duration)
    {
        var loop = StartLoop(service);
        Thread.Sleep(duration);
        service.Stop(TimeSpan.FromSeconds(5));
        Assert.True(loop.Join(TimeSpan.FromSeconds(10)));
    }

    private static Thread StartLoop(SchedulerService service)
    {
        var thread = new Thread(() => service.Run()) { IsBackground = true };
        thread.Start();
        return thread;
    }

    private Job CronJob(string name, string schedule, string missedRunPolicy = "run-once", int catchUpLimit = 10, int maxRetries = 0, string connector = "quick", string overlapPolicy = "forbid") =>
        _store.Jobs.Create(new JobDefinition(name, connector, "fetch", Schedule: schedule, TimeZone: "UTC", MaxRetries: maxRetries,
            MissedRunPolicy: missedRunPolicy, CatchUpLimit: catchUpLimit, BackoffStrategy: "none", OverlapPolicy: overlapPolicy), force: false).Item;

    private List<JobExecution> Executions(Job job) => _store.Executions.Query(new ExecutionQuery(job.Id)).ToList();

    /// <summary>An execution started by a scheduler that then died: both heartbeats ten minutes old.</summary>
    private JobExecution StartOrphan(Job job, DateTimeOffset? scheduledFor, int attempt = 1)
    {
        var other = _fixture.OpenOtherStore();
        var dead = other.SchedulerInstances.Register();
        var started = other.Executions.Start(new ExecutionStart(job.Id, scheduledFor is null ? "manual" : "schedule", attempt, scheduledFor, dead.Id)).Execution;
        var stale = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow.AddMinutes(-10));
        Sql("UPDATE scheduler_instances SET heartbeat_at = $at WHERE id = $id", ("$at", stale), ("$id", dead.Id));
        Sql("UPDATE job_execution_details SET heartbeat_at = $at WHERE execution_id = $id", ("$at", stale), ("$id", started.Id));
        Sql("UPDATE job_executions SET start_time = $at WHERE id = $id", ("$at", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow.AddMinutes(-10).AddSeconds(attempt))), ("$id", started.Id));
        return started;
    }

    private void SetCursor(Job job, DateTimeOffset at) =>
        Sql("UPDATE scheduler_job_cursors SET last_scheduled_for = $at WHERE job_id = $id", ("$at", SqliteValues.FormatTimestamp(at)), ("$id", job.Id));

    private void Sql(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = _fixture.Temp.ConnectRaw();
        SqliteInspection.Execute(connection, sql, parameters);
    }

    /// <summary>Thirty seconds past the last whole minute before now.</summary>
    private static DateTimeOffset HalfMinutePast()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddSeconds(-30);
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting");
            Thread.Sleep(20);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    private sealed class RecordingComponent : ISchedulerComponent
    {
        public List<string> Calls { get; } = [];

        public string? InstanceId { get; private set; }

        public string Name => "recording component";

        public void Start(SchedulerContext context)
        {
            Calls.Add("start");
            InstanceId = context.InstanceId;
        }

        public void Stop(TimeSpan grace) => Calls.Add("stop");
    }
}
