using Microsoft.Data.Sqlite;
using Muxly.Storage;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Storage;

/// <summary>
/// Listing every job (what Get-MuxlyJob without a name writes): from the third listing of one configuration on, a
/// listing reuses the configuration the last one read while the configuration version and stamp stand, and reads the
/// scheduling state every time. Whatever it reuses, it
/// must give exactly what a fresh read gives (<see cref="NamedEntityStore{T}.List"/> reads everything every time).
/// Only this class lists jobs with Each in the engine's tests, so the one kept listing is this class's.
/// </summary>
public sealed class JobListingTests : IDisposable
{
    private readonly JobFixture _fixture = new();
    private readonly JobStore _jobs;

    public JobListingTests()
    {
        _jobs = _fixture.Store.Jobs;
        _fixture.WebhookConnector("hook");
        _fixture.SlowConnector("other");
        _jobs.Create(new JobDefinition("b-hourly", "hook", "fetch", Schedule: "0 * * * *", TimeZone: "Europe/Berlin"), force: false);
        _jobs.Create(new JobDefinition("A-daily", "other", "fetch", Schedule: "30 2 * * *"), force: false);
        _jobs.Create(new JobDefinition("c-manual", "hook", "fetch", OverlapPolicy: "allow"), force: false);
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void AThirdListing_ReusesWhatTheSecondRead_AsNewObjects_EqualToAFreshRead()
    {
        var first = _jobs.Each().ToList();
        var second = _jobs.Each().ToList();
        var third = _jobs.Each().ToList();

        AssertSameAsFreshRead(third);
        Assert.Equal(["A-daily", "b-hourly", "c-manual"], third.Select(j => j.Name));
        // A first listing keeps nothing but the version: the second reads everything again.
        Assert.All(first.Zip(second), pair => Assert.NotSame(pair.First.Name, pair.Second.Name));
        // Reused: the strings the second listing read, not read again; new job objects all the same.
        Assert.All(second.Zip(third), pair =>
        {
            Assert.Same(pair.First.Name, pair.Second.Name);
            Assert.NotSame(pair.First, pair.Second);
        });
    }

    [Fact]
    public void TheSchedulingState_IsReadEveryTime()
    {
        _jobs.Each().ToList();
        var before = _jobs.Each().ToList();
        var daily = before.Single(j => j.Name == "A-daily");
        var manual = before.Single(j => j.Name == "c-manual");
        Assert.Null(manual.LastRunAt);

        // Runs and cursors are not configuration: they move neither the version nor the stamp.
        var execution = _fixture.Store.Executions.Enqueue(new ExecutionStart(manual.Id, ExecutionTriggers.Webhook, Payload: "{}"));
        _fixture.Store.Executions.Finish(execution.Id, "failed", "{}", "not run in this test");
        var ahead = DateTimeOffset.UtcNow.AddDays(3);
        Assert.True(_jobs.AdvanceCursor(daily.Id, ahead));

        var after = _jobs.Each().ToList();

        AssertSameAsFreshRead(after);
        Assert.Same(before[0].Name, after[0].Name);
        Assert.Equal("failed", after.Single(j => j.Name == "c-manual").LastStatus);
        Assert.NotNull(after.Single(j => j.Name == "c-manual").LastRunAt);
        Assert.True(after.Single(j => j.Name == "A-daily").NextRunAt > ahead);
    }

    public static TheoryData<string> ConfigurationWrites => new()
    {
        "rename a connector", "disable a job", "change the default zone", "plain SQL on the options", "add a job", "delete a job",
    };

    [Theory]
    [MemberData(nameof(ConfigurationWrites))]
    public void AnyConfigurationWrite_IsSeenByTheNextListing(string write)
    {
        _jobs.Each().ToList();
        var before = _jobs.Each().ToList();
        var daily = before.Single(j => j.Name == "A-daily");
        switch (write)
        {
            case "rename a connector":
                _fixture.Store.Connectors.Update(_fixture.Store.Connectors.Get("hook").Id, new ConnectorChanges(Name: "renamed-hook"));
                break;
            case "disable a job":
                _jobs.SetEnabled(daily.Id, false);
                break;
            case "change the default zone":
                _fixture.Store.Settings.Set("scheduler.time_zone", "America/New_York");
                break;
            case "plain SQL on the options":
                // Another program editing the file by hand: the schema's triggers still move the version.
                using (var connection = _fixture.Temp.ConnectRaw())
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = "UPDATE scheduler_job_options SET overlap_policy = 'replace'";
                    Assert.Equal(3, command.ExecuteNonQuery());
                }

                break;
            case "add a job":
                _jobs.Create(new JobDefinition("B-between", "hook", "fetch"), force: false);
                break;
            case "delete a job":
                _jobs.Delete(daily.Id);
                break;
        }

        var after = _jobs.Each().ToList();

        AssertSameAsFreshRead(after);
        Assert.NotEqual(Snapshot(before), Snapshot(after));
    }

    [Fact]
    public void ACopyRestoredFromABackup_AndEditedAsOftenAsTheOriginal_IsNotTakenForIt()
    {
        var backup = _fixture.Temp.PathFor("backup.db");
        using (var source = _fixture.Temp.ConnectRaw())
        using (var copy = new SqliteConnection($"Data Source={backup};Pooling=False"))
        {
            copy.Open();
            source.BackupDatabase(copy);
        }

        var hourly = _jobs.Get("b-hourly");
        _jobs.Update(hourly.Id, new JobChanges(Name: "first-history"));
        var versionOfTheOriginal = Version();
        _jobs.Each().ToList();
        Assert.Contains(_jobs.Each().ToList(), j => j.Name == "first-history");

        // The backup goes back in place of the file, and gets one edit of its own.
        using (var copy = _fixture.Temp.ConnectRaw(backup))
        using (var target = _fixture.Temp.ConnectRaw())
        {
            copy.BackupDatabase(target);
        }

        _jobs.Update(hourly.Id, new JobChanges(Name: "second-history"));
        Assert.Equal(versionOfTheOriginal, Version());

        var listed = _jobs.Each().ToList();

        AssertSameAsFreshRead(listed);
        Assert.Contains(listed, j => j.Name == "second-history");
        Assert.DoesNotContain(listed, j => j.Name == "first-history");
    }

    [Fact]
    public void AListingStoppedEarly_LeavesNothingHalfReadForTheNext()
    {
        _fixture.Store.Settings.Set("scheduler.time_zone", "UTC");
        _jobs.Each().ToList();
        using (var listing = _jobs.Each().GetEnumerator())
        {
            Assert.True(listing.MoveNext());
        }

        var listed = _jobs.Each().ToList();

        Assert.Equal(3, listed.Count);
        AssertSameAsFreshRead(listed);
    }

    [Fact]
    public void AnotherFile_IsReadInFull()
    {
        _jobs.Each().ToList();
        using var other = new JobFixture();
        other.WebhookConnector("elsewhere");
        other.Store.Jobs.Create(new JobDefinition("only-here", "elsewhere", "fetch"), force: false);

        Assert.Equal(["only-here"], other.Store.Jobs.Each().Select(j => j.Name));
        Assert.Equal(["A-daily", "b-hourly", "c-manual"], _jobs.Each().Select(j => j.Name));
    }

    private long Version() => _fixture.Store.Database.Read(ConfigVersion.Read);

    private void AssertSameAsFreshRead(IReadOnlyList<Job> listed) =>
        Assert.Equal(Snapshot(_jobs.List()), Snapshot(listed));

    // Every property a caller sees, and the cursor, as one comparable line per job.
    private static List<string> Snapshot(IEnumerable<Job> jobs) => jobs.Select(j => string.Join("|",
        j.Id, j.Name, j.JobType, j.Schedule, j.TimeZone, j.EffectiveTimeZone, j.Connector, j.ConnectorId, j.Action,
        j.ActionParameters, j.Target, j.MaxRetries, j.BackoffStrategy, j.TimeoutSeconds, j.OverlapPolicy, j.MissedRunPolicy,
        j.CatchUpLimit, j.Enabled, j.NextRunAt?.ToString("o"), j.LastRunAt?.ToString("o"), j.LastStatus,
        j.CreatedAt.ToString("o"), j.UpdatedAt.ToString("o"), j.LastScheduledFor?.ToString("o"))).ToList();
}
