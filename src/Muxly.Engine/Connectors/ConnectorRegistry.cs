namespace Muxly.Connectors;

/// <summary>
/// The connector types that can read records, by name. A new type is one class and one line in <see cref="Default"/>.
/// <see cref="ConnectorTypes"/> lists every type name the product accepts; a type named there but not registered
/// here can be configured, and says so when asked to read.
/// </summary>
public sealed class ConnectorRegistry
{
    private readonly Dictionary<string, IConnectorType> _types = new(StringComparer.OrdinalIgnoreCase);

    public static ConnectorRegistry Default { get; } = new ConnectorRegistry()
        .Register(new Files.FileConnector())
        .Register(new Api.ApiConnector())
        .Register(new Webhook.WebhookConnector())
        ;

    public ConnectorRegistry Register(IConnectorType type)
    {
        _types[type.Name] = type;
        return this;
    }

    public IConnectorType? Find(string name) => _types.GetValueOrDefault(name);

    /// <summary>The implementation of <paramref name="name"/>, or a clear error if this version cannot read it.</summary>
    public IConnectorType Get(string name) => Find(name) ?? throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyConnectorTypeNotAvailable",
        $"Connectors of type '{name}' cannot read records in this version of Muxly. Types that can: {string.Join(", ", _types.Keys.Order())}.", name);
}
