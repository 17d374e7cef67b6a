using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Muxly.Tests.TestSupport;

/// <summary>One row of <c>PRAGMA table_info</c>.</summary>
public sealed record ColumnInfo(string Name, string Type, bool NotNull, string? Default, int PrimaryKey);

/// <summary>One row of <c>PRAGMA foreign_key_list</c> (single-column keys, which is all Muxly has).</summary>
public sealed record ForeignKeyInfo(string From, string Table, string To, string OnDelete);

/// <summary>Reads a database's structure and contents through any open connection.</summary>
public static class SqliteInspection
{
    public static IReadOnlyList<ColumnInfo> Columns(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA table_info(\"{table}\")";
        using var reader = command.ExecuteReader();
        var columns = new List<ColumnInfo>();
        while (reader.Read())
        {
            columns.Add(new ColumnInfo(
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3) != 0,
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5)));
        }

        return columns;
    }

    public static IReadOnlyList<ForeignKeyInfo> ForeignKeys(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA foreign_key_list(\"{table}\")";
        using var reader = command.ExecuteReader();
        var keys = new List<ForeignKeyInfo>();
        while (reader.Read())
        {
            keys.Add(new ForeignKeyInfo(reader.GetString(3), reader.GetString(2), reader.GetString(4), reader.GetString(6)));
        }

        return keys.OrderBy(k => k.From, StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<string> TableNames(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Each row of a query as its values joined by '|' (NULL as nothing, numbers in the invariant culture).</summary>
    public static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i =>
                reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    public static long Count(SqliteConnection connection, string table) =>
        Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM \"{table}\""));

    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// A fingerprint of the database file and the files beside it (-wal, -shm, journals): equal fingerprints mean
    /// nothing on disk changed.
    /// </summary>
    public static string FileFingerprint(string databasePath)
    {
        var folder = Path.GetDirectoryName(databasePath)!;
        var name = Path.GetFileName(databasePath);
        var parts = Directory.EnumerateFiles(folder, name + "*")
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => $"{Path.GetFileName(p)}:{Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))}");
        return string.Join("\n", parts);
    }
}
