using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Muxly.Secrets;
using Muxly.Settings;

namespace Muxly.Storage;

/// <summary>Table <c>settings</c>: typed values for the known keys (with their defaults), free text for custom keys.</summary>
public sealed partial class SettingStore
{
    private readonly MuxlyDatabase _database;

    public SettingStore(MuxlyDatabase database)
    {
        _database = database;
    }

    /// <summary>Every stored setting, plus every known key that is not stored (showing its default).</summary>
    public IReadOnlyList<Setting> List()
    {
        var stored = _database.Read(connection => ReadAll(connection, null));
        var result = stored.ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);
        foreach (var definition in KnownSettings.All.Where(d => !result.ContainsKey(d.Key)))
        {
            result[definition.Key] = FromDefault(definition);
        }

        return result.Values.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The setting with this key (stored or default), or null for an unknown key that is not stored.</summary>
    public Setting? Find(string key)
    {
        var stored = _database.Read(connection => ReadOne(connection, null, key));
        var definition = KnownSettings.Find(key);
        return stored ?? (definition is null ? null : FromDefault(definition));
    }

    /// <summary>The effective typed value of a known key: the stored value, or the default.</summary>
    public T GetValue<T>(string key)
    {
        var definition = KnownSettings.Find(key) ?? throw new ArgumentException($"'{key}' is not a known setting.", nameof(key));
        var stored = _database.Read(connection => ReadRaw(connection, null, key));
        return (T)(stored is null ? definition.DefaultValue : definition.Convert(stored));
    }

    /// <summary>
    /// Stores a value. With <paramref name="createOnly"/> an existing key is an error (New-MuxlySetting without -Force).
    /// Known keys are converted to their type and range-checked before anything is written.
    /// </summary>
    public SaveResult<Setting> Set(string key, object? value, bool createOnly = false)
    {
        key = ValidateKey(key);
        if (value is null)
        {
            throw MuxlyException.Invalid("MuxlySettingValueInvalid", $"The setting '{key}' needs a value; use Remove-MuxlySetting to return it to its default.", key);
        }

        var definition = KnownSettings.Find(key);
        var text = definition is null
            ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty
            : Format(definition.Convert(value));
        if (definition is not null)
        {
            key = definition.Key;
        }

        return _database.Write((connection, transaction) =>
        {
            var existing = ReadRaw(connection, transaction, key);
            if (existing is not null && createOnly)
            {
                throw new MuxlyException(MuxlyErrorKind.AlreadyExists, "MuxlySettingAlreadyExists",
                    $"The setting '{key}' already exists. Use Set-MuxlySetting to change it, or -Force.", key);
            }

            // A secret read back from Get-MuxlySetting arrives as the mask: keep the stored secret rather than store asterisks.
            if (text == SecretMasker.Mask && SecretMasker.IsSecretKey(key))
            {
                if (existing is null)
                {
                    throw MuxlyException.Invalid("MuxlySettingValueMasked",
                        $"The value for the secret setting '{key}' is the mask {SecretMasker.Mask}, not a value; give the real value.", key);
                }

                return new SaveResult<Setting>(ReadOne(connection, transaction, key)!, Created: false, Changed: false);
            }

            if (existing == text)
            {
                return new SaveResult<Setting>(ReadOne(connection, transaction, key)!, Created: false, Changed: false);
            }

            // Keys are matched ignoring case everywhere, but the column's primary key is case-sensitive: update the
            // stored row rather than insert a second one that differs only in case.
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = existing is null
                ? "INSERT INTO settings (key, value, created_at, updated_at) VALUES ($key, $value, $now, $now)"
                : $"UPDATE settings SET value = $value, updated_at = {SqliteValues.NowExpression} WHERE key = $key COLLATE NOCASE";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", text);
            command.Parameters.AddWithValue("$now", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow));
            command.ExecuteNonQuery();
            return new SaveResult<Setting>(ReadOne(connection, transaction, key)!, Created: existing is null, Changed: true);
        });
    }

    /// <summary>Deletes a stored setting: a known key returns to its default.</summary>
    public void Remove(string key) => _database.Write((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM settings WHERE key = $key COLLATE NOCASE";
        command.Parameters.AddWithValue("$key", key);
        if (command.ExecuteNonQuery() == 0)
        {
            throw NotFound(key);
        }
    });

    public static MuxlyException NotFound(string key) => new(MuxlyErrorKind.NotFound, "MuxlySettingNotFound",
        KnownSettings.Find(key) is null ? $"No setting has the key '{key}'." : $"The setting '{key}' is not stored; it already has its default.", key);

    public static string ValidateKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key) || !KeyPattern().IsMatch(key.Trim()))
        {
            throw MuxlyException.Invalid("MuxlySettingKeyInvalid",
                $"'{key}' is not a valid setting key: use letters, digits, '.', '_' and '-' (up to 128), starting with a letter.", key);
        }

        return key.Trim();
    }

    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static Setting FromDefault(SettingDefinition definition) => new()
    {
        Key = definition.Key,
        Value = definition.DefaultValue,
        ValueType = definition.ValueType.Name,
        IsDefault = true,
        DefaultValue = definition.DefaultValue,
        Description = definition.Description,
    };

    private static string? ReadRaw(SqliteConnection connection, SqliteTransaction? transaction, string key)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM settings WHERE key = $key COLLATE NOCASE";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    private static Setting? ReadOne(SqliteConnection connection, SqliteTransaction? transaction, string key) =>
        Read(connection, transaction, "WHERE key = $key COLLATE NOCASE", key).FirstOrDefault();

    private static List<Setting> ReadAll(SqliteConnection connection, SqliteTransaction? transaction) =>
        Read(connection, transaction, string.Empty, null);

    private static List<Setting> Read(SqliteConnection connection, SqliteTransaction? transaction, string where, string? key)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT key, value, created_at, updated_at FROM settings {where} ORDER BY key";
        if (key is not null)
        {
            command.Parameters.AddWithValue("$key", key);
        }

        using var reader = command.ExecuteReader();
        var settings = new List<Setting>();
        while (reader.Read())
        {
            var storedKey = reader.GetString(0);
            var raw = reader.GetString(1);
            var definition = KnownSettings.Find(storedKey);
            object value = raw;
            if (definition is not null)
            {
                // A value stored by hand that no longer converts is shown as text rather than failing every Get.
                try
                {
                    value = definition.Convert(raw);
                }
                catch (MuxlyException)
                {
                    value = raw;
                }
            }

            settings.Add(new Setting
            {
                Key = storedKey,
                Value = SecretMasker.IsSecretKey(storedKey) && !SecretMasker.IsReference(raw) ? SecretMasker.Mask : value,
                ValueType = definition?.ValueType.Name ?? nameof(String),
                IsDefault = false,
                DefaultValue = definition?.DefaultValue,
                Description = definition?.Description,
                CreatedAt = SqliteValues.ReadTimestamp(reader, 2),
                UpdatedAt = SqliteValues.ReadTimestamp(reader, 3),
            });
        }

        return settings;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex KeyPattern();
}
