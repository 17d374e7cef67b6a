using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Connectors;
using Muxly.Json;
using Muxly.Secrets;

namespace Muxly.Storage;

/// <summary>What <c>New-MuxlyConnector</c> asks for.</summary>
public sealed record ConnectorDefinition(
    string Name,
    string ConnectorType,
    JsonObject ConnectionSettings,
    JsonObject AuthSettings,
    bool Enabled = true,
    string? Id = null);

/// <summary>What <c>Set-MuxlyConnector</c> changes; null leaves a value as it is.</summary>
public sealed record ConnectorChanges(
    string? Name = null,
    string? ConnectorType = null,
    JsonObject? ConnectionSettings = null,
    JsonObject? AuthSettings = null,
    bool? Enabled = null);

/// <summary>The outcome of a create: the connector, and whether it was new or an existing one updated by -Force.</summary>
public sealed record SaveResult<T>(T Item, bool Created, bool Changed);

/// <summary>Table <c>connectors</c>.</summary>
public sealed class ConnectorStore : NamedEntityStore<Connector>
{
    public ConnectorStore(MuxlyDatabase database)
        : base(database, "connectors", "Connector")
    {
    }

    protected override string Columns => "id, name, connector_type, enabled, auth_settings, connection_settings, created_at, updated_at";

    /// <summary>
    /// Creates a connector. With <paramref name="force"/> an existing connector of that name is updated in place
    /// (same id), so a setup script can run again; without it, an existing name is an error.
    /// </summary>
    public SaveResult<Connector> Create(ConnectorDefinition definition, bool force)
    {
        var name = Names.Validate(definition.Name, Noun);
        var type = ConnectorTypes.Require(definition.ConnectorType);
        if (definition.Id is not null)
        {
            Names.ValidateId(definition.Id, Noun);
        }

        Validate(type, definition.ConnectionSettings, definition.AuthSettings);
        return CreateOrUpdate(name, definition.Id, force,
            insert: (connection, transaction, id) =>
            {
                using var insert = Command(connection, transaction, """
                    INSERT INTO connectors (id, name, connector_type, enabled, auth_settings, connection_settings, created_at, updated_at)
                    VALUES ($id, $name, $type, $enabled, $auth, $connection, $now, $now)
                    """);
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$name", name);
                insert.Parameters.AddWithValue("$type", type);
                insert.Parameters.AddWithValue("$enabled", definition.Enabled);
                insert.Parameters.AddWithValue("$auth", definition.AuthSettings.ToJson());
                insert.Parameters.AddWithValue("$connection", definition.ConnectionSettings.ToJson());
                insert.Parameters.AddWithValue("$now", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow));
                insert.ExecuteNonQuery();
            },
            update: (connection, transaction, existing) => Apply(connection, transaction, existing,
                new ConnectorChanges(name, type, definition.ConnectionSettings, definition.AuthSettings, definition.Enabled)));
    }

    /// <summary>Applies <paramref name="changes"/> to the connector with this id. Masked values keep what is stored.</summary>
    public Connector Update(string id, ConnectorChanges changes)
    {
        var name = changes.Name is null ? null : Names.Validate(changes.Name, Noun);
        var type = changes.ConnectorType is null ? null : ConnectorTypes.Require(changes.ConnectorType);
        return UpdateById(id, (connection, transaction, existing) => Apply(connection, transaction, existing, changes with { Name = name, ConnectorType = type }));
    }

    /// <summary>A type that can read records also checks its settings before anything is saved.</summary>
    private static void Validate(string type, JsonObject connection, JsonObject auth) =>
        ConnectorRegistry.Default.Find(type)?.Validate(connection, auth);

    private (Connector Connector, bool Changed) Apply(SqliteConnection connection, SqliteTransaction transaction, Connector existing, ConnectorChanges changes)
    {
        if (changes.Name is not null)
        {
            EnsureNameFree(connection, transaction, changes.Name, existing.Id);
        }

        var name = changes.Name ?? existing.Name;
        var type = changes.ConnectorType ?? existing.ConnectorType;
        var enabled = changes.Enabled ?? existing.Enabled;
        var auth = changes.AuthSettings is null
            ? existing.AuthSettingsUnmasked
            : SecretMasker.KeepMaskedValues(changes.AuthSettings, SecretMasker.ParseObject(existing.AuthSettingsUnmasked)).ToJson();
        var settings = changes.ConnectionSettings is null
            ? existing.ConnectionSettingsUnmasked
            : SecretMasker.KeepMaskedValues(changes.ConnectionSettings, SecretMasker.ParseObject(existing.ConnectionSettingsUnmasked)).ToJson();

        if (changes.ConnectionSettings is not null || changes.AuthSettings is not null || changes.ConnectorType is not null)
        {
            Validate(type, SecretMasker.ParseObject(settings), SecretMasker.ParseObject(auth));
        }

        // Saving what is already stored changes nothing, not even updated_at: re-running a setup script is a no-op.
        if (name == existing.Name && type == existing.ConnectorType && enabled == existing.Enabled &&
            auth == existing.AuthSettingsUnmasked && settings == existing.ConnectionSettingsUnmasked)
        {
            return (existing, false);
        }

        using var update = Command(connection, transaction, $"""
            UPDATE connectors SET name = $name, connector_type = $type, enabled = $enabled, auth_settings = $auth,
                connection_settings = $connection, updated_at = {SqliteValues.NowExpression}
            WHERE id = $id
            """);
        update.Parameters.AddWithValue("$id", existing.Id);
        update.Parameters.AddWithValue("$name", name);
        update.Parameters.AddWithValue("$type", type);
        update.Parameters.AddWithValue("$enabled", enabled);
        update.Parameters.AddWithValue("$auth", auth);
        update.Parameters.AddWithValue("$connection", settings);
        update.ExecuteNonQuery();
        return (FindById(connection, transaction, existing.Id)!, true);
    }

    protected override Connector Map(SqliteDataReader reader)
    {
        var auth = reader.GetString(4);
        var connection = reader.GetString(5);
        return new Connector
        {
            Id = reader.GetString(0),
            Name = reader.GetString(1),
            ConnectorType = reader.GetString(2),
            Enabled = SqliteValues.ReadBoolean(reader, 3),
            AuthSettings = SecretMasker.MaskAuth(auth),
            ConnectionSettings = SecretMasker.MaskSecretKeys(connection),
            AuthSettingsUnmasked = auth,
            ConnectionSettingsUnmasked = connection,
            CreatedAt = SqliteValues.ReadTimestamp(reader, 6),
            UpdatedAt = SqliteValues.ReadTimestamp(reader, 7),
        };
    }
}
