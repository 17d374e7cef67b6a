using System.Text.Json.Nodes;
using Muxly.Scheduler;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Scheduler;

/// <summary>Running jobs now, as Start-MuxlyJob and the scheduler do: attempts, retries, timeouts, stops, overlap, actions.</summary>
public sealed class JobRunnerTests : IDisposable
{
    // Short waits so the suite stays fast: retries 0.1 s apart and growing, stop requests seen within 50 ms.
    private static readonly JobRunnerOptions Quick = QuickOptions(inline: false);

    private static JobRunnerOptions QuickOptions(bool inline) => new()
    {
        RunActionsInline = inline,
        RetryBaseDelay = TimeSpan.FromSeconds(0.1),
        RetryMaxDelay = TimeSpan.FromSeconds(5),
        Jitter = 0.1,
        CancelPollInterval = TimeSpan.FromMilliseconds(50),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        CancellationGrace = TimeSpan.FromSeconds(5),
    };

    private readonly JobFixture _fixture = new();
    private readonly MuxlyStore _store;
    private readonly JobRunner _runner;

    public JobRunnerTests()
    {
        _store = _fixture.Store;
        _runner = new JobRunner(_store, Quick);
        _fixture.WebhookConnector("hook");
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void FailingJob_IsRetriedMaxRetriesTimesWithGrowingDelays()
    {
        // A webhook job run without a payload fails every time.
        var job = _fixture.Job("flaky", "hook", maxRetries: 3);

        var last = _runner.Run(job, "manual");

        Assert.Equal(("failed", 4, "retry"), (last.Status, last.Attempt, last.TriggeredBy));
        var attempts = _store.Executions.Query(new ExecutionQuery(job.Id)).Reverse().ToList();
        Assert.Equal([1, 2, 3, 4], attempts.Select(e => e.Attempt));
        Assert.Equal(["manual", "retry", "retry", "retry"], attempts.Select(e => e.TriggeredBy));
        Assert.All(attempts, e => Assert.Equal("failed", e.Status));
        Assert.All(attempts, e => Assert.Contains("payload", e.Error));
        Assert.All(attempts, e => Assert.Equal("MuxlyWebhookPayloadMissing", (string?)JsonNode.Parse(e.Result!)!["error_id"]));
        // The waits between one attempt's end and the next one's start (the first attempt's own time includes JIT warm-up).
        var waits = attempts.Zip(attempts.Skip(1), (a, b) => b.StartTime - a.EndTime!.Value).ToList();
        Assert.True(waits[0] < waits[1] && waits[1] < waits[2], $"waits should grow (exponential): {string.Join(", ", waits)}");
        Assert.True(waits[0] >= TimeSpan.FromMilliseconds(80), $"the first retry waits about the base delay: {waits[0]}");
    }

    [Fact]
    public void RetriedAttempts_AreWarnedWithTheirNumberAndTheWait_AndTheLastIsLogged()
    {
        var job = _fixture.Job("flaky", "hook", maxRetries: 2, backoff: "none");
        var warnings = new List<string>();
        var log = new List<string>();

        _runner.Run(job, new JobRunRequest(Log: log.Add, Warn: warnings.Add));

        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("Job 'flaky' attempt 1 of 3: failed: ", warnings[0]);
        Assert.EndsWith("Waiting 0 s before attempt 2 (none backoff).", warnings[0]);
        Assert.StartsWith("Job 'flaky' attempt 2 of 3: failed", warnings[1]);
        Assert.Contains(log, line => line.StartsWith("Job 'flaky' attempt 3 of 3: started (retry", StringComparison.Ordinal));
        Assert.Contains(log, line => line.StartsWith("Job 'flaky' attempt 3 of 3: failed", StringComparison.Ordinal));
    }

    [Fact]
    public void RequireRunnable_RefusesADisabledJobUnlessForced()
    {
        var job = _store.Jobs.SetEnabled(_fixture.Job("off", "hook").Id, false);

        MuxlyAssert.Fails("MuxlyJobDisabled", () => JobRunner.RequireRunnable(job, force: false));
        JobRunner.RequireRunnable(job, force: true);
    }

    [Fact]
    public void NoneBackoff_RetriesWithoutWaiting()
    {
        var job = _fixture.Job("flaky", "hook", maxRetries: 2, backoff: "none");

        var started = DateTimeOffset.Now;
        var last = _runner.Run(job, "webhook");

        Assert.Equal(3, last.Attempt);
        // Three attempts in far less time than any backoff would add (a generous bound: CI machines are busy).
        Assert.True(DateTimeOffset.Now - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void JobLongerThanItsTimeout_EndsTimedOut()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 30_000);
        var job = _fixture.Job("slow-job", "slow", timeoutSeconds: 1);

        var started = DateTimeOffset.Now;
        var last = _runner.Run(job, "manual");

        Assert.Equal("timed_out", last.Status);
        Assert.Contains("timeout of 1 s", last.Error);
        // Cut off after its 1 s timeout, long before the connector's 30 s would have ended it.
        Assert.InRange(DateTimeOffset.Now - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void TimedOutAttempt_IsRetriedLikeAFailure()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 30_000);
        var job = _fixture.Job("slow-job", "slow", timeoutSeconds: 1, maxRetries: 1, backoff: "none");

        var last = _runner.Run(job, "manual");

        Assert.Equal(("timed_out", 2), (last.Status, last.Attempt));
    }

    [Fact]
    public async Task StopFromAnotherProcess_EndsTheRunCancelledWithoutRetry()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 30_000);
        var job = _fixture.Job("slow-job", "slow", maxRetries: 2);
        var run = Task.Run(() => _runner.Run(job, "manual"));
        var other = _fixture.OpenOtherStore();
        var running = WaitForRunning(other, job);

        Assert.True(other.Executions.RequestCancel(running.Id, "Stopped by the operator."));

        var last = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(running.Id, last.Id);
        Assert.Equal("cancelled", last.Status);
        Assert.Equal("Stopped by the operator.", last.Error);
        Assert.Single(_store.Executions.Query(new ExecutionQuery(job.Id)));
    }

    [Fact]
    public async Task InlineAction_StopFromAnotherProcess_EndsTheRunCancelled()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 30_000);
        var job = _fixture.Job("slow-job", "slow", maxRetries: 2);
        var runner = new JobRunner(_store, QuickOptions(inline: true));
        var run = Task.Run(() => runner.Run(job, "manual"));
        var other = _fixture.OpenOtherStore();
        var running = WaitForRunning(other, job);

        Assert.True(other.Executions.RequestCancel(running.Id, "Stopped by the operator."));

        var last = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((running.Id, "cancelled", "Stopped by the operator."), (last.Id, last.Status, last.Error));
    }

    [Fact]
    public void InlineAction_LongerThanItsTimeout_EndsTimedOut_AndKeepsItsHeartbeat()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 30_000);
        var job = _fixture.Job("slow-job", "slow", timeoutSeconds: 1);

        var last = new JobRunner(_store, QuickOptions(inline: true)).Run(job, "manual");

        Assert.Equal("timed_out", last.Status);
        // Heartbeats every 200 ms while it ran: the last one well after the start.
        Assert.True(last.HeartbeatAt - last.StartTime > TimeSpan.FromMilliseconds(500), $"heartbeat {last.HeartbeatAt:O}, start {last.StartTime:O}");
    }

    [Fact]
    public void InlineAction_Succeeds_WithTheActionsSummary()
    {
        _fixture.SlowConnector("quick", records: 3);
        var job = _fixture.Job("quick-job", "quick");

        var last = new JobRunner(_store, QuickOptions(inline: true)).Run(job, "manual");

        Assert.Equal("succeeded", last.Status);
        Assert.Equal(3, (long)System.Text.Json.Nodes.JsonNode.Parse(last.Result!)!["records_read"]!);
    }

    [Fact]
    public void CancellingTheCallersToken_EndsTheRunCancelled()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 30_000);
        var job = _fixture.Job("slow-job", "slow", maxRetries: 2);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var last = _runner.Run(job, new JobRunRequest(), stop.Token);

        Assert.Equal(("cancelled", 1), (last.Status, last.Attempt));
    }

    [Fact]
    public async Task Overlap_Forbid_RecordsTheSecondStartAsSkipped()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 30_000);
        var job = _fixture.Job("slow-job", "slow");
        var first = Task.Run(() => _runner.Run(job, "manual"));
        var running = WaitForRunning(_store, job);

        var second = new JobRunner(_fixture.OpenOtherStore(), Quick).Run(job, "schedule");

        Assert.Equal(("skipped", "schedule"), (second.Status, second.TriggeredBy));
        Assert.Contains(running.Id, second.Result);
        _store.Executions.RequestCancel(running.Id);
        await first.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Overlap_Replace_StopsTheRunningOneAndRuns()
    {
        _fixture.SlowConnector("slow", records: 1, delayMs: 30_000);
        var job = _fixture.Job("slow-job", "slow", overlap: "replace", timeoutSeconds: 20);
        var first = Task.Run(() => _runner.Run(job, "manual"));
        var running = WaitForRunning(_store, job);
        _store.Jobs.Update(job.Id, new JobChanges(Connector: _fixture.SlowConnector("quick").Name));

        var second = _runner.Run(job, "manual");

        Assert.Equal("succeeded", second.Status);
        var replaced = await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(running.Id, replaced.Id);
        Assert.Equal("cancelled", replaced.Status);
        Assert.Contains("Replaced", replaced.Error);
    }

    [Fact]
    public void DisabledJob_IsRefusedUnlessForced()
    {
        var job = _fixture.Job("off", "hook");
        job = _store.Jobs.SetEnabled(job.Id, false);

        MuxlyAssert.Fails("MuxlyJobDisabled", () => _runner.Run(job, "manual"));
        Assert.Empty(_store.Executions.Query(new ExecutionQuery(job.Id)));

        var forced = _runner.Run(job, new JobRunRequest(Payload: new JsonObject { ["a"] = 1 }, Force: true));
        Assert.Equal("succeeded", forced.Status);
    }

    [Fact]
    public void Run_RegistersThisProcessAsARunnerAndStopsItAfterwards()
    {
        var job = _fixture.Job("once", "hook");

        var execution = _runner.Run(job, new JobRunRequest(Payload: new JsonArray()));

        var owner = _store.SchedulerInstances.FindById(execution.OwnerInstanceId!);
        Assert.NotNull(owner);
        Assert.Equal(("runner", Environment.ProcessId), (owner.Kind, owner.ProcessId));
        Assert.True(owner.IsStopped);
    }

    [Fact]
    public void Run_WithASchedulerInstance_RecordsItAsOwnerAndTheOccurrence()
    {
        var job = _fixture.Job("scheduled", "hook");
        var scheduler = _store.SchedulerInstances.Register();
        var occurrence = new DateTimeOffset(2025, 5, 1, 6, 0, 0, TimeSpan.Zero);

        var execution = _runner.Run(job, new JobRunRequest("schedule", Payload: new JsonObject(), InstanceId: scheduler.Id, ScheduledFor: occurrence));

        Assert.Equal((scheduler.Id, occurrence, "schedule"), (execution.OwnerInstanceId, execution.ScheduledFor, execution.TriggeredBy));
        Assert.False(_store.SchedulerInstances.FindById(scheduler.Id)!.IsStopped);
    }

    [Fact]
    public void RouteJob_RunsTheRouteOverTheWebhookPayload()
    {
        _fixture.Sink("errors");
        _store.Rules.Create(new RuleDefinition("only-errors", "level == 'error'", Destinations: ["errors"]), force: false);
        _fixture.Route("alerts", "hook", "only-errors");
        var job = _fixture.Job("alerts-job", "hook", "route", new JsonObject { ["route"] = "alerts" });
        var payload = JsonNode.Parse("""[{"level":"error","n":1},{"level":"info","n":2},{"level":"error","n":3},42]""");

        var execution = _runner.Run(job, new JobRunRequest("webhook", Payload: payload));

        Assert.Equal("succeeded", execution.Status);
        var result = JsonNode.Parse(execution.Result!)!;
        Assert.Equal(("route", "alerts"), ((string?)result["action"], (string?)result["route"]));
        Assert.Equal((3L, 1L, 1L, 2L), ((long)result["records_read"]!, (long)result["read_errors"]!, (long)result["unmatched"]!, (long)result["delivered"]!));
        Assert.Equal([1, 3], CapturingDestination.Delivered(_fixture.SinkKey("errors")).Select(r => (int)r["n"]!));
        Assert.Equal(4, payload!.AsArray().Count); // the payload is read, never changed
    }

    [Fact]
    public void RouteJob_FailsWhenTheRouteRunFails()
    {
        _fixture.Sink("refusing", refuse: true);
        _store.Rules.Create(new RuleDefinition("all", null, Destinations: ["refusing"]), force: false);
        _store.Routes.Create(new RouteDefinition("strict", "hook", ["all"], ErrorMode: "fail"), force: false);
        var job = _fixture.Job("strict-job", "hook", "route", new JsonObject { ["route"] = "strict" });

        var execution = _runner.Run(job, new JobRunRequest(Payload: new JsonObject { ["x"] = 1 }));

        Assert.Equal("failed", execution.Status);
        Assert.Contains("strict", execution.Error);
        Assert.Equal("Failed", (string?)JsonNode.Parse(execution.Result!)!["status"]);
    }

    [Fact]
    public void RouteJob_WhoseRouteWasDeleted_FailsOnceWithoutRetrying()
    {
        var route = _fixture.Route("gone", "hook");
        var job = _fixture.Job("orphan", "hook", "route", new JsonObject { ["route"] = "gone" }, maxRetries: 3);
        _store.Routes.Delete(route.Id);

        var execution = _runner.Run(job, new JobRunRequest(Payload: new JsonObject()));

        Assert.Equal(("failed", 1), (execution.Status, execution.Attempt));
        Assert.Contains("no longer exists", execution.Error);
        Assert.Single(_store.Executions.Query(new ExecutionQuery(job.Id)));
    }

    [Fact]
    public void ExportJob_StreamsTheConnectorsRecordsIntoTheDestination()
    {
        _fixture.Sink("archive");
        _fixture.SlowConnector("numbers", records: 25);
        var job = _fixture.Job("archive-job", "numbers", "export", new JsonObject { ["destination"] = "archive" });

        var execution = _runner.Run(job, "manual");

        Assert.Equal("succeeded", execution.Status);
        var result = JsonNode.Parse(execution.Result!)!;
        Assert.Equal((25L, 25L, 0L), ((long)result["records_read"]!, (long)result["delivered"]!, (long)result["failed"]!));
        Assert.Equal(Enumerable.Range(1, 25), CapturingDestination.Delivered(_fixture.SinkKey("archive")).Select(r => (int)r["n"]!));
    }

    [Fact]
    public void ExportJob_FailsWhenRecordsCannotBeDelivered()
    {
        _fixture.Sink("refusing", refuse: true);
        var job = _fixture.Job("export-job", "hook", "export", new JsonObject { ["destination"] = "refusing" });

        var execution = _runner.Run(job, new JobRunRequest(Payload: JsonNode.Parse("""[{"a":1},{"a":2}]""")));

        Assert.Equal("failed", execution.Status);
        Assert.Contains("2 of 2", execution.Error);
    }

    [Fact]
    public void FetchJob_ReadsEverythingAndKeepsASummary()
    {
        var job = _fixture.Job("peek", "hook");

        var execution = _runner.Run(job, new JobRunRequest("webhook", Payload: JsonNode.Parse("""[{"id":1,"name":"a"},{"id":2},"oops"]""")));

        Assert.Equal("succeeded", execution.Status);
        var result = JsonNode.Parse(execution.Result!)!;
        Assert.Equal((2L, 1L), ((long)result["records_read"]!, (long)result["read_errors"]!));
        Assert.Equal(["id", "name"], result["fields"]!.AsArray().Select(f => (string)f!));
        Assert.Contains("payload[2]", (string?)result["errors"]![0]);
    }

    [Fact]
    public void FetchJob_OnADisabledConnector_FailsWithoutRetrying()
    {
        var job = _fixture.Job("peek", "hook", maxRetries: 3);
        _store.Connectors.SetEnabled(job.ConnectorId, false);

        var execution = _runner.Run(job, new JobRunRequest(Payload: new JsonObject()));

        Assert.Equal(("failed", 1), (execution.Status, execution.Attempt));
        Assert.Contains("disabled", execution.Error);
    }

    [Fact]
    public void Run_PrunesTheJobsHistoryToTheRetentionSetting()
    {
        _store.Settings.Set("executions.retention_per_job", 2);
        var job = _fixture.Job("often", "hook");

        for (var i = 0; i < 4; i++)
        {
            _runner.Run(job, new JobRunRequest(Payload: new JsonObject()));
        }

        Assert.Equal(2, _store.Executions.Query(new ExecutionQuery(job.Id)).Count);
    }

    [Fact]
    public void Run_MarksAStaleRunningExecutionAbandonedInsteadOfSkipping()
    {
        var job = _fixture.Job("after-crash", "hook");
        var crashed = _store.Executions.Start(new ExecutionStart(job.Id, "schedule")).Execution;
        _store.Database.Write((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE job_execution_details SET heartbeat_at = '2000-01-01 00:00:00.000'; UPDATE job_executions SET start_time = '2000-01-01 00:00:00.000';";
            command.ExecuteNonQuery();
        });

        var execution = _runner.Run(job, new JobRunRequest(Payload: new JsonObject()));

        Assert.Equal("succeeded", execution.Status);
        Assert.Equal("abandoned", _store.Executions.Get(crashed.Id).Status);
    }

    private static JobExecution WaitForRunning(MuxlyStore store, Job job)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (store.Executions.Running(job.Id).FirstOrDefault() is { } running)
            {
                return running;
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException("The job never started running.");
    }
}
