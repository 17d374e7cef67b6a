using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Json;
using Muxly.Router.Transformations;

namespace Muxly.Storage;

/// <summary>
/// Table <c>rule_transformations</c>: each rule's transformations, numbered 1..n in <c>sequence_order</c> without gaps.
/// A configuration is validated by its registered type before it is saved (a join must name an existing connector).
/// </summary>
public sealed class TransformationStore
{
    private const string Columns = """
        t.id, t.rule_id, r.name, t.transformation_type, t.config, t.sequence_order, t.created_at, t.updated_at
        FROM rule_transformations t JOIN routing_rules r ON r.id = t.rule_id
        """;

    private readonly MuxlyDatabase _database;
    private readonly TransformationRegistry _registry;

    public TransformationStore(MuxlyDatabase database, TransformationRegistry? registry = null)
    {
        _database = database;
        _registry = registry ?? TransformationRegistry.Default;
    }

    /// <summary>A rule's transformations in the order they apply.</summary>
    public IReadOnlyList<Transformation> ListForRule(string ruleId) => _database.Read(connection => Query(connection, null,
        $"SELECT {Columns} WHERE t.rule_id = $key ORDER BY t.sequence_order, t.created_at", ruleId));

    public Transformation? FindById(string id) => _database.Read(connection => Query(connection, null, $"SELECT {Columns} WHERE t.id = $key", id).FirstOrDefault());

    /// <summary>Adds a transformation at <paramref name="position"/> (1-based; null or past the end appends).</summary>
    public Transformation Add(string ruleId, string type, JsonObject config, int? position = null)
    {
        return _database.Write((connection, transaction) =>
        {
            var canonical = Validate(connection, transaction, type, config);
            var count = Count(connection, transaction, ruleId);
            var at = Math.Clamp(position ?? count + 1, 1, count + 1);
            Shift(connection, transaction, ruleId, from: at, by: 1);
            var id = Names.NewId();
            using var insert = Command(connection, transaction, """
                INSERT INTO rule_transformations (id, rule_id, transformation_type, config, sequence_order, created_at, updated_at)
                VALUES ($id, $rule, $type, $config, $order, $now, $now)
                """);
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$rule", ruleId);
            insert.Parameters.AddWithValue("$type", canonical);
            insert.Parameters.AddWithValue("$config", config.ToJson());
            insert.Parameters.AddWithValue("$order", at);
            insert.Parameters.AddWithValue("$now", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow));
            insert.ExecuteNonQuery();
            return Query(connection, transaction, $"SELECT {Columns} WHERE t.id = $key", id).Single();
        });
    }

    /// <summary>Changes a transformation's configuration and/or moves it to <paramref name="position"/>.</summary>
    public Transformation Update(string id, JsonObject? config, int? position)
    {
        return _database.Write((connection, transaction) =>
        {
            var existing = Query(connection, transaction, $"SELECT {Columns} WHERE t.id = $key", id).FirstOrDefault() ?? throw NotFound(id);
            if (config is not null)
            {
                Validate(connection, transaction, existing.TransformationType, config);
                using var update = Command(connection, transaction, $"UPDATE rule_transformations SET config = $config, updated_at = {SqliteValues.NowExpression} WHERE id = $id");
                update.Parameters.AddWithValue("$config", config.ToJson());
                update.Parameters.AddWithValue("$id", id);
                update.ExecuteNonQuery();
            }

            if (position is { } target)
            {
                var count = Count(connection, transaction, existing.RuleId);
                target = Math.Clamp(target, 1, count);
                if (target != existing.SequenceOrder)
                {
                    // Take it out of the sequence, close the gap, open one at the target, put it there.
                    Shift(connection, transaction, existing.RuleId, from: existing.SequenceOrder + 1, by: -1);
                    Shift(connection, transaction, existing.RuleId, from: target, by: 1, exceptId: id);
                    using var move = Command(connection, transaction, $"UPDATE rule_transformations SET sequence_order = $order, updated_at = {SqliteValues.NowExpression} WHERE id = $id");
                    move.Parameters.AddWithValue("$order", target);
                    move.Parameters.AddWithValue("$id", id);
                    move.ExecuteNonQuery();
                }
            }

            return Query(connection, transaction, $"SELECT {Columns} WHERE t.id = $key", id).Single();
        });
    }

    /// <summary>Checks transformations as <see cref="ReplaceForRule"/> would, without saving anything.</summary>
    public void Validate(IEnumerable<TransformationStep> steps) => _database.Read(connection =>
    {
        foreach (var step in steps)
        {
            Validate(connection, null, step.Type, step.Config ?? new JsonObject());
        }

        return true;
    });

    /// <summary>
    /// Makes a rule's transformations exactly <paramref name="steps"/>, in that order (what a re-runnable setup script
    /// declares). Returns false, writing nothing, when the rule already has exactly these.
    /// </summary>
    public bool ReplaceForRule(string ruleId, IReadOnlyList<TransformationStep> steps) => _database.Write((connection, transaction) =>
    {
        var wanted = steps.Select(step =>
        {
            var config = step.Config ?? new JsonObject();
            return (Type: Validate(connection, transaction, step.Type, config), Config: config.ToJson());
        }).ToList();
        var existing = Query(connection, transaction, $"SELECT {Columns} WHERE t.rule_id = $key ORDER BY t.sequence_order, t.created_at", ruleId);
        if (existing.Select(t => (Type: t.TransformationType, t.Config)).SequenceEqual(wanted))
        {
            return false;
        }

        using (var clear = Command(connection, transaction, "DELETE FROM rule_transformations WHERE rule_id = $rule"))
        {
            clear.Parameters.AddWithValue("$rule", ruleId);
            clear.ExecuteNonQuery();
        }

        var now = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow);
        for (var i = 0; i < wanted.Count; i++)
        {
            using var insert = Command(connection, transaction, """
                INSERT INTO rule_transformations (id, rule_id, transformation_type, config, sequence_order, created_at, updated_at)
                VALUES ($id, $rule, $type, $config, $order, $now, $now)
                """);
            insert.Parameters.AddWithValue("$id", Names.NewId());
            insert.Parameters.AddWithValue("$rule", ruleId);
            insert.Parameters.AddWithValue("$type", wanted[i].Type);
            insert.Parameters.AddWithValue("$config", wanted[i].Config);
            insert.Parameters.AddWithValue("$order", i + 1);
            insert.Parameters.AddWithValue("$now", now);
            insert.ExecuteNonQuery();
        }

        return true;
    });

    public void Remove(string id) => _database.Write((connection, transaction) =>
    {
        var existing = Query(connection, transaction, $"SELECT {Columns} WHERE t.id = $key", id).FirstOrDefault() ?? throw NotFound(id);
        using var delete = Command(connection, transaction, "DELETE FROM rule_transformations WHERE id = $id");
        delete.Parameters.AddWithValue("$id", id);
        delete.ExecuteNonQuery();
        Shift(connection, transaction, existing.RuleId, from: existing.SequenceOrder + 1, by: -1);
    });

    public static MuxlyException NotFound(string id) =>
        new(MuxlyErrorKind.NotFound, "MuxlyTransformationNotFound", $"No transformation has the id '{id}'.", id);

    private string Validate(SqliteConnection connection, SqliteTransaction? transaction, string type, JsonObject config) =>
        _registry.Validate(type, config, connectorExists: name =>
        {
            using var find = Command(connection, transaction, "SELECT count(*) FROM connectors WHERE id = $key OR name = $key COLLATE NOCASE");
            find.Parameters.AddWithValue("$key", name);
            return Convert.ToInt64(find.ExecuteScalar()) > 0;
        });

    private static int Count(SqliteConnection connection, SqliteTransaction transaction, string ruleId)
    {
        using var count = Command(connection, transaction, "SELECT count(*) FROM rule_transformations WHERE rule_id = $rule");
        count.Parameters.AddWithValue("$rule", ruleId);
        return Convert.ToInt32(count.ExecuteScalar());
    }

    private static void Shift(SqliteConnection connection, SqliteTransaction transaction, string ruleId, int from, int by, string? exceptId = null)
    {
        using var shift = Command(connection, transaction,
            "UPDATE rule_transformations SET sequence_order = sequence_order + $by WHERE rule_id = $rule AND sequence_order >= $from AND id <> $except");
        shift.Parameters.AddWithValue("$by", by);
        shift.Parameters.AddWithValue("$rule", ruleId);
        shift.Parameters.AddWithValue("$from", from);
        shift.Parameters.AddWithValue("$except", exceptId ?? string.Empty);
        shift.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static List<Transformation> Query(SqliteConnection connection, SqliteTransaction? transaction, string sql, string key)
    {
        using var command = Command(connection, transaction, sql);
        command.Parameters.AddWithValue("$key", key);
        using var reader = command.ExecuteReader();
        var items = new List<Transformation>();
        while (reader.Read())
        {
            items.Add(new Transformation
            {
                Id = reader.GetString(0),
                RuleId = reader.GetString(1),
                RuleName = reader.GetString(2),
                TransformationType = reader.GetString(3),
                Config = reader.GetString(4),
                SequenceOrder = reader.GetInt32(5),
                CreatedAt = SqliteValues.ReadTimestamp(reader, 6),
                UpdatedAt = SqliteValues.ReadTimestamp(reader, 7),
            });
        }

        return items;
    }
}
