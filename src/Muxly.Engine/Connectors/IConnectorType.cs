using System.Text.Json.Nodes;
using Muxly.Router.Runs;

namespace Muxly.Connectors;

/// <summary>A connector's settings for one run, with dynamic values and <c>${env:NAME}</c> references already expanded.</summary>
public sealed record ConnectorSettings(string Name, JsonObject Connection, JsonObject Auth);

/// <summary>
/// One item a connector reads: a record, or a per-record failure (a malformed line, a CSV row with too many fields)
/// with where it happened, which the route's error handling records and skips (continue) or fails on (fail).
/// </summary>
public readonly record struct SourceItem(JsonObject? Record, string? Error, string? Location)
{
    public static SourceItem Ok(JsonObject record) => new(record, null, null);

    public static SourceItem Failed(string error, string location) => new(null, error, location);

    public bool IsError => Error is not null;
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

    /// <summary>Checks that the source can be reached and read, without reading everything.</summary>
    ConnectionTestResult Test(ConnectorSettings settings, RunContext context);
}
