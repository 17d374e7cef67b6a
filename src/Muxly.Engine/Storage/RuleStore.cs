using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Json;
using Muxly.Router.Conditions;

namespace Muxly.Storage;

/// <summary>What <c>New-MuxlyRule</c> asks for.</summary>
public sealed record RuleDefinition(
    string Name,
    string? Condition,
    int Priority = 100,
    IReadOnlyList<string>? Destinations = null,
    bool StopAfterMatch = false,
    bool Enabled = true,
    string? Id = null);

/// <summary>What <c>Set-MuxlyRule</c> changes; null leaves a value as it is. <see cref="Destinations"/> replaces the list.</summary>
public sealed record RuleChanges(
    string? Name = null,
    string? Condition = null,
    int? Priority = null,
    IReadOnlyList<string>? Destinations = null,
    bool? StopAfterMatch = null,
    bool? Enabled = null);

/// <summary>
/// Table <c>routing_rules</c> with its destinations (<c>rule_destinations</c>). The seed's <c>condition</c> JSON holds
/// <c>{"expression": "...", "stop_after_match": false}</c>; the expression is compiled before anything is saved, so a
/// condition that does not parse never reaches the database.
/// </summary>
public sealed class RuleStore : NamedEntityStore<Rule>
{
    public RuleStore(MuxlyDatabase database)
        : base(database, "routing_rules", "Rule")
    {
    }

    protected override string Columns => """
        id, name, priority, enabled, condition, created_at, updated_at,
        (SELECT json_group_array(json_array(d.id, d.name)) FROM
            (SELECT d.id, d.name FROM rule_destinations rd JOIN destinations d ON d.id = rd.destination_id
             WHERE rd.rule_id = routing_rules.id ORDER BY d.name COLLATE NOCASE) d),
        (SELECT count(*) FROM rule_transformations t WHERE t.rule_id = routing_rules.id)
        """;

    public SaveResult<Rule> Create(RuleDefinition definition, bool force)
    {
        var name = Names.Validate(definition.Name, Noun);
        var condition = CompileCondition(definition.Condition);
        return CreateOrUpdate(name, definition.Id, force,
            insert: (connection, transaction, id) =>
            {
                var destinations = ResolveDestinations(connection, transaction, name, definition.Destinations ?? []);
                using var insert = Command(connection, transaction, """
                    INSERT INTO routing_rules (id, name, priority, enabled, condition, created_at, updated_at)
                    VALUES ($id, $name, $priority, $enabled, $condition, $now, $now)
                    """);
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$name", name);
                insert.Parameters.AddWithValue("$priority", definition.Priority);
                insert.Parameters.AddWithValue("$enabled", definition.Enabled);
                insert.Parameters.AddWithValue("$condition", ConditionJson(condition, definition.StopAfterMatch));
                insert.Parameters.AddWithValue("$now", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow));
                insert.ExecuteNonQuery();
                ReplaceDestinations(connection, transaction, id, destinations);
            },
            update: (connection, transaction, existing) => Apply(connection, transaction, existing, new RuleChanges(
                name, definition.Condition ?? string.Empty, definition.Priority, definition.Destinations ?? [], definition.StopAfterMatch, definition.Enabled)));
    }

    public Rule Update(string id, RuleChanges changes)
    {
        var name = changes.Name is null ? null : Names.Validate(changes.Name, Noun);
        if (changes.Condition is not null)
        {
            CompileCondition(changes.Condition);
        }

        return UpdateById(id, (connection, transaction, existing) => Apply(connection, transaction, existing, changes with { Name = name }));
    }

    /// <summary>Rules in evaluation order: priority, then creation.</summary>
    public IReadOnlyList<Rule> InEvaluationOrder(IEnumerable<Rule> rules) =>
        rules.OrderBy(r => r.Priority).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();

    private (Rule, bool) Apply(SqliteConnection connection, SqliteTransaction transaction, Rule existing, RuleChanges changes)
    {
        if (changes.Name is not null)
        {
            EnsureNameFree(connection, transaction, changes.Name, existing.Id);
        }

        var name = changes.Name ?? existing.Name;
        var condition = changes.Condition is null ? existing.Condition : CompileCondition(changes.Condition);
        var stop = changes.StopAfterMatch ?? existing.StopAfterMatch;
        var priority = changes.Priority ?? existing.Priority;
        var enabled = changes.Enabled ?? existing.Enabled;
        var destinations = changes.Destinations is null
            ? existing.DestinationIds
            : ResolveDestinations(connection, transaction, name, changes.Destinations);

        if (name == existing.Name && condition == existing.Condition && stop == existing.StopAfterMatch && priority == existing.Priority &&
            enabled == existing.Enabled && destinations.Order(StringComparer.Ordinal).SequenceEqual(existing.DestinationIds.Order(StringComparer.Ordinal)))
        {
            return (existing, false);
        }

        using var update = Command(connection, transaction, $"""
            UPDATE routing_rules SET name = $name, priority = $priority, enabled = $enabled, condition = $condition,
                updated_at = {SqliteValues.NowExpression}
            WHERE id = $id
            """);
        update.Parameters.AddWithValue("$id", existing.Id);
        update.Parameters.AddWithValue("$name", name);
        update.Parameters.AddWithValue("$priority", priority);
        update.Parameters.AddWithValue("$enabled", enabled);
        update.Parameters.AddWithValue("$condition", ConditionJson(condition, stop));
        update.ExecuteNonQuery();
        ReplaceDestinations(connection, transaction, existing.Id, destinations);
        return (FindById(connection, transaction, existing.Id)!, true);
    }

    /// <summary>Compiles the condition to prove it parses (throwing the parser's positioned error), and returns it trimmed.</summary>
    private static string CompileCondition(string? condition)
    {
        var text = condition?.Trim() ?? string.Empty;
        ConditionCompiler.Compile(text);
        return text;
    }

    private static string ConditionJson(string condition, bool stopAfterMatch) =>
        new JsonObject { ["expression"] = condition, ["stop_after_match"] = stopAfterMatch }.ToJson();

    private static List<string> ResolveDestinations(SqliteConnection connection, SqliteTransaction transaction, string rule, IReadOnlyList<string> names) =>
        ResolveReferences(connection, transaction, "destinations", "Destination", names, $"The rule '{rule}'");

    private static void ReplaceDestinations(SqliteConnection connection, SqliteTransaction transaction, string ruleId, IReadOnlyList<string> destinationIds) =>
        ReplaceLinks(connection, transaction, "rule_destinations", "rule_id", ruleId, "destination_id", destinationIds);

    protected override Rule Map(SqliteDataReader reader)
    {
        var (expression, stop) = ParseCondition(reader.IsDBNull(4) ? null : reader.GetString(4));
        var destinations = JsonNode.Parse(reader.GetString(7))!.AsArray().Select(pair => pair!.AsArray()).ToList();
        return new Rule
        {
            Id = reader.GetString(0),
            Name = reader.GetString(1),
            Priority = reader.GetInt32(2),
            Enabled = SqliteValues.ReadBoolean(reader, 3),
            Condition = expression,
            StopAfterMatch = stop,
            CreatedAt = SqliteValues.ReadTimestamp(reader, 5),
            UpdatedAt = SqliteValues.ReadTimestamp(reader, 6),
            Destinations = destinations.Select(pair => (string)pair[1]!).ToList(),
            DestinationIds = destinations.Select(pair => (string)pair[0]!).ToList(),
            TransformationCount = reader.GetInt32(8),
        };
    }

    /// <summary>Reads the condition column: our JSON object, or (written by hand) a bare JSON string or plain text.</summary>
    private static (string Expression, bool Stop) ParseCondition(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return (string.Empty, false);
        }

        try
        {
            return JsonNode.Parse(stored) switch
            {
                JsonObject obj => ((string?)obj["expression"] ?? string.Empty, obj["stop_after_match"]?.GetValueKind() == JsonValueKind.True),
                JsonValue value when value.TryGetValue<string>(out var text) => (text, false),
                _ => (stored, false),
            };
        }
        catch (JsonException)
        {
            return (stored, false);
        }
    }
}
