namespace Muxly;

/// <summary>A configured source of records (table <c>connectors</c>). Secret values in its settings are masked.</summary>
public sealed class Connector : INamedEntity
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string ConnectorType { get; init; }
    public bool Enabled { get; init; }

    /// <summary>Authentication settings as JSON, with secret values shown as <c>********</c> and <c>${env:NAME}</c> references as written.</summary>
    public required string AuthSettings { get; init; }

    /// <summary>Connection settings as JSON, with secret-looking values masked.</summary>
    public required string ConnectionSettings { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The stored authentication JSON, secrets included: for the engine's own use, never for display.</summary>
    internal string AuthSettingsUnmasked { get; init; } = "{}";

    /// <summary>The stored connection JSON, secrets included.</summary>
    internal string ConnectionSettingsUnmasked { get; init; } = "{}";

    public override string ToString() => Name;
}
