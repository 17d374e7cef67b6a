using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Runs;

namespace Muxly.Connectors;

/// <summary>A connector's settings for one run, with dynamic values and <c>${env:NAME}</c> references already expanded.</summary>
public sealed record ConnectorSettings(string Name, JsonObject Connection, JsonObject Auth);

/// <summary>
/// One item a connector reads: a record, or a per-record failure (a malformed line, a CSV row with too many fields)
/// with where it happened, which the route's error handling records and skips (continue) or fails on (fail).
/// </summary>
/// <remarks>
/// An item read with <see cref="IConnectorType.ReadTransient"/> may hold its record as parsed JSON that is only valid
/// until the next item is read (<see cref="Raw"/>); <see cref="Record"/> materialises it, and the object it returns
/// stays valid.
/// </remarks>
public readonly struct SourceItem
{
    private readonly JsonObject? _record;

    private SourceItem(JsonObject? record, RawRecord? raw, string? error, string? location)
    {
        _record = record;
        Raw = raw;
        Error = error;
        Location = location;
    }

    /// <summary>The record, or null for a failure.</summary>
    public JsonObject? Record => _record ?? Raw?.ToObject();

    /// <summary>Why the item is not a record.</summary>
    public string? Error { get; }

    /// <summary>Where the failure happened (file and line, page and item).</summary>
    public string? Location { get; }

    public bool IsError => Error is not null;

    /// <summary>The record as parsed JSON, not yet materialised; valid until the next item is read.</summary>
    internal RawRecord? Raw { get; }

    public static SourceItem Ok(JsonObject record) => new(record, null, null, null);

    public static SourceItem Failed(string error, string location) => new(null, null, error, location);

    internal static SourceItem Transient(RawRecord record) => new(null, record, null, null);
}

/// <summary>
/// A record as parsed JSON, which the router reads its conditions from without building a <see cref="JsonObject"/>.
/// A connector reuses one instance for every record it reads transiently: <see cref="Element"/> is valid until the next
/// record; <see cref="ToObject"/> copies it into a <see cref="JsonObject"/> that stays valid.
/// </summary>
internal sealed class RawRecord
{
    private JsonObject? _object;

    /// <summary>The record (a JSON object) as parsed.</summary>
    public JsonElement Element { get; private set; }

    /// <summary>The record as a <see cref="JsonObject"/>: made once per record, on first use, independent of the parse buffers.</summary>
    public JsonObject ToObject() => _object ??= JsonObject.Create(Element.Clone())!;

    /// <summary>Moves on to the next record.</summary>
    public void Reset(JsonElement element)
    {
        Element = element;
        _object = null;
    }
}

/// <summary>What <c>Test-MuxlyConnector</c> reports.</summary>
public sealed record ConnectionTestResult(bool Success, string Message, TimeSpan Duration);

/// <summary>
/// A <c>connector_type</c>: one class, registered by name in <see cref="ConnectorRegistry"/>.
/// Errors that stop the whole read (a missing file, HTTP 500 after retries, a non-JSON response) throw
/// <see cref="MuxlyException"/>; errors in one record are yielded as <see cref="SourceItem.Failed"/>.
/// Messages never contain secrets.
/// </summary>
public interface IConnectorType
{
    /// <summary>The <c>connector_type</c> name, e.g. <c>file</c>.</summary>
    string Name { get; }

    /// <summary>Checks the settings when the connector is saved; throws MuxlyException (ErrorId <c>MuxlyConnectorSettingsInvalid</c>) naming what is wrong.</summary>
    void Validate(JsonObject connection, JsonObject auth);

    /// <summary>Streams the records: lazily, one at a time, never the whole input in memory.</summary>
    IEnumerable<SourceItem> Read(ConnectorSettings settings, RunContext context);

    /// <summary>
    /// The same records as <see cref="Read"/>, for a consumer that is done with each item before it asks for the next
    /// (the router): a type may then hand over records as <see cref="SourceItem.Raw"/> parsed JSON in reused buffers,
    /// so records that no rule wants are never materialised.
    /// </summary>
    IEnumerable<SourceItem> ReadTransient(ConnectorSettings settings, RunContext context) => Read(settings, context);

    /// <summary>Checks that the source can be reached and read, without reading everything.</summary>
    ConnectionTestResult Test(ConnectorSettings settings, RunContext context);
}
