using System.Text.Json.Nodes;

namespace Muxly.Router.Transformations;

/// <summary>What a running stage may use from the route run around it.</summary>
public sealed class TransformationContext
{
    /// <summary>A context that discards warnings and knows no connectors.</summary>
    public static TransformationContext None { get; } = new();

    /// <summary>Receives warnings about individual records (a division by zero, a value that is not a number).</summary>
    public Action<string> Warn { get; init; } = static _ => { };

    /// <summary>Reads the records of a connector by name; <c>join</c> needs it.</summary>
    public Func<string, IEnumerable<JsonObject>>? ReadConnector { get; init; }

    /// <summary>Whether a connector of that name exists; when set, stages check it as they are created.</summary>
    public Func<string, bool>? ConnectorExists { get; init; }
}
