using System.Management.Automation;
using Muxly.PowerShell.Completers;
using Muxly.PowerShell.Infrastructure;
using Muxly.Scheduler;
using Muxly.Storage;

namespace Muxly.PowerShell.Commands.Scheduler;

/// <summary>
/// The next occurrences of a cron schedule in its time zone, DST handled as the scheduler handles it: a schedule given
/// as text, or a stored job's (its schedule in its effective zone).
/// </summary>
[Cmdlet(VerbsCommon.Get, "MuxlyScheduleOccurrence", DefaultParameterSetName = BySchedule, HelpUri = HelpLinks.Base + "Get-MuxlyScheduleOccurrence.md")]
[OutputType(typeof(DateTimeOffset))]
public sealed class GetMuxlyScheduleOccurrenceCommand : MuxlyCmdlet
{
    private const string BySchedule = "BySchedule";
    private const string ByJob = "ByJob";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = BySchedule, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Schedule { get; set; } = string.Empty;

    /// <summary>An IANA or Windows time zone id; the machine's zone when omitted.</summary>
    [Parameter(ParameterSetName = BySchedule, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TimeZoneCompleter))]
    public string? TimeZone { get; set; }

    /// <summary>A job's name or id: its schedule in its time zone.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByJob)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string Job { get; set; } = string.Empty;

    /// <summary>Occurrences strictly after this instant (default: now).</summary>
    [Parameter]
    public DateTimeOffset? After { get; set; }

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int Count { get; set; } = 5;

    protected override void Process()
    {
        if (ParameterSetName == ByJob)
        {
            var job = Store.Jobs.Get(Job);
            if (job.JobType != "cron" || job.Schedule is null)
            {
                throw MuxlyException.Invalid("MuxlyJobHasNoSchedule",
                    $"The job '{job.Name}' is a {job.JobType} job: it has no schedule, so no occurrences.", job.Name);
            }

            WriteObject(JobStore.NextOccurrences(job, Count, After ?? DateTimeOffset.Now), enumerateCollection: true);
            return;
        }

        var schedule = CronSchedule.Parse(Schedule, TimeZone);
        foreach (var occurrence in schedule.GetOccurrences(After ?? DateTimeOffset.Now, Count))
        {
            WriteObject(occurrence);
        }
    }
}
