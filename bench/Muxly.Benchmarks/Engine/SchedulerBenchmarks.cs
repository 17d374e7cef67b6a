using BenchmarkDotNet.Attributes;
using Muxly.Scheduler;

namespace Muxly.Benchmarks.Engine;

/// <summary>
/// Computing next due occurrences for 10,000 enabled cron jobs, per job (one operation = one job; a pass over all of
/// them is 10,000 times that), and what an idle scheduler's wake-up costs. The jobs are those of
/// <c>bench/scheduler/Measure-Scheduler.ps1</c>: daily, weekly, monthly, weekday and with-seconds schedules in four zones.
/// </summary>
[MemoryDiagnoser]
public class SchedulerBenchmarks
{
    private const int Jobs = 10_000;
    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"];

    private readonly DateTimeOffset _now = new(2026, 11, 24, 12, 0, 30, TimeSpan.Zero);
    private Job[] _jobs = [];
    private CronSchedule[] _schedules = [];
    private SchedulePlan _plan = null!;

    [GlobalSetup]
    public void Setup()
    {
        _jobs = Enumerable.Range(0, Jobs).Select(NewJob).ToArray();
        _schedules = _jobs.Select(j => CronSchedule.Parse(j.Schedule!, j.EffectiveTimeZone)).ToArray();
        _plan = new SchedulePlan();
        _plan.Load(_jobs, _now, (_, _) => { });
    }

    /// <summary>The next occurrence from a parsed schedule: what the plan computes for a job after each run.</summary>
    [Benchmark(OperationsPerInvoke = Jobs)]
    public int NextOccurrence()
    {
        var found = 0;
        foreach (var schedule in _schedules)
        {
            found += schedule.GetNextOccurrence(_now) is null ? 0 : 1;
        }

        return found;
    }

    /// <summary>Parsing the expression in its zone, then the next occurrence.</summary>
    [Benchmark(OperationsPerInvoke = Jobs)]
    public int ParseAndNextOccurrence()
    {
        var found = 0;
        foreach (var job in _jobs)
        {
            found += CronSchedule.Parse(job.Schedule!, job.EffectiveTimeZone).GetNextOccurrence(_now) is null ? 0 : 1;
        }

        return found;
    }

    /// <summary>
    /// What the loop did for every job at every wake-up before the plan (the database reads aside): parse, plan due
    /// occurrences with <see cref="MissedRunPlanner"/>, compute the next one.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Jobs)]
    public int EveryJobEveryWakeUp()
    {
        var found = 0;
        foreach (var job in _jobs)
        {
            MissedRunPlanner.Plan(job, _now, TimeSpan.FromMinutes(60), TimeSpan.FromSeconds(5), _now.AddSeconds(-1), job.LastScheduledFor);
            found += CronSchedule.Parse(job.Schedule!, job.EffectiveTimeZone).GetNextOccurrence(job.LastScheduledFor!.Value) is null ? 0 : 1;
        }

        return found;
    }

    /// <summary>Building the plan (a reload after the jobs changed): parse once per distinct schedule, next occurrence, queue.</summary>
    [Benchmark(OperationsPerInvoke = Jobs)]
    public int LoadPlan()
    {
        var plan = new SchedulePlan();
        plan.Load(_jobs, _now, (_, _) => { });
        return plan.Count;
    }

    /// <summary>An idle wake-up with the plan: nothing is due; the soonest occurrence is read off the queue (per wake-up, not per job).</summary>
    [Benchmark]
    public DateTimeOffset? IdleWakeUp()
    {
        var due = _plan.TakeDue(_now);
        return due.Count == 0 ? _plan.NextDue : null;
    }

    private Job NewJob(int i)
    {
        var zone = Zones[i % Zones.Length];
        var hour = (14 + (i % 20)) % 24;
        var minute = i * 7 % 60;
        var schedule = (i % 5) switch
        {
            0 => $"{minute} {hour} * * *",
            1 => $"{minute} {hour} * * {i % 7}",
            2 => $"{minute} {hour} {1 + (i % 28)} * *",
            3 => $"{minute} {hour} * * 1-5",
            _ => $"{i % 60} {minute} {hour} * * *",
        };
        return new Job
        {
            Id = $"job-{i:D5}",
            Name = $"idle-{i:D5}",
            JobType = "cron",
            Schedule = schedule,
            TimeZone = zone,
            EffectiveTimeZone = zone,
            Connector = "src",
            ConnectorId = "src",
            Action = "fetch",
            ActionParameters = "{}",
            BackoffStrategy = "exponential",
            OverlapPolicy = "forbid",
            MissedRunPolicy = "run-once",
            CatchUpLimit = 10,
            Enabled = true,
            LastScheduledFor = _now.AddSeconds(-30),
        };
    }
}
