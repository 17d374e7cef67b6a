using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Muxly.Connectors;
using Muxly.Destinations;
using Muxly.Router.Projections;

namespace Muxly.Router.Runs;

/// <summary>
/// One run of a route. Records are pushed in one at a time (from a connector, or from the PowerShell pipeline for
/// Send-MuxlyData); each is offered to the rules in order, transformed, and written to the rules' destinations, so
/// memory stays flat however long the input. Under <c>continue</c> a failed record or delivery is counted, recorded,
/// handed to the dead-letter destination and the run goes on; under <c>fail</c> the first one stops the run, and
/// destinations are abandoned rather than completed (an atomic replace keeps the old file).
/// </summary>
public sealed class RouteRun : IDisposable
{
    private readonly RoutePlan _plan;
    private readonly RunContext _context;
    private readonly bool _dryRun;
    private readonly Dictionary<string, IDestinationWriter> _writers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DestinationRunCount> _counts = new(StringComparer.Ordinal);
    private readonly RuleRunCount[] _ruleCounts;
    private readonly Action<JsonObject>[] _ruleOutputs;
    private RecordProjection?[] _projections;
    private readonly RouteRunSummary _summary;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _position;
    private bool _finished;

    private RouteRun(RoutePlan plan, RunContext context, bool dryRun)
    {
        _plan = plan;
        _context = context;
        _dryRun = dryRun;
        foreach (var (id, destination) in plan.Destinations)
        {
            var role = id == plan.DeadLetterId ? "dead-letter" : id == plan.UnmatchedId && !plan.Rules.Any(r => r.DestinationIds.Contains(id)) ? "unmatched" : "rule";
            _counts[id] = new DestinationRunCount { Destination = destination.Name, Role = role };
        }

        _ruleCounts = plan.Rules.Select(r => new RuleRunCount { Rule = r.Rule.Name }).ToArray();
        _ruleOutputs = plan.Rules.Select((rule, index) => (Action<JsonObject>)(record =>
        {
            _ruleCounts[index].Produced++;
            foreach (var destination in rule.DestinationIds)
            {
                Deliver(destination, record);
            }
        })).ToArray();
        _summary = new RouteRunSummary
        {
            Route = plan.Route.Name,
            DryRun = dryRun,
            StartedAt = context.Now,
            Rules = _ruleCounts,
            Destinations = _counts.Values.ToList(),
        };
        _projections = new RecordProjection?[plan.Rules.Count];
    }

    /// <summary>True once the run has failed (under <c>fail</c>); pushing more changes nothing.</summary>
    public bool HasFailed => _summary.Status == "Failed";

    /// <summary>
    /// Starts a run: every destination is opened first, so a destination that cannot be written fails the run
    /// before anything is read or delivered. A dry run opens nothing.
    /// </summary>
    public static RouteRun Start(RoutePlan plan, RunContext context, bool dryRun = false)
    {
        var run = new RouteRun(plan, context, dryRun);
        if (dryRun)
        {
            return run;
        }

        try
        {
            foreach (var (id, destination) in plan.Destinations)
            {
                var type = DestinationRegistry.Default.Get(destination.DestinationType);
                var config = Records.DynamicValues.ExpandAll(Secrets.SecretMasker.ParseObject(destination.ConfigUnmasked), context);
                run._writers[id] = type.Open(new DestinationSettings(destination.Name, config), context);
            }
        }
        catch
        {
            run.Dispose();
            throw;
        }

        // A rule writes from the parse only where all of its destinations can.
        run._projections = plan.Rules
            .Select(r => plan.UseProjections && r.Projection is not null && r.DestinationIds.All(id => run._writers[id] is IProjectedRecordWriter) ? r.Projection : null)
            .ToArray();
        return run;
    }

    /// <summary>Runs a whole source through the route and returns the summary.</summary>
    public static RouteRunSummary Run(RoutePlan plan, IEnumerable<SourceItem> source, RunContext context, bool dryRun = false)
    {
        using var run = Start(plan, context, dryRun);
        try
        {
            foreach (var item in source)
            {
                if (!run.Push(item))
                {
                    break;
                }
            }
        }
        catch (MuxlyException ex)
        {
            // The source itself failed (HTTP 500 after retries, a missing file): nothing more can be read.
            run.Abort($"Reading connector '{plan.Connector.Name}' failed: {ex.Message}");
        }

        return run.Complete();
    }

    /// <summary>Offers one item to the route. Returns false once the run has failed and wants no more.</summary>
    public bool Push(SourceItem item)
    {
        if (_finished || HasFailed)
        {
            return false;
        }

        _context.Cancellation.ThrowIfCancellationRequested();
        _position++;
        if (item.IsError)
        {
            _summary.ReadErrors++;
            RecordFailure($"{item.Location}: {item.Error}", new JsonObject { ["error"] = item.Error, ["location"] = item.Location });
            return !HasFailed;
        }

        _summary.RecordsRead++;
        try
        {
            Route(item);
        }
        catch (Exception ex) when (ex is MuxlyException or InvalidOperationException or ArgumentException or FormatException)
        {
            RecordFailure($"record {_position}: {ex.Message}", new JsonObject { ["error"] = ex.Message, ["record"] = item.Record!.DeepClone() });
        }

        return !HasFailed;
    }

    /// <summary>Marks the run failed with a reason: destinations are abandoned when it completes.</summary>
    public void Abort(string reason)
    {
        _summary.AddError(reason);
        Fail(reason);
    }

    /// <summary>Ends the run: held records are flushed through the rules, destinations completed, counts settled.</summary>
    public RouteRunSummary Complete()
    {
        if (_finished)
        {
            return _summary;
        }

        if (!HasFailed)
        {
            for (var i = 0; i < _plan.Rules.Count && !HasFailed; i++)
            {
                try
                {
                    _plan.Rules[i].Pipeline?.Complete(_ruleOutputs[i]);
                }
                catch (Exception ex) when (ex is MuxlyException or InvalidOperationException or ArgumentException)
                {
                    RecordFailure($"rule '{_plan.Rules[i].Rule.Name}': {ex.Message}", null);
                }
            }
        }

        if (!HasFailed)
        {
            // The dead-letter destination completes last: the others may still hand it failed records.
            foreach (var (id, writer) in _writers.OrderBy(w => w.Key == _plan.DeadLetterId ? 1 : 0))
            {
                try
                {
                    writer.Complete();
                }
                catch (DeliveryException ex)
                {
                    DeliveryFailed(id, ex);
                }
                catch (MuxlyException ex)
                {
                    Abort($"Destination '{_counts[id].Destination}' could not complete: {ex.Message}");
                }
            }
        }

        _finished = true;
        _summary.Duration = _clock.Elapsed;
        if (!HasFailed && (_summary.ErrorCount > 0 || _summary.ReadErrors > 0 || _summary.Failed > 0))
        {
            _summary.Status = "CompletedWithErrors";
        }

        Dispose();
        return _summary;
    }

    public void Dispose()
    {
        foreach (var writer in _writers.Values)
        {
            writer.Dispose();
        }

        _writers.Clear();
    }

    // A record read transiently (item.Raw) has its conditions read from the parsed JSON, and is made a JsonObject only
    // when a rule or the unmatched destination takes it: most records a route drops are never materialised. A rule
    // with a projection (field-level transformations only, file destinations) writes even the records it takes from the
    // parse, unless the projection declines the record.
    private void Route(SourceItem item)
    {
        var raw = item.Raw;
        var record = raw is null ? item.Record! : null;
        var matched = false;
        var rules = _plan.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!(record is null ? rule.Condition.Evaluate(raw!.Element) : rule.Condition.Evaluate(record)))
            {
                continue;
            }

            matched = true;
            _ruleCounts[i].Matched++;
            if (record is null && _projections[i]?.Apply(raw!.Element) is { } projected)
            {
                DeliverProjected(i, projected);
            }
            else
            {
                record ??= raw!.ToObject();
                var last = i == rules.Count - 1 || rule.Rule.StopAfterMatch;
                if (rule.Pipeline is null)
                {
                    _ruleOutputs[i](record);
                }
                else
                {
                    // Transformations change the record they are given: later rules must still see the original.
                    rule.Pipeline.Push(last ? record : record.DeepClone().AsObject(), _ruleOutputs[i]);
                }
            }

            if (rule.Rule.StopAfterMatch || HasFailed)
            {
                break;
            }
        }

        if (!matched)
        {
            _summary.Unmatched++;
            if (_plan.UnmatchedId is { } unmatched)
            {
                Deliver(unmatched, record ?? raw!.ToObject());
            }
        }
    }

    private void Deliver(string destinationId, JsonObject record)
    {
        if (HasFailed)
        {
            return;
        }

        var count = _counts[destinationId];
        count.Accepted++;
        if (_dryRun)
        {
            return;
        }

        try
        {
            _writers[destinationId].Write(record);
        }
        catch (DeliveryException ex)
        {
            DeliveryFailed(destinationId, ex);
        }
    }

    private void DeliverProjected(int rule, ProjectedRecord record)
    {
        _ruleCounts[rule].Produced++;
        foreach (var destinationId in _plan.Rules[rule].DestinationIds)
        {
            if (HasFailed)
            {
                return;
            }

            _counts[destinationId].Accepted++;
            try
            {
                ((IProjectedRecordWriter)_writers[destinationId]).Write(record);
            }
            catch (DeliveryException ex)
            {
                DeliveryFailed(destinationId, ex);
            }
        }
    }

    private void DeliveryFailed(string destinationId, DeliveryException ex)
    {
        var count = _counts[destinationId];
        count.Failed += Math.Max(1, ex.FailedRecords.Count);
        _summary.AddError($"destination '{count.Destination}': {ex.Message} ({ex.FailedRecords.Count} record(s))");
        if (_plan.FailFast)
        {
            Fail($"Delivery to '{count.Destination}' failed: {ex.Message}");
            return;
        }

        if (_plan.DeadLetterId is { } deadLetter && deadLetter != destinationId)
        {
            foreach (var failed in ex.FailedRecords)
            {
                Deliver(deadLetter, DeadLetter(ex.Message, failed, count.Destination));
            }
        }
    }

    private void RecordFailure(string error, JsonObject? deadLetterBody)
    {
        _summary.AddError(error);
        if (_plan.FailFast)
        {
            Fail(error);
            return;
        }

        if (_plan.DeadLetterId is { } deadLetter && deadLetterBody is not null)
        {
            deadLetterBody["route"] = _plan.Route.Name;
            deadLetterBody["failed_at"] = DateTimeOffset.Now.ToString("o", CultureInfo.InvariantCulture);
            Deliver(deadLetter, deadLetterBody);
        }
    }

    private JsonObject DeadLetter(string error, JsonObject record, string destination) => new()
    {
        ["route"] = _plan.Route.Name,
        ["destination"] = destination,
        ["error"] = error,
        ["failed_at"] = DateTimeOffset.Now.ToString("o", CultureInfo.InvariantCulture),
        ["record"] = record.Parent is null ? record : record.DeepClone(),
    };

    private void Fail(string reason)
    {
        if (HasFailed)
        {
            return;
        }

        _summary.Status = "Failed";
        _summary.FailureReason = reason;
        _context.Log($"Route '{_plan.Route.Name}' failed: {reason}");
    }
}
