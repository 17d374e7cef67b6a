using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Destinations;
using Muxly.Json;
using Muxly.Secrets;

namespace Muxly.Storage;

/// <summary>What <c>New-MuxlyDestination</c> asks for.</summary>
public sealed record DestinationDefinition(string Name, string DestinationType, JsonObject Config, bool Enabled = true, string? Id = null);

/// <summary>What <c>Set-MuxlyDestination</c> changes; null leaves a value as it is.</summary>
public sealed record DestinationChanges(string? Name = null, string? DestinationType = null, JsonObject? Config = null, bool? Enabled = null);

/// <summary>Table <c>destinations</c>.</summary>
public sealed class DestinationStore : NamedEntityStore<Destination>
{
    public DestinationStore(MuxlyDatabase database)
        : base(database, "destinations", "Destination")
    {
    }

    protected override string Columns => "id, name, destination_type, config, enabled, created_at, updated_at";

    public SaveResult<Destination> Create(DestinationDefinition definition, bool force)
    {
        var name = Names.Validate(definition.Name, Noun);
        var type = DestinationTypes.Require(definition.DestinationType);
        Validate(type, definition.Config);
        return CreateOrUpdate(name, definition.Id, force,
            insert: (connection, transaction, id) =>
            {
                using var insert = Command(connection, transaction, """
                    INSERT INTO destinations (id, name, destination_type, config, enabled, created_at, updated_at)
                    VALUES ($id, $name, $type, $config, $enabled, $now, $now)
                    """);
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$name", name);
                insert.Parameters.AddWithValue("$type", type);
                insert.Parameters.AddWithValue("$config", definition.Config.ToJson());
                insert.Parameters.AddWithValue("$enabled", definition.Enabled);
                insert.Parameters.AddWithValue("$now", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow));
                insert.ExecuteNonQuery();
            },
            update: (connection, transaction, existing) =>
                Apply(connection, transaction, existing, new DestinationChanges(name, type, definition.Config, definition.Enabled)));
    }

    public Destination Update(string id, DestinationChanges changes)
    {
        var name = changes.Name is null ? null : Names.Validate(changes.Name, Noun);
        var type = changes.DestinationType is null ? null : DestinationTypes.Require(changes.DestinationType);
        return UpdateById(id, (connection, transaction, existing) => Apply(connection, transaction, existing, changes with { Name = name, DestinationType = type }));
    }

    private (Destination, bool) Apply(SqliteConnection connection, SqliteTransaction transaction, Destination existing, DestinationChanges changes)
    {
        if (changes.Name is not null)
        {
            EnsureNameFree(connection, transaction, changes.Name, existing.Id);
        }

        var name = changes.Name ?? existing.Name;
        var type = changes.DestinationType ?? existing.DestinationType;
        var enabled = changes.Enabled ?? existing.Enabled;
        var config = changes.Config is null
            ? existing.ConfigUnmasked
            : SecretMasker.KeepMaskedValues(changes.Config, SecretMasker.ParseObject(existing.ConfigUnmasked)).ToJson();
        if (changes.Config is not null || changes.DestinationType is not null)
        {
            Validate(type, SecretMasker.ParseObject(config));
        }

        if (name == existing.Name && type == existing.DestinationType && enabled == existing.Enabled && config == existing.ConfigUnmasked)
        {
            return (existing, false);
        }

        using var update = Command(connection, transaction, $"""
            UPDATE destinations SET name = $name, destination_type = $type, config = $config, enabled = $enabled,
                updated_at = {SqliteValues.NowExpression}
            WHERE id = $id
            """);
        update.Parameters.AddWithValue("$id", existing.Id);
        update.Parameters.AddWithValue("$name", name);
        update.Parameters.AddWithValue("$type", type);
        update.Parameters.AddWithValue("$config", config);
        update.Parameters.AddWithValue("$enabled", enabled);
        update.ExecuteNonQuery();
        return (FindById(connection, transaction, existing.Id)!, true);
    }

    /// <summary>A type that can deliver checks its configuration before anything is saved.</summary>
    private static void Validate(string type, JsonObject config) => DestinationRegistry.Default.Find(type)?.Validate(config);

    protected override Destination Map(SqliteDataReader reader)
    {
        var config = reader.GetString(3);
        return new Destination
        {
            Id = reader.GetString(0),
            Name = reader.GetString(1),
            DestinationType = reader.GetString(2),
            Config = SecretMasker.MaskSecretKeys(config),
            ConfigUnmasked = config,
            Enabled = SqliteValues.ReadBoolean(reader, 4),
            CreatedAt = SqliteValues.ReadTimestamp(reader, 5),
            UpdatedAt = SqliteValues.ReadTimestamp(reader, 6),
        };
    }
}
