using Muxly.Scheduler;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Scheduler;

/// <summary>The running scheduler's queue of cron jobs by next occurrence.</summary>
public sealed class SchedulePlanTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public void Load_QueuesEachEnabledCronJobAtItsNextOccurrenceAfterItsCursor()
    {
        var plan = new SchedulePlan();

        plan.Load([Job("hourly", "@hourly", cursor: Now), Job("minutely", "* * * * *", cursor: Now), Job("off", "* * * * * *", enabled: false),
            Job("manual", null, jobType: "manual"), Job("never", "0 0 30 2 *")], Now, (_, _) => Assert.Fail("nothing is broken"));

        Assert.Equal(2, plan.Count);
        Assert.Equal(Now.AddSeconds(30), plan.NextDue);
        Assert.Empty(plan.TakeDue(Now));
        Assert.Equal(["minutely"], plan.TakeDue(Now.AddMinutes(1)).Select(j => j.Job.Name));
        Assert.Equal(["hourly"], plan.TakeDue(Now.AddHours(1)).Select(j => j.Job.Name));
        Assert.Equal(0, plan.Count);
    }

    [Fact]
    public void AJobWithoutACursor_StartsFromNow()
    {
        var plan = new SchedulePlan();

        plan.Load([Job("minutely", "* * * * *", cursor: null)], Now, (_, _) => { });

        Assert.Equal(Now.AddSeconds(30), plan.NextDue);
    }

    [Fact]
    public void AJobBehindItsSchedule_IsDueAtOnce_AndDueJobsComeSoonestFirstThenByLoadOrder()
    {
        var plan = new SchedulePlan();

        plan.Load([Job("b", "* * * * *", cursor: Now.AddMinutes(-5)), Job("a", "* * * * *", cursor: Now.AddMinutes(-5)), Job("c", "@hourly", cursor: Now.AddHours(-3))], Now, (_, _) => { });

        var due = plan.TakeDue(Now);
        Assert.Equal(["c", "b", "a"], due.Select(j => j.Job.Name));
        Assert.Null(plan.NextDue);
    }

    [Fact]
    public void Return_QueuesTheJobAfterWhereItGot_AndRetryKeepsItDue()
    {
        var plan = new SchedulePlan();
        plan.Load([Job("minutely", "* * * * *", cursor: Now.AddMinutes(-2))], Now, (_, _) => { });
        var job = Assert.Single(plan.TakeDue(Now));

        plan.Retry(job);
        Assert.Same(job, Assert.Single(plan.TakeDue(Now)));

        plan.Return(job, Now.AddSeconds(-30));
        Assert.Equal(Now.AddSeconds(-30), job.Cursor);
        Assert.Equal(Now.AddSeconds(30), plan.NextDue);
    }

    [Fact]
    public void AJobThatCannotBeScheduled_IsReported_AndLeftOut()
    {
        var plan = new SchedulePlan();
        var broken = new List<string>();

        plan.Load([Job("lost", "@hourly", zone: "Nowhere/Atlantis", cursor: Now), Job("fine", "@hourly", cursor: Now)], Now, (job, error) =>
        {
            broken.Add(job.Name);
            Assert.Equal("MuxlyTimeZoneUnknown", error.ErrorId);
        });

        Assert.Equal(["lost"], broken);
        Assert.Equal(1, plan.Count);
    }

    [Fact]
    public void Load_ReplacesWhatWasPlanned()
    {
        var plan = new SchedulePlan();
        plan.Load([Job("minutely", "* * * * *", cursor: Now)], Now, (_, _) => { });

        plan.Load([Job("hourly", "@hourly", cursor: Now)], Now, (_, _) => { });

        Assert.Equal(["hourly"], plan.TakeDue(Now.AddDays(1)).Select(j => j.Job.Name));
    }

    private static Job Job(string name, string? schedule, DateTimeOffset? cursor = null, bool enabled = true, string jobType = "cron", string zone = "UTC") =>
        UnsavedJobs.Cron(name, schedule, cursor, enabled: enabled, jobType: jobType, zone: zone);
}
