namespace Muxly;

/// <summary>A global setting (table <c>settings</c>): a stored value, or a known key's documented default.</summary>
public sealed class Setting
{
    public required string Key { get; init; }

    /// <summary>The typed value (int, bool or string); masked for secret keys.</summary>
    public object? Value { get; init; }

    /// <summary><c>Int32</c>, <c>Boolean</c> or <c>String</c>.</summary>
    public required string ValueType { get; init; }

    /// <summary>True where nothing is stored and the documented default applies.</summary>
    public bool IsDefault { get; init; }

    /// <summary>The documented default for a known key; null for a custom key.</summary>
    public object? DefaultValue { get; init; }

    public string? Description { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }

    public override string ToString() => $"{Key}={Value}";
}
