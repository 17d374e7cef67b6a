using Muxly.Scheduler;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Storage;

/// <summary>
/// An execution recorded as queued before anything runs (a webhook call is answered with its id at once), and started
/// later by the runner as its first attempt.
/// </summary>
public sealed class QueuedExecutionTests : IDisposable
{
    private readonly JobFixture _fixture = new();
    private readonly MuxlyStore _store;

    public QueuedExecutionTests()
    {
        _store = _fixture.Store;
        _fixture.WebhookConnector("hook");
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Enqueue_RecordsAQueuedRowWithItsPayload_AndStartPromotesThatRow()
    {
        var job = _fixture.Job("deploy", "hook");
        var queued = _store.Executions.Enqueue(new ExecutionStart(job.Id, "webhook", Payload: """{"a":1}"""));

        Assert.Equal(("queued", "webhook", null), (queued.Status, queued.TriggeredBy, queued.EndTime));
        Assert.Equal("""{"a":1}""", _store.Executions.ReadPayload(queued.Id));

        var started = _store.Executions.Start(new ExecutionStart(job.Id, "webhook", OverlapPolicy: "forbid", QueuedExecutionId: queued.Id));

        Assert.True(started.Started);
        Assert.Equal((queued.Id, "running"), (started.Execution.Id, started.Execution.Status));
        Assert.Single(_store.Executions.Query(new ExecutionQuery(job.Id)));
        Assert.Equal("""{"a":1}""", _store.Executions.ReadPayload(queued.Id));
    }

    [Fact]
    public void StartingAQueuedRowUnderForbid_WhileTheJobRuns_RecordsThatRowAsSkipped()
    {
        var job = _fixture.Job("deploy", "hook");
        var running = _store.Executions.Start(new ExecutionStart(job.Id, "manual", OwnerInstanceId: _store.SchedulerInstances.Register().Id));
        var queued = _store.Executions.Enqueue(new ExecutionStart(job.Id, "webhook", Payload: "{}"));

        var result = _store.Executions.Start(new ExecutionStart(job.Id, "webhook", OverlapPolicy: "forbid", QueuedExecutionId: queued.Id));

        Assert.False(result.Started);
        Assert.Equal((queued.Id, "skipped"), (result.Execution.Id, result.Execution.Status));
        Assert.NotNull(result.Execution.EndTime);
        Assert.Equal(2, _store.Executions.Query(new ExecutionQuery(job.Id)).Count);
        Assert.Equal("running", _store.Executions.Get(running.Execution.Id).Status);
    }

    [Fact]
    public void StartingARowThatIsNotQueued_IsRefused()
    {
        var job = _fixture.Job("deploy", "hook");
        var queued = _store.Executions.Enqueue(new ExecutionStart(job.Id, "webhook"));
        _store.Executions.Finish(queued.Id, "failed", null, "gave up");

        var error = Assert.Throws<MuxlyException>(() => _store.Executions.Start(new ExecutionStart(job.Id, "webhook", QueuedExecutionId: queued.Id)));
        Assert.Equal("MuxlyExecutionNotQueued", error.ErrorId);
        Assert.Equal("MuxlyJobExecutionNotFound", Assert.Throws<MuxlyException>(() =>
            _store.Executions.Start(new ExecutionStart(job.Id, "webhook", QueuedExecutionId: "nope"))).ErrorId);
    }

    [Fact]
    public void JobRunner_RunsTheQueuedExecutionAsItsFirstAttempt_ThenRetriesInNewRows()
    {
        // Without a payload the webhook connector fails: one retry follows, in a row of its own.
        var job = _fixture.Job("deploy", "hook", maxRetries: 1, backoff: "none");
        var queued = _store.Executions.Enqueue(new ExecutionStart(job.Id, "webhook"));

        var last = new JobRunner(_store, new JobRunnerOptions { CancelPollInterval = TimeSpan.FromMilliseconds(50) })
            .Run(job, new JobRunRequest("webhook", QueuedExecutionId: queued.Id));

        var all = _store.Executions.Query(new ExecutionQuery(job.Id)).Reverse().ToList();
        Assert.Equal([queued.Id, last.Id], all.Select(e => e.Id));
        Assert.Equal([("failed", "webhook", 1), ("failed", "retry", 2)], all.Select(e => (e.Status, e.TriggeredBy, e.Attempt)));
    }
}
