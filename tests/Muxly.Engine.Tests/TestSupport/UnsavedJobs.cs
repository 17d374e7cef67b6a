namespace Muxly.Tests.TestSupport;

/// <summary>Jobs built in memory, never saved: for the parts of the scheduler that only read a job (planning).</summary>
public static class UnsavedJobs
{
    public static Job Cron(string name, string? schedule, DateTimeOffset? cursor = null, string policy = "run-once", int catchUpLimit = 10,
        bool enabled = true, string jobType = "cron", string zone = "UTC", string id = "") => new()
    {
        Id = id.Length > 0 ? id : "id-" + name,
        Name = name,
        JobType = jobType,
        Schedule = schedule,
        TimeZone = zone,
        EffectiveTimeZone = zone,
        Connector = "c",
        ConnectorId = "c",
        Action = "fetch",
        ActionParameters = "{}",
        BackoffStrategy = "none",
        OverlapPolicy = "forbid",
        MissedRunPolicy = policy,
        CatchUpLimit = catchUpLimit,
        Enabled = enabled,
        LastScheduledFor = cursor,
    };
}
