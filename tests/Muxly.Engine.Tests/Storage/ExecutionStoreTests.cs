using Muxly.Storage;
using Muxly.Tests.TestSupport;
using static Muxly.Tests.TestSupport.SqliteInspection;

namespace Muxly.Tests.Storage;

/// <summary>Execution history: transitions, filters, stop requests, abandoned runs, retention and occurrence claims.</summary>
public sealed class ExecutionStoreTests : IDisposable
{
    private readonly JobFixture _fixture = new();
    private readonly ExecutionStore _executions;
    private readonly Job _job;
    private readonly Job _otherJob;

    public ExecutionStoreTests()
    {
        _executions = _fixture.Store.Executions;
        _fixture.WebhookConnector("hook");
        _job = _fixture.Job("sync", "hook");
        _otherJob = _fixture.Job("other", "hook");
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void StartThenFinish_MovesFromRunningToAFinalStatus()
    {
        var scheduledFor = new DateTimeOffset(2025, 3, 1, 2, 0, 0, TimeSpan.Zero);
        var started = _executions.Start(new ExecutionStart(_job.Id, "schedule", ScheduledFor: scheduledFor, Parameters: """{"a":1}"""));

        Assert.True(started.Started);
        var running = started.Execution;
        Assert.Equal(("running", "schedule", 1, "sync"), (running.Status, running.TriggeredBy, running.Attempt, running.JobName));
        Assert.Equal(scheduledFor, running.ScheduledFor);
        Assert.Null(running.EndTime);
        Assert.Null(running.Duration);
        Assert.NotNull(running.HeartbeatAt);

        var finished = _executions.Finish(running.Id, "succeeded", """{"records_read":3}""");

        Assert.Equal("succeeded", finished.Status);
        Assert.Equal("""{"records_read":3}""", finished.Result);
        Assert.NotNull(finished.EndTime);
        Assert.True(finished.Duration >= TimeSpan.Zero);
        Assert.True(finished.IsFinished);
    }

    [Fact]
    public void Finish_LeavesAnAlreadyFinishedExecutionAsItIs()
    {
        var run = Run(_job, "failed");

        var again = _executions.Finish(run.Id, "succeeded", "{}");

        Assert.Equal("failed", again.Status);
    }

    [Fact]
    public void Finish_GivesAnExecutionMarkedAbandonedItsRealOutcome()
    {
        var run = _executions.Start(new ExecutionStart(_job.Id, "manual")).Execution;
        MakeStale(run.Id, ownerInstanceId: null);
        Assert.Single(_executions.MarkAbandoned(TimeSpan.FromSeconds(30)));

        Assert.Equal("succeeded", _executions.Finish(run.Id, "succeeded", "{}").Status);
    }

    [Fact]
    public void Query_FiltersByJobStatusSinceAndLastNewestFirst()
    {
        var first = Run(_job, "succeeded");
        var second = Run(_job, "failed");
        Run(_otherJob, "failed");
        Thread.Sleep(15);
        var since = DateTimeOffset.Now;
        Thread.Sleep(15);
        var third = Run(_job, "succeeded");
        var fourth = Run(_job, "timed_out");

        Assert.Equal([fourth.Id, third.Id, second.Id, first.Id], _executions.Query(new ExecutionQuery(_job.Id)).Select(e => e.Id));
        Assert.Equal([fourth.Id, third.Id], _executions.Query(new ExecutionQuery(_job.Id, Last: 2)).Select(e => e.Id));
        Assert.Equal([third.Id, first.Id], _executions.Query(new ExecutionQuery(_job.Id, ["Succeeded"])).Select(e => e.Id));
        Assert.Equal([fourth.Id, third.Id], _executions.Query(new ExecutionQuery(_job.Id, Since: since)).Select(e => e.Id));
        Assert.Equal([fourth.Id, second.Id], _executions.Query(new ExecutionQuery(_job.Id, ["failed", "TimedOut"])).Select(e => e.Id));
        Assert.Equal(5, _executions.Query(new ExecutionQuery()).Count);
    }

    [Fact]
    public void Query_RefusesAnUnknownStatus()
    {
        MuxlyAssert.Fails("MuxlyExecutionStatusInvalid", () => _executions.Query(new ExecutionQuery(Statuses: ["exploded"])));
    }

    [Fact]
    public void RequestCancel_FromAnotherProcessSetsTheFlagTheRunnerPolls()
    {
        var run = _executions.Start(new ExecutionStart(_job.Id, "manual")).Execution;
        var other = _fixture.OpenOtherStore();

        Assert.True(other.Executions.RequestCancel(run.Id, "maintenance window"));

        Assert.True(_executions.IsCancelRequested(run.Id));
        Assert.Equal("maintenance window", _executions.CancelReason(run.Id));
        Assert.True(_executions.Get(run.Id).CancelRequested);
    }

    [Fact]
    public void RequestCancel_OfAFinishedExecutionDoesNothing()
    {
        var run = Run(_job, "succeeded");

        Assert.False(_executions.RequestCancel(run.Id));
        Assert.False(_executions.IsCancelRequested(run.Id));
        MuxlyAssert.Fails("MuxlyJobExecutionNotFound", () => _executions.RequestCancel("no-such-execution"));
    }

    [Fact]
    public void Start_UnderForbidWhileTheJobRuns_RecordsASkippedRow()
    {
        var running = _executions.Start(new ExecutionStart(_job.Id, "manual")).Execution;

        var second = _executions.Start(new ExecutionStart(_job.Id, "schedule", ScheduledFor: DateTimeOffset.Now, OverlapPolicy: "forbid"));

        Assert.False(second.Started);
        Assert.Equal("skipped", second.Execution.Status);
        Assert.NotNull(second.Execution.EndTime);
        Assert.Contains(running.Id, second.Execution.Result);
        Assert.Contains("forbid", second.Execution.Error);
        Assert.NotNull(second.Execution.ScheduledFor);
    }

    [Fact]
    public void Start_UnderReplace_AsksTheRunningExecutionToStop()
    {
        var running = _executions.Start(new ExecutionStart(_job.Id, "manual")).Execution;

        var second = _executions.Start(new ExecutionStart(_job.Id, "manual", OverlapPolicy: "replace"));

        Assert.True(second.Started);
        Assert.Equal([running.Id], second.ReplacedExecutionIds);
        Assert.True(_executions.IsCancelRequested(running.Id));
    }

    [Fact]
    public void Start_UnderAllow_RunsAlongside()
    {
        _executions.Start(new ExecutionStart(_job.Id, "manual"));

        Assert.True(_executions.Start(new ExecutionStart(_job.Id, "manual", OverlapPolicy: "allow")).Started);
        Assert.Equal(2, _executions.Running(_job.Id).Count);
    }

    [Fact]
    public void Start_RefusesAnUnknownTriggerOrJob()
    {
        MuxlyAssert.Fails("MuxlyExecutionTriggerInvalid", () => _executions.Start(new ExecutionStart(_job.Id, "cosmic-ray")));
        MuxlyAssert.Fails("MuxlyJobNotFound", () => _executions.Start(new ExecutionStart("no-such-job", "manual")));
        Assert.Empty(_executions.Query(new ExecutionQuery()));
    }

    [Fact]
    public void RecordSkipped_KeepsTheOccurrenceAndTheReason()
    {
        var at = new DateTimeOffset(2025, 6, 1, 3, 0, 0, TimeSpan.Zero);

        var skipped = _executions.RecordSkipped(_job.Id, "catch-up", at, "Missed while no scheduler ran.");

        Assert.Equal(("skipped", "catch-up"), (skipped.Status, skipped.TriggeredBy));
        Assert.Equal(at, skipped.ScheduledFor);
        Assert.Equal("Missed while no scheduler ran.", skipped.Error);
    }

    [Fact]
    public void MarkAbandoned_TakesRunsWhoseOwnerHeartbeatIsStaleAndLeavesLiveOnes()
    {
        var instances = _fixture.Store.SchedulerInstances;
        var dead = instances.Register();
        var alive = instances.Register();
        var orphan = _executions.Start(new ExecutionStart(_job.Id, "schedule", OwnerInstanceId: dead.Id)).Execution;
        var healthy = _executions.Start(new ExecutionStart(_otherJob.Id, "schedule", OwnerInstanceId: alive.Id)).Execution;
        MakeStale(orphan.Id, dead.Id);

        var abandoned = _executions.MarkAbandoned(TimeSpan.FromSeconds(30));

        Assert.Equal([orphan.Id], abandoned.Select(e => e.Id));
        Assert.Equal("abandoned", _executions.Get(orphan.Id).Status);
        Assert.NotNull(_executions.Get(orphan.Id).EndTime);
        Assert.Contains("heartbeat", _executions.Get(orphan.Id).Error);
        Assert.Equal("running", _executions.Get(healthy.Id).Status);
    }

    [Fact]
    public void MarkAbandoned_SparesARunWhoseOwnerIsStaleButWhoseOwnHeartbeatIsFresh()
    {
        var owner = _fixture.Store.SchedulerInstances.Register();
        var run = _executions.Start(new ExecutionStart(_job.Id, "manual", OwnerInstanceId: owner.Id)).Execution;
        MakeStale(run.Id, owner.Id);
        _executions.Heartbeat(run.Id, owner.Id);

        Assert.Empty(_executions.MarkAbandoned(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void MarkAbandoned_TakesRunsWhoseOwnerStoppedOrIsNotRegistered()
    {
        var owner = _fixture.Store.SchedulerInstances.Register();
        var stopped = _executions.Start(new ExecutionStart(_job.Id, "manual", OwnerInstanceId: owner.Id)).Execution;
        var unowned = _executions.Start(new ExecutionStart(_otherJob.Id, "manual")).Execution;
        _fixture.Store.SchedulerInstances.Stop(owner.Id);
        SetExecutionHeartbeat(stopped.Id, DateTimeOffset.UtcNow.AddMinutes(-5));
        SetExecutionHeartbeat(unowned.Id, DateTimeOffset.UtcNow.AddMinutes(-5));

        var abandoned = _executions.MarkAbandoned(TimeSpan.FromSeconds(30));

        Assert.Equal(new[] { stopped.Id, unowned.Id }.Order(), abandoned.Select(e => e.Id).Order());
    }

    [Fact]
    public void Prune_KeepsTheNewestPerJobInBatchesAndNeverARunningOne()
    {
        InsertFinishedExecutions(_job.Id, 1203);
        InsertFinishedExecutions(_otherJob.Id, 5);
        var running = _executions.Start(new ExecutionStart(_job.Id, "manual")).Execution;
        SetStartTime(running.Id, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)); // older than every finished one
        var newest = _executions.Query(new ExecutionQuery(_job.Id, ["succeeded"], Last: 100)).Select(e => e.Id).ToList();

        var deleted = _executions.Prune(keepPerJob: 100, batchSize: 500);

        Assert.Equal(1103, deleted);
        var kept = _executions.Query(new ExecutionQuery(_job.Id));
        Assert.Equal(101, kept.Count);
        Assert.Equal(newest.Order(), kept.Where(e => e.Status == "succeeded").Select(e => e.Id).Order());
        Assert.Contains(kept, e => e.Id == running.Id);
        Assert.Equal(5, _executions.Query(new ExecutionQuery(_otherJob.Id)).Count);
        Assert.Equal(106L, _fixture.Store.Database.Read(connection => Count(connection, "job_execution_details"))); // details go with their rows
    }

    [Fact]
    public void Prune_UsesTheRetentionSettingByDefault()
    {
        _fixture.Store.Settings.Set("executions.retention_per_job", 3);
        InsertFinishedExecutions(_job.Id, 10);

        Assert.Equal(7, _executions.Prune());
        Assert.Equal(3, _executions.Query(new ExecutionQuery(_job.Id)).Count);
    }

    [Fact]
    public void TryClaimOccurrence_SucceedsExactlyOnceAcrossProcessesAndThreads()
    {
        var stores = new[] { _fixture.Store, _fixture.OpenOtherStore() };
        var instances = stores.Select(s => s.SchedulerInstances.Register().Id).ToArray();
        var occurrence = new DateTimeOffset(2025, 1, 1, 2, 0, 0, TimeSpan.Zero);
        var wins = 0;
        using var go = new ManualResetEventSlim();

        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            go.Wait();
            if (stores[i % 2].Executions.TryClaimOccurrence(_job.Id, occurrence, instances[i % 2]))
            {
                Interlocked.Increment(ref wins);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        go.Set();
        threads.ForEach(t => t.Join());

        Assert.Equal(1, wins);
        Assert.True(_executions.TryClaimOccurrence(_job.Id, occurrence.AddHours(1), instances[0]));
        Assert.True(_executions.TryClaimOccurrence(_otherJob.Id, occurrence, instances[0]));
    }

    [Fact]
    public void Start_ForAClaimedOccurrence_LinksTheClaimToTheExecution()
    {
        var occurrence = new DateTimeOffset(2025, 1, 1, 2, 0, 0, TimeSpan.Zero);
        _executions.TryClaimOccurrence(_job.Id, occurrence, null);

        var run = _executions.Start(new ExecutionStart(_job.Id, "schedule", ScheduledFor: occurrence)).Execution;

        Assert.Equal(run.Id, _fixture.Store.Database.Read(connection => Scalar(connection, "SELECT execution_id FROM scheduler_occurrence_claims")));
    }

    private JobExecution Run(Job job, string status)
    {
        var run = _executions.Start(new ExecutionStart(job.Id, "manual", OverlapPolicy: "allow")).Execution;
        Thread.Sleep(2); // distinct start times, so "newest first" is well defined
        return _executions.Finish(run.Id, status, "{}");
    }

    private void MakeStale(string executionId, string? ownerInstanceId) => _fixture.Store.Database.Write((connection, transaction) =>
    {
        Execute(connection, transaction, "UPDATE job_execution_details SET heartbeat_at = $old WHERE execution_id = $id", executionId);
        Execute(connection, transaction, "UPDATE job_executions SET start_time = $old WHERE id = $id", executionId);
        if (ownerInstanceId is not null)
        {
            Execute(connection, transaction, "UPDATE scheduler_instances SET heartbeat_at = $old WHERE id = $id", ownerInstanceId);
        }
    });

    private void SetExecutionHeartbeat(string executionId, DateTimeOffset at) => _fixture.Store.Database.Write((connection, transaction) =>
        Execute(connection, transaction, "UPDATE job_execution_details SET heartbeat_at = $old WHERE execution_id = $id", executionId, at));

    private void SetStartTime(string executionId, DateTimeOffset at) => _fixture.Store.Database.Write((connection, transaction) =>
        Execute(connection, transaction, "UPDATE job_executions SET start_time = $old WHERE id = $id", executionId, at));

    private static void Execute(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, string sql, string id, DateTimeOffset? at = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$old", (at ?? DateTimeOffset.UtcNow.AddMinutes(-10)).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff"));
        command.ExecuteNonQuery();
    }

    /// <summary>Many finished executions at once, a second apart (newest last), straight into the tables.</summary>
    private void InsertFinishedExecutions(string jobId, int count) => _fixture.Store.Database.Write((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
            INSERT INTO job_executions (id, job_id, start_time, end_time, status, result, attempt, triggered_by)
            SELECT $job || '-' || i, $job, strftime('%Y-%m-%d %H:%M:%f', '2024-01-01', '+' || i || ' seconds'),
                   strftime('%Y-%m-%d %H:%M:%f', '2024-01-01', '+' || i || ' seconds'), 'succeeded', '{}', 1, 'schedule' FROM n;
            INSERT INTO job_execution_details (execution_id) SELECT id FROM job_executions WHERE job_id = $job AND id LIKE $job || '-%';
            """;
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$job", jobId);
        command.ExecuteNonQuery();
    });
}
