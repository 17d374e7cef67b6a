namespace Muxly;

/// <summary>Every configuration object with an id and a unique name: what the shared Get/Set/Remove machinery needs.</summary>
public interface INamedEntity
{
    string Id { get; }
    string Name { get; }
}
