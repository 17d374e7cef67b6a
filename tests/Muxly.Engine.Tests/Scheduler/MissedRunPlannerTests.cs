using Muxly.Scheduler;
using Muxly.Tests.TestSupport;

namespace Muxly.Tests.Scheduler;

/// <summary>What runs after a scheduler was down, per missed-run policy.</summary>
public sealed class MissedRunPlannerTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 30, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromHours(2);
    private static readonly TimeSpan OnTime = TimeSpan.FromMinutes(1);

    [Fact]
    public void AnOccurrenceJustDue_RunsAsScheduled()
    {
        var plan = MissedRunPlanner.Plan(Hourly(cursor: Now.AddMinutes(-10)), Now, Window, OnTime);

        var only = Assert.Single(plan.Occurrences);
        Assert.Equal((At(12), true, "schedule"), (only.ScheduledFor, only.Run, only.TriggeredBy));
        Assert.Equal(At(12), plan.CursorTo);
    }

    [Fact]
    public void NothingDue_PlansNothing()
    {
        Assert.Same(MissedRunPlan.Nothing, MissedRunPlanner.Plan(Hourly(cursor: At(12)), Now, Window, OnTime));
    }

    [Fact]
    public void RunOnce_CoalescesMissedOccurrencesIntoOneCatchUpRun()
    {
        // Down from 08:30 to 11:40: 09, 10, 11 missed; 09 is outside the two-hour window.
        var plan = MissedRunPlanner.Plan(Hourly(cursor: At(8).AddMinutes(30)), At(11).AddMinutes(40), Window, OnTime);

        Assert.Equal([(At(9), false), (At(10), false), (At(11), true)], plan.Occurrences.Select(o => (o.ScheduledFor, o.Run)));
        Assert.All(plan.Occurrences, o => Assert.Equal("catch-up", o.TriggeredBy));
        Assert.Contains("catch-up window", plan.Occurrences[0].SkipReason);
        Assert.Equal(At(11), plan.CursorTo);
    }

    [Fact]
    public void RunOnce_WithAnOnTimeOccurrence_RunsOnlyThatOne()
    {
        var plan = MissedRunPlanner.Plan(Hourly(cursor: At(9).AddMinutes(30)), Now, Window, OnTime);

        Assert.Equal([(At(10), false), (At(11), false), (At(12), true)], plan.Occurrences.Select(o => (o.ScheduledFor, o.Run)));
        Assert.Equal("schedule", plan.Occurrences[^1].TriggeredBy);
    }

    [Fact]
    public void Skip_SkipsEveryMissedOccurrence()
    {
        var plan = MissedRunPlanner.Plan(Hourly("skip", cursor: At(9).AddMinutes(30)), At(11).AddMinutes(40), Window, OnTime);

        Assert.All(plan.Occurrences, o => Assert.False(o.Run));
        Assert.Equal(2, plan.Occurrences.Count);
    }

    [Fact]
    public void CatchUp_RunsEachMissedOccurrenceUpToTheLimit()
    {
        var job = Hourly("catch-up", cursor: At(5).AddMinutes(30), limit: 2);

        var plan = MissedRunPlanner.Plan(job, At(11).AddMinutes(40), TimeSpan.FromHours(24), OnTime);

        Assert.Equal([false, false, false, false, true, true], plan.Occurrences.Select(o => o.Run));
        Assert.Equal([At(10), At(11)], plan.Occurrences.Where(o => o.Run).Select(o => o.ScheduledFor));
    }

    [Fact]
    public void ManyMissedOccurrences_ListOnlyTheNewestSkips()
    {
        var job = Hourly("skip", cursor: Now.AddDays(-30));

        var plan = MissedRunPlanner.Plan(job, Now, Window, OnTime);

        Assert.Equal(MissedRunPlanner.MaxListedSkips + 1, plan.Occurrences.Count); // plus the one on time
        Assert.Equal((30 * 24) - 1 - MissedRunPlanner.MaxListedSkips, plan.Unlisted);
    }

    [Fact]
    public void ManualAndDisabledJobs_HaveNothingDue()
    {
        Assert.Empty(MissedRunPlanner.Plan(Hourly(cursor: At(1), jobType: "manual"), Now, Window, OnTime).Occurrences);
        Assert.Empty(MissedRunPlanner.Plan(Hourly(cursor: At(1), enabled: false), Now, Window, OnTime).Occurrences);
    }

    private static DateTimeOffset At(int hour) => new(2025, 3, 10, hour, 0, 0, TimeSpan.Zero);

    private static Job Hourly(string policy = "run-once", DateTimeOffset? cursor = null, int limit = 10, bool enabled = true, string jobType = "cron") =>
        UnsavedJobs.Cron("hourly", "@hourly", cursor, policy, limit, enabled, jobType, id: "j");
}
