using System.Text.Json.Nodes;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using static Muxly.Tests.TestSupport.SqliteInspection;

namespace Muxly.Tests.Storage;

/// <summary>Saving, validating and reading jobs, as New-/Set-/Get-MuxlyJob do.</summary>
public sealed class JobStoreTests : IDisposable
{
    private readonly JobFixture _fixture = new();
    private readonly JobStore _jobs;

    public JobStoreTests()
    {
        _jobs = _fixture.Store.Jobs;
        _fixture.WebhookConnector("hook");
        _fixture.SlowConnector("other");
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Create_StoresAManualJobWithTheDocumentedDefaults()
    {
        var result = _jobs.Create(new JobDefinition("pull", "hook", "fetch"), force: false);

        Assert.True(result.Created);
        var job = result.Item;
        Assert.Equal("manual", job.JobType);
        Assert.Null(job.Schedule);
        Assert.Equal("hook", job.Connector);
        Assert.Equal("fetch", job.Action);
        Assert.Equal("{}", job.ActionParameters);
        Assert.Equal(3, job.MaxRetries);
        Assert.Equal("exponential", job.BackoffStrategy);
        Assert.Equal(300, job.TimeoutSeconds);
        Assert.Equal("forbid", job.OverlapPolicy);
        Assert.Equal("run-once", job.MissedRunPolicy);
        Assert.Equal(10, job.CatchUpLimit);
        Assert.True(job.Enabled);
        Assert.Null(job.NextRunAt);
        Assert.Null(job.LastRunAt);
        Assert.Null(job.LastStatus);
        Assert.Null(job.TimeZone);
        Assert.Equal(TimeZoneInfo.Local.Id, job.EffectiveTimeZone);
    }

    [Fact]
    public void Create_WithAScheduleAndNoType_IsACronJobWhoseNextRunIsInItsZone()
    {
        var job = _jobs.Create(new JobDefinition("nightly", "hook", "fetch", Schedule: "30 12 * * *", TimeZone: "America/New_York"), force: false).Item;

        Assert.Equal("cron", job.JobType);
        Assert.Equal("America/New_York", job.TimeZone);
        var next = Assert.NotNull(job.NextRunAt);
        var wallClock = TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        Assert.Equal((12, 30), (wallClock.Hour, wallClock.Minute));
        Assert.InRange(next, DateTimeOffset.Now, DateTimeOffset.Now.AddHours(25));
    }

    [Fact]
    public void NextRunAt_UsesTheSchedulerTimeZoneSettingWhenTheJobHasNone()
    {
        _fixture.Store.Settings.Set("scheduler.time_zone", "Asia/Tokyo");

        var job = _jobs.Create(new JobDefinition("tokyo", "hook", "fetch", Schedule: "0 9 * * *"), force: false).Item;

        Assert.Null(job.TimeZone);
        Assert.Equal("Asia/Tokyo", job.EffectiveTimeZone);
        var wallClock = TimeZoneInfo.ConvertTime(job.NextRunAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        Assert.Equal((9, 0), (wallClock.Hour, wallClock.Minute));
    }

    [Fact]
    public void List_GivesEachJobItsOwnZoneOrTheSetting_AsGettingItByNameDoes()
    {
        _fixture.Store.Settings.Set("scheduler.time_zone", "Asia/Tokyo");
        _jobs.Create(new JobDefinition("a-default", "hook", "fetch", Schedule: "0 9 * * *"), force: false);
        _jobs.Create(new JobDefinition("b-berlin", "hook", "fetch", Schedule: "0 9 * * *", TimeZone: "Europe/Berlin"), force: false);
        _jobs.Create(new JobDefinition("c-manual", "hook", "fetch"), force: false);

        var listed = _jobs.List();

        Assert.Equal(["a-default", "b-berlin", "c-manual"], listed.Select(j => j.Name));
        Assert.Equal(["Asia/Tokyo", "Europe/Berlin", "Asia/Tokyo"], listed.Select(j => j.EffectiveTimeZone));
        foreach (var job in listed)
        {
            var single = _jobs.FindByName(job.Name)!;
            Assert.Equal((single.TimeZone, single.EffectiveTimeZone, single.NextRunAt, single.CreatedAt, single.UpdatedAt),
                (job.TimeZone, job.EffectiveTimeZone, job.NextRunAt, job.CreatedAt, job.UpdatedAt));
        }
    }

    [Fact]
    public void NextRunAt_IsNullForADisabledCronJob()
    {
        var job = _jobs.Create(new JobDefinition("off", "hook", "fetch", Schedule: "@hourly", Enabled: false), force: false).Item;

        Assert.Null(job.NextRunAt);
        Assert.NotNull(_jobs.SetEnabled(job.Id, true).NextRunAt);
    }

    public static TheoryData<string, JobDefinition> BadJobs => new()
    {
        { "MuxlyCronInvalid", Cron("* * * *") },
        { "MuxlyCronInvalid", Cron("* * * * * * * *") },
        { "MuxlyCronInvalid", Cron("61 * * * *") },
        { "MuxlyCronInvalid", Cron("@fortnightly") },
        { "MuxlyTimeZoneUnknown", Cron("@daily") with { TimeZone = "Mars/Olympus_Mons" } },
        { "MuxlyJobMaxRetriesInvalid", Fetch() with { MaxRetries = -1 } },
        { "MuxlyJobTimeoutInvalid", Fetch() with { TimeoutSeconds = -5 } },
        { "MuxlyJobBackoffStrategyInvalid", Fetch() with { BackoffStrategy = "quadratic" } },
        { "MuxlyJobOverlapPolicyInvalid", Fetch() with { OverlapPolicy = "sometimes" } },
        { "MuxlyJobMissedRunPolicyInvalid", Fetch() with { MissedRunPolicy = "maybe" } },
        { "MuxlyJobCatchUpLimitInvalid", Fetch() with { CatchUpLimit = 0 } },
        { "MuxlyJobTypeInvalid", Fetch() with { JobType = "hourly" } },
        { "MuxlyJobActionInvalid", Fetch() with { Action = "sync" } },
        { "MuxlyJobScheduleMissing", Fetch() with { JobType = "cron" } },
        { "MuxlyJobScheduleNotAllowed", Fetch() with { JobType = "manual", Schedule = "@daily" } },
        { "MuxlyConnectorNotFound", Fetch() with { Connector = "nowhere" } },
        { "MuxlyJobConnectorDisabled", Fetch() with { Connector = "disabled" } },
        { "MuxlyJobActionParametersInvalid", Fetch() with { ActionParameters = new JsonObject { ["route"] = "r" } } },
        { "MuxlyJobActionParametersInvalid", Fetch() with { Action = "route" } },
        { "MuxlyRouteNotFound", Fetch() with { Action = "route", ActionParameters = new JsonObject { ["route"] = "missing" } } },
        { "MuxlyJobRouteConnectorMismatch", Fetch() with { Action = "route", ActionParameters = new JsonObject { ["route"] = "other-route" } } },
        { "MuxlyDestinationNotFound", Fetch() with { Action = "export", ActionParameters = new JsonObject { ["destination"] = "missing" } } },
    };

    [Theory]
    [MemberData(nameof(BadJobs))]
    public void Create_RefusesBadInputWithAClearErrorAndWritesNothing(string errorId, JobDefinition definition)
    {
        _fixture.Store.Connectors.Create(new ConnectorDefinition("disabled", "webhook", new(), new(), Enabled: false), force: false);
        _fixture.Route("other-route", "other");

        var error = MuxlyAssert.Fails(errorId, () => _jobs.Create(definition, force: false));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Empty(_jobs.List());
        _fixture.Store.Database.Read(connection =>
        {
            Assert.Equal(0L, Count(connection, "scheduler_job_options"));
            Assert.Equal(0L, Count(connection, "scheduler_job_cursors"));
            return 0;
        });
    }

    [Fact]
    public void Create_WithoutForce_RefusesAnExistingName()
    {
        _jobs.Create(Fetch(), force: false);

        MuxlyAssert.Fails("MuxlyJobAlreadyExists", () => _jobs.Create(Fetch(), force: false));
    }

    [Fact]
    public void Create_WithForce_SavingTheSameJobAgainChangesNothing()
    {
        _fixture.Sink("out");
        var definition = new JobDefinition("export", "hook", "export", new JsonObject { ["destination"] = "out" },
            Schedule: "*/5 * * * *", TimeZone: "Europe/Berlin", MaxRetries: 2, BackoffStrategy: "Linear", OverlapPolicy: "Allow",
            MissedRunPolicy: "CatchUp", CatchUpLimit: 4);
        var first = _jobs.Create(definition, force: true).Item;
        var cursor = first.LastScheduledFor;
        Thread.Sleep(20);

        var again = _jobs.Create(definition, force: true);

        Assert.False(again.Created);
        Assert.False(again.Changed);
        Assert.Equal(first.Id, again.Item.Id);
        Assert.Equal(first.UpdatedAt, again.Item.UpdatedAt);
        Assert.Equal(cursor, again.Item.LastScheduledFor);
        Assert.Equal(("linear", "allow", "catch-up"), (again.Item.BackoffStrategy, again.Item.OverlapPolicy, again.Item.MissedRunPolicy));
        Assert.Single(_jobs.List());
    }

    [Fact]
    public void Create_WithForce_UpdatesAChangedJobInPlace()
    {
        var first = _jobs.Create(Fetch(), force: false).Item;

        var again = _jobs.Create(Fetch() with { MaxRetries = 7, OverlapPolicy = "replace" }, force: true);

        Assert.True(again.Changed);
        Assert.Equal(first.Id, again.Item.Id);
        Assert.Equal(7, again.Item.MaxRetries);
        Assert.Equal("replace", again.Item.OverlapPolicy);
    }

    [Fact]
    public void RouteJob_StoresTheRouteByIdAndShowsItsCurrentName()
    {
        var route = _fixture.Route("alerts", "hook");

        var job = _jobs.Create(new JobDefinition("route-job", "hook", "route", new JsonObject { ["Route"] = "ALERTS", ["parameters"] = new JsonObject { ["day"] = "${DATE}" } }), force: false).Item;

        Assert.Equal(route.Id, job.TargetId);
        Assert.Equal("alerts", job.Target);
        Assert.Equal("""{"route":"alerts","parameters":{"day":"${DATE}"}}""", job.ActionParameters);

        _fixture.Store.Routes.Update(route.Id, new RouteChanges(Name: "alerts-v2"));
        Assert.Equal("alerts-v2", _jobs.Get("route-job").Target);
    }

    [Fact]
    public void Update_ChangingTheScheduleMovesTheCursorToNowSoNoPastOccurrenceFires()
    {
        var job = _jobs.Create(Cron("0 * * * *"), force: false).Item;
        SetCursor(job.Id, DateTimeOffset.UtcNow.AddDays(-2));
        var before = DateTimeOffset.Now.AddSeconds(-1);

        var updated = _jobs.Update(job.Id, new JobChanges(Schedule: "*/10 * * * *"));

        Assert.Equal("*/10 * * * *", updated.Schedule);
        Assert.InRange(updated.LastScheduledFor!.Value, before, DateTimeOffset.Now.AddSeconds(1));
    }

    [Fact]
    public void Update_ChangingOnlyRetriesLeavesTheCursorAlone()
    {
        var job = _jobs.Create(Cron("0 * * * *"), force: false).Item;
        var past = DateTimeOffset.UtcNow.AddHours(-3);
        SetCursor(job.Id, past);

        var updated = _jobs.Update(job.Id, new JobChanges(MaxRetries: 5));

        Assert.Equal(5, updated.MaxRetries);
        Assert.Equal(past.ToUnixTimeSeconds(), updated.LastScheduledFor!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public void Enable_MovesTheCursorToNowSoRunsMissedWhileDisabledNeverFire()
    {
        var job = _jobs.Create(Cron("0 * * * *"), force: false).Item;
        _jobs.SetEnabled(job.Id, false);
        SetCursor(job.Id, DateTimeOffset.UtcNow.AddDays(-1));
        var before = DateTimeOffset.Now.AddSeconds(-1);

        // Through the base class, as the shared Enable-/Disable- cmdlet code calls it.
        NamedEntityStore<Job> store = _jobs;
        var enabled = store.SetEnabled(job.Id, true);

        Assert.True(enabled.Enabled);
        Assert.True(enabled.LastScheduledFor >= before);
    }

    [Fact]
    public void Update_ToManualClearsTheSchedule()
    {
        var job = _jobs.Create(Cron("@daily"), force: false).Item;

        var manual = _jobs.Update(job.Id, new JobChanges(JobType: "manual"));

        Assert.Equal("manual", manual.JobType);
        Assert.Null(manual.Schedule);
        Assert.Null(manual.NextRunAt);
    }

    [Fact]
    public void Update_RefusesABadScheduleAndKeepsTheJob()
    {
        var job = _jobs.Create(Cron("@daily"), force: false).Item;

        MuxlyAssert.Fails("MuxlyCronInvalid", () => _jobs.Update(job.Id, new JobChanges(Schedule: "61 * * * *")));

        Assert.Equal("@daily", _jobs.Get(job.Id).Schedule);
    }

    [Fact]
    public void Update_MovingTheJobToAnotherConnectorChecksItsRoute()
    {
        _fixture.Route("alerts", "hook");
        var job = _jobs.Create(new JobDefinition("route-job", "hook", "route", new JsonObject { ["route"] = "alerts" }), force: false).Item;

        MuxlyAssert.Fails("MuxlyJobRouteConnectorMismatch", () => _jobs.Update(job.Id, new JobChanges(Connector: "other")));
    }

    [Fact]
    public void AdvanceCursor_OnlyMovesForward()
    {
        var job = _jobs.Create(Cron("@hourly"), force: false).Item;
        var later = DateTimeOffset.UtcNow.AddHours(1);

        Assert.True(_jobs.AdvanceCursor(job.Id, later));
        Assert.False(_jobs.AdvanceCursor(job.Id, later.AddHours(-2)));
        Assert.Equal(later.ToUnixTimeMilliseconds(), _jobs.Get(job.Id).LastScheduledFor!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Get_ShowsTheLastRunAndItsStatusIgnoringSkippedOnes()
    {
        var job = _jobs.Create(Fetch(), force: false).Item;
        var executions = _fixture.Store.Executions;
        var run = executions.Start(new ExecutionStart(job.Id, "manual")).Execution;
        executions.Finish(run.Id, "failed", """{"error":"x"}""", "x");
        executions.RecordSkipped(job.Id, "schedule", DateTimeOffset.Now, "test");

        var read = _jobs.Get("pull");

        Assert.Equal("failed", read.LastStatus);
        Assert.Equal(run.StartTime, read.LastRunAt);
    }

    [Fact]
    public void List_ShowsEachJobsOwnNextRunLastRunAndOptionsWhenJobsShareASchedule()
    {
        var berlin = _jobs.Create(Cron("0 12 * * *") with { TimeZone = "Europe/Berlin" }, force: false).Item;
        var utc = _jobs.Create(Cron("0 12 * * *") with { Name = "pull-utc", TimeZone = "UTC", MissedRunPolicy = "skip" }, force: false).Item;
        var run = _fixture.Store.Executions.Start(new ExecutionStart(utc.Id, "manual")).Execution;
        _fixture.Store.Executions.Finish(run.Id, "succeeded", "{}");

        var listed = _jobs.List().ToDictionary(j => j.Name);

        var now = DateTimeOffset.Now;
        Assert.Equal(Muxly.Scheduler.CronSchedule.Parse("0 12 * * *", "Europe/Berlin").GetNextOccurrence(now), listed["pull"].NextRunAt);
        Assert.Equal(Muxly.Scheduler.CronSchedule.Parse("0 12 * * *", "UTC").GetNextOccurrence(now), listed["pull-utc"].NextRunAt);
        Assert.NotEqual(listed["pull"].NextRunAt, listed["pull-utc"].NextRunAt);
        Assert.Null(listed["pull"].LastRunAt);
        Assert.Equal(("succeeded", run.StartTime), (listed["pull-utc"].LastStatus, listed["pull-utc"].LastRunAt));
        Assert.Equal(("run-once", "skip"), (listed["pull"].MissedRunPolicy, listed["pull-utc"].MissedRunPolicy));
        Assert.Equal("{}", listed["pull"].ActionParameters);
        Assert.Equal(berlin.Id, _jobs.FindByName("PULL")!.Id);
    }

    [Fact]
    public void NextOccurrences_ListsTheScheduleInItsZone()
    {
        var job = _jobs.Create(Cron("0 12 * * *") with { TimeZone = "UTC" }, force: false).Item;

        var next = JobStore.NextOccurrences(job, 3, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal([new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero), new(2025, 1, 2, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 3, 12, 0, 0, TimeSpan.Zero)], next);
    }

    [Fact]
    public void Delete_RemovesTheJobsStateAndHistory()
    {
        var job = _jobs.Create(Cron("@hourly"), force: false).Item;
        var run = _fixture.Store.Executions.Start(new ExecutionStart(job.Id, "manual")).Execution;
        _fixture.Store.Executions.Finish(run.Id, "succeeded", "{}");
        _fixture.Store.Executions.TryClaimOccurrence(job.Id, DateTimeOffset.Now, null);

        _jobs.Delete(job.Id);

        _fixture.Store.Database.Read(connection =>
        {
            foreach (var table in new[] { "scheduler_job_options", "scheduler_job_cursors", "job_executions", "job_execution_details", "scheduler_occurrence_claims" })
            {
                Assert.Equal(0L, Count(connection, table));
            }

            return 0;
        });
    }

    private static JobDefinition Fetch() => new("pull", "hook", "fetch");

    private static JobDefinition Cron(string schedule) => new("pull", "hook", "fetch", Schedule: schedule);

    private void SetCursor(string jobId, DateTimeOffset at) => _fixture.Store.Database.Write((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE scheduler_job_cursors SET last_scheduled_for = $at WHERE job_id = $job";
        command.Parameters.AddWithValue("$at", at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff"));
        command.Parameters.AddWithValue("$job", jobId);
        Assert.Equal(1, command.ExecuteNonQuery());
    });
}
