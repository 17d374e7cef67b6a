namespace Muxly;

/// <summary>Where matching records are delivered (table <c>destinations</c>). Secret values in its config are masked.</summary>
public sealed class Destination : INamedEntity
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string DestinationType { get; init; }
    public bool Enabled { get; init; }

    /// <summary>The configuration as JSON, with secret-looking values (passwords, tokens, Authorization headers) masked.</summary>
    public required string Config { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The stored configuration, secrets included: for the engine's own use.</summary>
    internal string ConfigUnmasked { get; init; } = "{}";

    public override string ToString() => Name;
}
