using System.Management.Automation;
using Muxly.PowerShell.Infrastructure;
using Muxly.Scheduler;

namespace Muxly.PowerShell.Commands.Scheduler;

/// <summary>The next occurrences of a cron schedule in its time zone, DST handled as the scheduler handles it.</summary>
[Cmdlet(VerbsCommon.Get, "MuxlyScheduleOccurrence", HelpUri = HelpLinks.Base + "Get-MuxlyScheduleOccurrence.md")]
[OutputType(typeof(DateTimeOffset))]
public sealed class GetMuxlyScheduleOccurrenceCommand : MuxlyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Schedule { get; set; } = string.Empty;

    /// <summary>An IANA or Windows time zone id; the machine's zone when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? TimeZone { get; set; }

    /// <summary>Occurrences strictly after this instant (default: now).</summary>
    [Parameter]
    public DateTimeOffset? After { get; set; }

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int Count { get; set; } = 5;

    protected override void Process()
    {
        var schedule = CronSchedule.Parse(Schedule, TimeZone);
        foreach (var occurrence in schedule.GetOccurrences(After ?? DateTimeOffset.Now, Count))
        {
            WriteObject(occurrence);
        }
    }
}
