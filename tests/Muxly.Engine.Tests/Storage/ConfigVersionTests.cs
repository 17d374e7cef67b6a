using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Storage;

/// <summary>The configuration version: moved by every configuration write, and by nothing else.</summary>
public sealed class ConfigVersionTests : IDisposable
{
    private readonly JobFixture _fixture = new();
    private readonly MuxlyStore _store;

    public ConfigVersionTests()
    {
        _store = _fixture.Store;
        _fixture.WebhookConnector("hook");
    }

    public void Dispose() => _fixture.Dispose();

    private long Version => _store.Database.Read(ConfigVersion.Read);

    private long Stamp => _store.Database.Read(ConfigVersion.ReadStamped).Stamp;

    [Fact]
    public void ConfigurationWrites_MoveIt()
    {
        var before = Version;
        _store.Settings.Set("webhook.rate_limit_per_minute", 61);
        var afterSetting = Version;
        Assert.True(afterSetting > before);

        var job = _fixture.Job("versioned", "hook", "fetch");
        var afterJob = Version;
        Assert.True(afterJob > afterSetting);

        _store.Jobs.SetEnabled(job.Id, false);
        Assert.True(Version > afterJob);
    }

    [Fact]
    public void ConfigurationWrites_SetANewStamp_AndRunsLeaveItAlone()
    {
        var stamps = new List<long> { Stamp };
        _store.Settings.Set("webhook.rate_limit_per_minute", 62);
        stamps.Add(Stamp);
        var job = _fixture.Job("stamped", "hook", "fetch", overlap: "allow");
        stamps.Add(Stamp);
        _store.Jobs.SetEnabled(job.Id, false);
        stamps.Add(Stamp);
        Assert.Equal(stamps.Count, stamps.Distinct().Count());

        var queued = _store.Executions.Enqueue(new ExecutionStart(job.Id, ExecutionTriggers.Webhook, Payload: "{}"));
        _store.Executions.Finish(queued.Id, "failed", "{}", "not run in this test");
        Assert.Equal(stamps[^1], Stamp);
    }

    [Fact]
    public void RunsAndExecutions_LeaveItAlone()
    {
        var job = _fixture.Job("busy", "hook", "fetch", overlap: "allow");
        var before = Version;

        var queued = _store.Executions.Enqueue(new ExecutionStart(job.Id, ExecutionTriggers.Webhook, Payload: "{}"));
        _store.Executions.Finish(queued.Id, "failed", "{}", "not run in this test");

        Assert.Equal(before, Version);
    }
}
