using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Json;

namespace Muxly.Storage;

/// <summary>What <c>New-MuxlyRoute</c> asks for. Connector, rules and destinations are given by name or id.</summary>
public sealed record RouteDefinition(
    string Name,
    string Connector,
    IReadOnlyList<string>? Rules = null,
    string ErrorMode = "continue",
    string? DeadLetterDestination = null,
    string? UnmatchedDestination = null,
    bool Enabled = true,
    string? Id = null);

/// <summary>What <c>Set-MuxlyRoute</c> changes; null leaves a value as it is; an empty destination name clears it.</summary>
public sealed record RouteChanges(
    string? Name = null,
    string? Connector = null,
    IReadOnlyList<string>? Rules = null,
    string? ErrorMode = null,
    string? DeadLetterDestination = null,
    string? UnmatchedDestination = null,
    bool? Enabled = null);

/// <summary>
/// Table <c>routes</c> with its rules (<c>route_rules</c>). The seed's <c>error_handling</c> JSON holds
/// <c>{"mode": "continue"|"fail", "dead_letter": destination id, "unmatched": destination id}</c>.
/// </summary>
public sealed class RouteStore : NamedEntityStore<Route>
{
    public static readonly string[] ErrorModes = ["continue", "fail"];

    public RouteStore(MuxlyDatabase database)
        : base(database, "routes", "Route")
    {
    }

    protected override string Columns => """
        id, name, connector_id, enabled, error_handling, created_at, updated_at,
        (SELECT name FROM connectors c WHERE c.id = routes.connector_id),
        (SELECT json_group_array(json_array(r.id, r.name)) FROM
            (SELECT r.id, r.name FROM route_rules rr JOIN routing_rules r ON r.id = rr.rule_id
             WHERE rr.route_id = routes.id ORDER BY r.priority, r.created_at, r.id) r),
        (SELECT name FROM destinations d WHERE d.id = json_extract(routes.error_handling, '$.dead_letter')),
        (SELECT name FROM destinations d WHERE d.id = json_extract(routes.error_handling, '$.unmatched'))
        """;

    public SaveResult<Route> Create(RouteDefinition definition, bool force)
    {
        var name = Names.Validate(definition.Name, Noun);
        var mode = RequireMode(definition.ErrorMode);
        return CreateOrUpdate(name, definition.Id, force,
            insert: (connection, transaction, id) =>
            {
                var connectorId = ResolveConnector(connection, transaction, name, definition.Connector);
                var rules = ResolveRules(connection, transaction, name, definition.Rules ?? []);
                var handling = ErrorHandlingJson(mode,
                    ResolveDestination(connection, transaction, name, definition.DeadLetterDestination),
                    ResolveDestination(connection, transaction, name, definition.UnmatchedDestination));
                using var insert = Command(connection, transaction, """
                    INSERT INTO routes (id, name, connector_id, enabled, error_handling, created_at, updated_at)
                    VALUES ($id, $name, $connector, $enabled, $handling, $now, $now)
                    """);
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$name", name);
                insert.Parameters.AddWithValue("$connector", connectorId);
                insert.Parameters.AddWithValue("$enabled", definition.Enabled);
                insert.Parameters.AddWithValue("$handling", handling);
                insert.Parameters.AddWithValue("$now", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow));
                insert.ExecuteNonQuery();
                ReplaceRules(connection, transaction, id, rules);
            },
            update: (connection, transaction, existing) => Apply(connection, transaction, existing, new RouteChanges(
                name, definition.Connector, definition.Rules ?? [], mode, definition.DeadLetterDestination ?? string.Empty,
                definition.UnmatchedDestination ?? string.Empty, definition.Enabled)));
    }

    public Route Update(string id, RouteChanges changes)
    {
        var name = changes.Name is null ? null : Names.Validate(changes.Name, Noun);
        var mode = changes.ErrorMode is null ? null : RequireMode(changes.ErrorMode);
        return UpdateById(id, (connection, transaction, existing) => Apply(connection, transaction, existing, changes with { Name = name, ErrorMode = mode }));
    }

    private (Route, bool) Apply(SqliteConnection connection, SqliteTransaction transaction, Route existing, RouteChanges changes)
    {
        if (changes.Name is not null)
        {
            EnsureNameFree(connection, transaction, changes.Name, existing.Id);
        }

        var name = changes.Name ?? existing.Name;
        var connectorId = changes.Connector is null ? existing.ConnectorId : ResolveConnector(connection, transaction, name, changes.Connector);
        var rules = changes.Rules is null ? existing.RuleIds : ResolveRules(connection, transaction, name, changes.Rules);
        var deadLetter = changes.DeadLetterDestination is null ? existing.DeadLetterDestinationId : ResolveDestination(connection, transaction, name, changes.DeadLetterDestination);
        var unmatched = changes.UnmatchedDestination is null ? existing.UnmatchedDestinationId : ResolveDestination(connection, transaction, name, changes.UnmatchedDestination);
        var handling = ErrorHandlingJson(changes.ErrorMode ?? existing.ErrorMode, deadLetter, unmatched);
        var enabled = changes.Enabled ?? existing.Enabled;

        if (name == existing.Name && connectorId == existing.ConnectorId && handling == existing.ErrorHandling && enabled == existing.Enabled &&
            rules.Order(StringComparer.Ordinal).SequenceEqual(existing.RuleIds.Order(StringComparer.Ordinal)))
        {
            return (existing, false);
        }

        using var update = Command(connection, transaction, $"""
            UPDATE routes SET name = $name, connector_id = $connector, enabled = $enabled, error_handling = $handling,
                updated_at = {SqliteValues.NowExpression}
            WHERE id = $id
            """);
        update.Parameters.AddWithValue("$id", existing.Id);
        update.Parameters.AddWithValue("$name", name);
        update.Parameters.AddWithValue("$connector", connectorId);
        update.Parameters.AddWithValue("$enabled", enabled);
        update.Parameters.AddWithValue("$handling", handling);
        update.ExecuteNonQuery();
        ReplaceRules(connection, transaction, existing.Id, rules);
        return (FindById(connection, transaction, existing.Id)!, true);
    }

    private static string RequireMode(string mode) =>
        ErrorModes.FirstOrDefault(m => string.Equals(m, mode?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw MuxlyException.Invalid("MuxlyRouteErrorModeInvalid", $"'{mode}' is not an error mode. Use 'continue' or 'fail'.", mode);

    private static string ErrorHandlingJson(string mode, string? deadLetter, string? unmatched)
    {
        var json = new JsonObject { ["mode"] = mode };
        if (deadLetter is not null)
        {
            json["dead_letter"] = deadLetter;
        }

        if (unmatched is not null)
        {
            json["unmatched"] = unmatched;
        }

        return json.ToJson();
    }

    private static string ResolveConnector(SqliteConnection connection, SqliteTransaction transaction, string route, string connector) =>
        ResolveReference(connection, transaction, "connectors", "Connector", connector, $"The route '{route}'")
        ?? throw MuxlyException.Invalid("MuxlyConnectorNameInvalid", $"The route '{route}' needs a connector.", connector);

    /// <summary>Null for a null or empty name (no destination); otherwise the id, or NotFound.</summary>
    private static string? ResolveDestination(SqliteConnection connection, SqliteTransaction transaction, string route, string? destination) =>
        ResolveReference(connection, transaction, "destinations", "Destination", destination, $"The route '{route}'");

    private static List<string> ResolveRules(SqliteConnection connection, SqliteTransaction transaction, string route, IReadOnlyList<string> rules) =>
        ResolveReferences(connection, transaction, "routing_rules", "Rule", rules, $"The route '{route}'");

    private static void ReplaceRules(SqliteConnection connection, SqliteTransaction transaction, string routeId, IReadOnlyList<string> ruleIds) =>
        ReplaceLinks(connection, transaction, "route_rules", "route_id", routeId, "rule_id", ruleIds);

    protected override Route Map(SqliteDataReader reader)
    {
        var handling = reader.GetString(4);
        var parsed = JsonObjects.ParseObject(handling, "error_handling", "MuxlyRouteErrorHandlingInvalid");
        var rules = JsonNode.Parse(reader.GetString(8))!.AsArray().Select(pair => pair!.AsArray()).ToList();
        return new Route
        {
            Id = reader.GetString(0),
            Name = reader.GetString(1),
            ConnectorId = reader.GetString(2),
            Enabled = SqliteValues.ReadBoolean(reader, 3),
            ErrorHandling = handling,
            ErrorMode = ((string?)parsed["mode"])?.Trim().ToLowerInvariant() ?? "continue",
            DeadLetterDestinationId = (string?)parsed["dead_letter"],
            UnmatchedDestinationId = (string?)parsed["unmatched"],
            CreatedAt = SqliteValues.ReadTimestamp(reader, 5),
            UpdatedAt = SqliteValues.ReadTimestamp(reader, 6),
            Connector = reader.IsDBNull(7) ? string.Empty : reader.GetString(7),
            Rules = rules.Select(pair => (string)pair[1]!).ToList(),
            RuleIds = rules.Select(pair => (string)pair[0]!).ToList(),
            DeadLetterDestination = reader.IsDBNull(9) ? null : reader.GetString(9),
            UnmatchedDestination = reader.IsDBNull(10) ? null : reader.GetString(10),
        };
    }
}
