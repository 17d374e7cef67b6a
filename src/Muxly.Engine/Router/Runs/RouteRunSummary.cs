namespace Muxly;

/// <summary>What a route run did: records read, matched per rule, delivered and failed per destination, errors.</summary>
public sealed class RouteRunSummary
{
    public required string Route { get; init; }

    /// <summary><c>Succeeded</c>, <c>CompletedWithErrors</c> (under <c>continue</c>), or <c>Failed</c>.</summary>
    public string Status { get; internal set; } = "Succeeded";

    /// <summary>True for -WhatIf: rules were evaluated and transformations applied, but nothing was delivered.</summary>
    public bool DryRun { get; init; }

    public DateTimeOffset StartedAt { get; init; }
    public TimeSpan Duration { get; internal set; }
    public long RecordsRead { get; internal set; }
    public long ReadErrors { get; internal set; }
    public long Unmatched { get; internal set; }
    public required IReadOnlyList<RuleRunCount> Rules { get; init; }
    public required IReadOnlyList<DestinationRunCount> Destinations { get; init; }

    /// <summary>The first errors, each with where it happened (at most 100 are kept; <see cref="ErrorCount"/> counts all).</summary>
    public IReadOnlyList<string> Errors => _errors;

    public long ErrorCount { get; internal set; }

    /// <summary>Why the run failed, when <see cref="Status"/> is <c>Failed</c>.</summary>
    public string? FailureReason { get; internal set; }

    public long Delivered => Destinations.Sum(d => d.Delivered);
    public long Failed => Destinations.Sum(d => d.Failed);

    private readonly List<string> _errors = [];

    internal void AddError(string error)
    {
        ErrorCount++;
        if (_errors.Count < 100)
        {
            _errors.Add(error);
        }
    }

    public override string ToString() =>
        $"{Route}: {Status}, {RecordsRead} read, {Delivered} delivered, {Failed} failed, {Unmatched} unmatched in {Duration.TotalSeconds:0.###} s";
}

/// <summary>How many records a rule matched, and how many records its transformations produced from them.</summary>
public sealed class RuleRunCount
{
    public required string Rule { get; init; }
    public long Matched { get; internal set; }
    public long Produced { get; internal set; }
}

/// <summary>How many records a destination took and how many it could not deliver.</summary>
public sealed class DestinationRunCount
{
    public required string Destination { get; init; }
    /// <summary><c>rule</c>, <c>unmatched</c> or <c>dead-letter</c>.</summary>
    public required string Role { get; init; }

    /// <summary>Records delivered: those handed over minus those that failed (a failed batch counts all of its records).</summary>
    public long Delivered => Accepted - Failed;

    public long Failed { get; internal set; }

    internal long Accepted { get; set; }
}
