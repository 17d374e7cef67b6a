namespace Muxly.Destinations;

/// <summary>
/// The destination types, by name. A new type is one class and one line in <see cref="Default"/>.
/// <see cref="DestinationTypes"/> lists every type name the product accepts.
/// </summary>
public sealed class DestinationRegistry
{
    private readonly Dictionary<string, IDestinationType> _types = new(StringComparer.OrdinalIgnoreCase);

    public static DestinationRegistry Default { get; } = new DestinationRegistry()
        .Register(new Files.FileDestination())
        .Register(new Webhooks.WebhookDestination(settings => new Webhooks.WebhookRequestSigner(settings)))
        .Register(new Databases.DatabaseDestination())
        ;

    public DestinationRegistry Register(IDestinationType type)
    {
        _types[type.Name] = type;
        return this;
    }

    public IDestinationType? Find(string name) => _types.GetValueOrDefault(name);

    public IDestinationType Get(string name) => Find(name) ?? throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyDestinationTypeNotAvailable",
        $"Destinations of type '{name}' cannot deliver in this version of Muxly. Types that can: {string.Join(", ", _types.Keys.Order())}.", name);
}
