namespace Muxly;

/// <summary>
/// A routing rule (table <c>routing_rules</c>): a condition, the transformations applied to matching records, and
/// the destinations they go to. Lower <see cref="Priority"/> runs first; ties run in creation order.
/// </summary>
public sealed class Rule : INamedEntity
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public int Priority { get; init; }
    public bool Enabled { get; init; }

    /// <summary>The condition text; empty means every record matches.</summary>
    public required string Condition { get; init; }

    /// <summary>When true, a record this rule matches is not offered to the rules after it.</summary>
    public bool StopAfterMatch { get; init; }

    /// <summary>The names of the destinations matching records are delivered to.</summary>
    public required IReadOnlyList<string> Destinations { get; init; }

    public int TransformationCount { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    internal IReadOnlyList<string> DestinationIds { get; init; } = [];

    public override string ToString() => Name;
}

/// <summary>One transformation of a rule (table <c>rule_transformations</c>), applied in <see cref="SequenceOrder"/>.</summary>
public sealed class Transformation
{
    public required string Id { get; init; }
    public required string RuleId { get; init; }
    public required string RuleName { get; init; }
    public required string TransformationType { get; init; }

    /// <summary>The configuration as JSON.</summary>
    public required string Config { get; init; }

    /// <summary>The position within the rule, from 1.</summary>
    public int SequenceOrder { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public override string ToString() => $"{RuleName}#{SequenceOrder} {TransformationType}";
}

/// <summary>
/// A route (table <c>routes</c>): records from its connector are offered to its rules. Its error handling says whether
/// a failed record or delivery stops the run, where failed records go, and where records no rule matched go.
/// </summary>
public sealed class Route : INamedEntity
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string ConnectorId { get; init; }

    /// <summary>The connector's name.</summary>
    public required string Connector { get; init; }

    public bool Enabled { get; init; }

    /// <summary>The rule names, in evaluation order (priority, then creation).</summary>
    public required IReadOnlyList<string> Rules { get; init; }

    /// <summary><c>continue</c>: a failed record or delivery is recorded and the rest go on; <c>fail</c>: the run stops and fails.</summary>
    public required string ErrorMode { get; init; }

    /// <summary>The destination that receives failed records with their error, if any.</summary>
    public string? DeadLetterDestination { get; init; }

    /// <summary>The destination that receives records no rule matched, if any.</summary>
    public string? UnmatchedDestination { get; init; }

    /// <summary>The stored error handling JSON.</summary>
    public required string ErrorHandling { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    internal IReadOnlyList<string> RuleIds { get; init; } = [];
    internal string? DeadLetterDestinationId { get; init; }
    internal string? UnmatchedDestinationId { get; init; }

    public override string ToString() => Name;
}
