using System.Text.Json.Nodes;
using Muxly.Scheduler;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using Muxly.Webhooks;

namespace Muxly.Tests.Webhooks;

/// <summary>
/// The dispatcher's pool of workers: each runs its calls' actions itself, on one kept connection, and closes it when
/// it ends (idle, or the dispatcher stopped).
/// </summary>
public sealed class WebhookDispatcherTests : IDisposable
{
    private readonly JobFixture _fixture = new();
    private readonly MuxlyStore _store;

    public WebhookDispatcherTests()
    {
        _store = _fixture.Store;
        _store.Settings.Set("executions.retention_per_job", 10_000);
        _fixture.WebhookConnector("hook");
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void ABurstOfQueuedCalls_RunsOncePerCall_EachItsOwnPayload()
    {
        var (trigger, job) = Trigger();
        var dispatcher = new JobRunnerWebhookDispatcher(_store, maxConcurrentRuns: 2);
        var ids = Enumerable.Range(0, 200).Select(n => Enqueue(job, n)).ToList();

        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            dispatcher.Dispatch(new WebhookDispatch(trigger, id, new JsonObject { ["n"] = n }, $"msg_{n}"));
        }

        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(60)));
        dispatcher.Stop(TimeSpan.FromSeconds(5));
        var executions = _store.Executions.Query(new ExecutionQuery(job.Id));
        Assert.Equal(200, executions.Count);
        Assert.All(executions, e => Assert.Equal(("succeeded", 1), (e.Status, e.Attempt)));
        Assert.Equal(ids.Order(), executions.Select(e => e.Id).Order());
        // Each run read its own payload: one record each.
        Assert.All(executions, e => Assert.Equal(1, (long)JsonNode.Parse(e.Result!)!["records_read"]!));
    }

    [Fact]
    public void AWorkersKeptConnection_IsOpenWhileItWaitsForWork_AndClosedWhenTheDispatcherStops()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // open files are counted through /proc
        }

        var (trigger, job) = Trigger();
        var dispatcher = new JobRunnerWebhookDispatcher(_store, maxConcurrentRuns: 1);
        Assert.Equal(0, OpenFilesOfTheDatabase());

        dispatcher.Dispatch(new WebhookDispatch(trigger, Enqueue(job, 1), new JsonObject { ["n"] = 1 }, "msg_1"));
        Assert.True(dispatcher.WaitForIdle(TimeSpan.FromSeconds(30)));

        // The worker lingers for more calls, its connection open; the store's other operations open and close their own.
        Assert.Equal(1, dispatcher.WorkerCount);
        Assert.True(OpenFilesOfTheDatabase() > 0);
        dispatcher.Stop(TimeSpan.FromSeconds(5));

        Assert.Equal(0, dispatcher.WorkerCount);
        Assert.Equal(0, OpenFilesOfTheDatabase());
        Assert.Equal("succeeded", _store.Executions.Query(new ExecutionQuery(job.Id)).Single().Status);
    }

    private (WebhookTrigger Trigger, Job Job) Trigger()
    {
        var job = _fixture.Job("on-call", "hook", "fetch", overlap: "allow");
        var trigger = _store.WebhookTriggers.Register(new WebhookRegistration("on-call", "/hooks/call", WebhookScheme.StandardWebhooks, null));
        return (trigger, job);
    }

    private string Enqueue(Job job, int n) =>
        _store.Executions.Enqueue(new ExecutionStart(job.Id, ExecutionTriggers.Webhook, Payload: $$"""{"n":{{n}}}""")).Id;

    /// <summary>This process's open files that are the database or its WAL and shared-memory files.</summary>
    private int OpenFilesOfTheDatabase() => new DirectoryInfo("/proc/self/fd").GetFiles().Count(fd =>
    {
        try
        {
            return fd.LinkTarget?.StartsWith(_fixture.Temp.FilePath, StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false; // closed while listed
        }
    });
}
