using Microsoft.Data.Sqlite;

namespace Muxly.Storage;

/// <summary>
/// The database's configuration version (migration 0005): a number that every insert, update or delete on a
/// configuration table moves, by whatever connection or process, and that runs, executions, deliveries, claims and
/// heartbeats leave alone. What is read from configuration may be kept for as long as it does not change. Since
/// migration 0006 each such write also sets a random stamp: a copy of the file restored from a backup and then edited
/// as often as the original reaches the same version, but not the same stamp.
/// </summary>
public static class ConfigVersion
{
    /// <summary>The query that reads it (one row, one number).</summary>
    public const string Query = "SELECT version FROM config_version WHERE id = 1";

    /// <summary>The configuration version as committed now, read on <paramref name="connection"/>.</summary>
    public static long Read(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Query;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>The version and the stamp of the last configuration write, read on <paramref name="connection"/>.</summary>
    public static (long Version, long Stamp) ReadStamped(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, stamp FROM config_version WHERE id = 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : (-1, 0);
    }
}
