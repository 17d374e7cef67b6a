using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using Muxly.Webhooks;

namespace Muxly.Tests.Webhooks;

/// <summary>
/// The parts that let the listener keep up with many calls: the group commit (many accepted calls, one transaction),
/// the trigger cache (no database round trip per request, yet every committed change seen at once), the bounded pool
/// that runs accepted calls, and the next scheduler taking over calls a stopped one left queued.
/// </summary>
public sealed class WebhookGroupCommitTests : IDisposable
{
    private readonly JobFixture _fixture = new();
    private readonly MuxlyStore _store;
    private readonly Job _job;
    private readonly WebhookTrigger _trigger;

    public WebhookGroupCommitTests()
    {
        _store = _fixture.Store;
        _store.Settings.Set("executions.retention_per_job", 10_000);
        _fixture.WebhookConnector("hook");
        _job = _fixture.Job("batch", "hook", "fetch", overlap: "allow");
        _trigger = _store.WebhookTriggers.Register(new WebhookRegistration("batch", "/hooks/batch"));
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Batcher_CommitsEveryPendingCallInOneTransaction_AndAnswersEachWithItsOwnExecution()
    {
        using var batcher = new WebhookAcceptBatcher(_store.WebhookTriggers, null, () => DateTimeOffset.UtcNow.AddHours(-1));
        // Submitted before the writer starts: all of them are pending at once, so they make one batch.
        var calls = Enumerable.Range(0, 50).Select(i => batcher.Submit(new WebhookAcceptRequest(_trigger, $"msg_{i}", $$"""{"n":{{i}}}"""))).ToList();
        var replay = batcher.Submit(new WebhookAcceptRequest(_trigger, "msg_7", """{"n":7}"""));
        batcher.Start();

        var answers = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True((await replay.WaitAsync(TimeSpan.FromSeconds(30))).Replayed);
        Assert.Equal(1, batcher.Batches);
        Assert.All(answers, a => Assert.False(a.Replayed));
        Assert.Equal(50, answers.Select(a => a.ExecutionId).Distinct().Count());
        foreach (var (answer, i) in answers.Select((a, i) => (a, i)))
        {
            Assert.Equal("queued", _store.Executions.Get(answer.ExecutionId!).Status);
            Assert.Equal(i, (int)JsonNode.Parse(_store.Executions.ReadPayload(answer.ExecutionId!)!)!["n"]!);
        }
    }

    [Fact]
    public async Task Batcher_AFailingBatch_AnswersEveryWaitingCallWithTheError_AndWritesNothing()
    {
        // A trigger deleted after the calls were verified: its delivery row breaks a foreign key, and so the batch.
        var doomed = _store.WebhookTriggers.Register(new WebhookRegistration("batch", "/hooks/doomed"));
        _store.WebhookTriggers.Delete(doomed.Id);
        using var batcher = new WebhookAcceptBatcher(_store.WebhookTriggers, null, () => DateTimeOffset.UtcNow.AddHours(-1));
        var good = Enumerable.Range(0, 5).Select(i => batcher.Submit(new WebhookAcceptRequest(_trigger, $"ok_{i}", "{}"))).ToList();
        var bad = batcher.Submit(new WebhookAcceptRequest(doomed, "bad", "{}"));
        batcher.Start();

        foreach (var call in good.Append(bad))
        {
            await Assert.ThrowsAsync<MuxlyException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Empty(_store.Executions.Query(new ExecutionQuery(_job.Id)));
        Assert.Equal(0L, Count("SELECT count(*) FROM webhook_deliveries"));

        // The writer carries on: the next call is committed.
        var after = await batcher.Submit(new WebhookAcceptRequest(_trigger, "ok_after", "{}")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("queued", _store.Executions.Get(after.ExecutionId!).Status);
    }

    [Fact]
    public void Cache_RepeatedLookups_DoNotReadAgain_UntilSomethingIsCommitted()
    {
        using var cache = new WebhookTriggerCache(_store.Database);

        Assert.Equal(_trigger.Id, cache.Find("/hooks/batch")!.Trigger.Id);
        Assert.Null(cache.Find("/hooks/nothing"));
        var reads = cache.Reads;
        for (var i = 0; i < 10; i++)
        {
            Assert.NotNull(cache.Find("/hooks/batch"));
            Assert.Null(cache.Find("/hooks/nothing"));
        }

        Assert.Equal(reads, cache.Reads);
    }

    [Fact]
    public void Cache_SeesAChangeCommittedByAnotherConnection_AtTheNextLookup()
    {
        using var cache = new WebhookTriggerCache(_store.Database);
        Assert.True(cache.Find("/hooks/batch")!.Trigger.Enabled);

        // Another store object on the same file (as another process would be): its own connections.
        var other = MuxlyStore.Open(_store.Database.Path);
        other.WebhookTriggers.SetEnabled(_trigger.Id, false);
        Assert.False(cache.Find("/hooks/batch")!.Trigger.Enabled);

        other.Jobs.SetEnabled(_job.Id, false);
        Assert.False(cache.Find("/hooks/batch")!.Trigger.JobEnabled);

        var rotated = other.WebhookTriggers.RotateSecret(_trigger.Id, gracePeriod: TimeSpan.Zero);
        var secret = Assert.Single(cache.Find("/hooks/batch")!.Secrets);
        Assert.Equal(WebhookSecret.ToKeyBytes(rotated.Secret!, WebhookScheme.StandardWebhooks), secret.ToKeyBytes(WebhookScheme.StandardWebhooks));

        other.WebhookTriggers.Delete(_trigger.Id);
        Assert.Null(cache.Find("/hooks/batch"));
    }

    [Fact]
    public void Cache_KeepsWhatItRead_AcrossCommitsThatChangeNoConfiguration()
    {
        using var cache = new WebhookTriggerCache(_store.Database);
        Assert.NotNull(cache.Find("/hooks/batch"));
        var reads = cache.Reads;

        // Accepted calls and their runs commit all the time under load: none of it is configuration.
        for (var i = 0; i < 3; i++)
        {
            var accepted = _store.WebhookTriggers.Accept(_trigger, $"keep_{i}", "{}", null, DateTimeOffset.UtcNow.AddHours(-1));
            _store.Executions.Finish(accepted.ExecutionId!, "failed", "{}", "not run in this test");
            Assert.NotNull(cache.Find("/hooks/batch"));
        }

        Assert.Equal(reads, cache.Reads);

        // A configuration write, even one the trigger does not depend on, makes the next look-up read again.
        _store.Settings.Set("webhook.rate_limit_per_minute", 61);
        Assert.NotNull(cache.Find("/hooks/batch"));
        Assert.Equal(reads + 1, cache.Reads);
    }

    [Fact]
    public void Cache_SeesAConfigurationChangeMadeInPlainSql()
    {
        using var cache = new WebhookTriggerCache(_store.Database);
        Assert.True(cache.Find("/hooks/batch")!.Trigger.Enabled);

        // Not through the stores: the schema's triggers move the configuration version all the same.
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _store.Database.Path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE webhook_triggers SET enabled = 0";
            command.ExecuteNonQuery();
        }

        Assert.False(cache.Find("/hooks/batch")!.Trigger.Enabled);
    }

    [Fact]
    public void Dispatcher_WhileRequestsAreInFlight_RunsRestBetweenRuns_AndEachCallStillRunsOnce()
    {
        var requests = new WebhookRequestGauge();
        var dispatcher = new JobRunnerWebhookDispatcher(_store, maxConcurrentRuns: 1, yieldTo: requests);
        string Accept(string id) => _store.WebhookTriggers.Accept(_trigger, id, "{}", null, DateTimeOffset.UtcNow.AddHours(-1)).ExecutionId!;

        requests.Enter(); // a request being handled: the listener is busy
        var busy = Enumerable.Range(0, 5).Select(i => Accept($"busy_{i}")).ToList();
        busy.ForEach(id => dispatcher.Dispatch(new WebhookDispatch(_trigger, id, new JsonObject(), null)));
        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromMinutes(1)), "the dispatched runs did not finish");
        Assert.Equal(5, dispatcher.Rests);

        requests.Leave(); // quiet again: runs go back to back
        var quiet = Enumerable.Range(0, 5).Select(i => Accept($"quiet_{i}")).ToList();
        quiet.ForEach(id => dispatcher.Dispatch(new WebhookDispatch(_trigger, id, new JsonObject(), null)));
        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromMinutes(1)), "the dispatched runs did not finish");
        Assert.Equal(5, dispatcher.Rests);
        dispatcher.Stop(TimeSpan.FromSeconds(5));

        var executions = _store.Executions.Query(new ExecutionQuery(_job.Id)).ToList();
        Assert.Equal(busy.Concat(quiet).Order(), executions.Select(e => e.Id).Order());
        Assert.All(executions, e => Assert.Equal(("succeeded", 1), (e.Status, e.Attempt)));
    }

    [Fact]
    public void Dispatcher_RunsMoreCallsThanWorkers_EachExactlyOnce()
    {
        var dispatcher = new JobRunnerWebhookDispatcher(_store, maxConcurrentRuns: 2);
        var ids = Enumerable.Range(0, 20)
            .Select(i => _store.WebhookTriggers.Accept(_trigger, $"run_{i}", "{}", null, DateTimeOffset.UtcNow.AddHours(-1)).ExecutionId!)
            .ToList();
        foreach (var id in ids)
        {
            dispatcher.Dispatch(new WebhookDispatch(_trigger, id, new JsonObject(), null));
        }

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromMinutes(2)), "the dispatched runs did not finish");
        var executions = _store.Executions.Query(new ExecutionQuery(_job.Id)).ToList();
        Assert.Equal(ids.Order(), executions.Select(e => e.Id).Order());
        Assert.All(executions, e => Assert.Equal("succeeded", e.Status));
    }

    [Fact]
    public void Dispatcher_RefusesNoWorkers()
    {
        MuxlyAssert.Fails("MuxlyWebhookConcurrencyInvalid", () => new JobRunnerWebhookDispatcher(_store, maxConcurrentRuns: 0));
    }

    [Fact]
    public void QueuedCallsOfAStoppedScheduler_AreClaimedOnceByTheNext()
    {
        var stopped = _store.SchedulerInstances.Register();
        var queued = _store.WebhookTriggers.Accept(_trigger, "left", """{"n":1}""", stopped.Id, DateTimeOffset.UtcNow.AddHours(-1)).ExecutionId!;
        var live = _store.SchedulerInstances.Register();
        var running = _store.WebhookTriggers.Accept(_trigger, "live", "{}", live.Id, DateTimeOffset.UtcNow.AddHours(-1)).ExecutionId!;
        _store.SchedulerInstances.Stop(stopped.Id);

        var next = _store.SchedulerInstances.Register();
        var claimed = _store.Executions.ClaimOrphanedQueued(next.Id, TimeSpan.FromMinutes(1));

        var (executionId, jobId, payload) = Assert.Single(claimed);
        Assert.Equal((queued, _job.Id, """{"n":1}"""), (executionId, jobId, payload));
        Assert.DoesNotContain(claimed, c => c.ExecutionId == running);
        // Taken once: a third scheduler finds nothing (the claimer is alive).
        var third = _store.SchedulerInstances.Register();
        Assert.Empty(_store.Executions.ClaimOrphanedQueued(third.Id, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void NextScheduler_RunsTheCallsAStoppedOneLeftQueued_ExactlyOnce()
    {
        var stopped = _store.SchedulerInstances.Register();
        var left = Enumerable.Range(0, 3)
            .Select(i => _store.WebhookTriggers.Accept(_trigger, $"left_{i}", "{}", stopped.Id, DateTimeOffset.UtcNow.AddHours(-1)).ExecutionId!)
            .ToList();
        _store.SchedulerInstances.Stop(stopped.Id);
        var next = _store.SchedulerInstances.Register();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var component = new WebhookListenerComponent($"http://127.0.0.1:{FreePort()}/");
        component.Start(new Muxly.Scheduler.SchedulerContext(_store, next.Id, log.Enqueue, CancellationToken.None, (_, _) => Task.FromResult<JobExecution?>(null)));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (left.Any(id => _store.Executions.Get(id).Status is "queued" or "running") && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
        finally
        {
            component.Stop(TimeSpan.FromSeconds(10));
        }

        var executions = _store.Executions.Query(new ExecutionQuery(_job.Id)).ToList();
        Assert.Equal(left.Order(), executions.Select(e => e.Id).Order());
        Assert.All(executions, e => Assert.Equal("succeeded", e.Status));
        Assert.Contains(log, l => l.Contains("running 3 call(s) accepted earlier"));
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_store.Database.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }
}
