using System.Text.Json;
using System.Text.Json.Nodes;
using Muxly.Router.Records;

namespace Muxly.Destinations.Databases;

/// <summary>One column the destination fills, and the record field it is filled from.</summary>
public sealed record DatabaseColumn(string Name, FieldPath Field);

/// <summary>
/// A <c>database</c> destination's config, checked. The same parse serves Validate (when saved) and Open (per run).
/// Keys: <c>provider</c> (required: sqlite; postgresql is refused as not supported yet), <c>path</c> (required, the
/// SQLite file; dynamic values expanded per run; relative to the current folder), <c>table</c> (required),
/// <c>create_table</c> (default true), <c>columns</c> (object of column name to record field path; without it the
/// columns are the table's, or the first record's top-level fields when the table is created), <c>upsert_key</c>
/// (a column name or an array of them), <c>batch_size</c> (1-100000; default 1000). Any other key is refused.
/// </summary>
public sealed class DatabaseDestinationOptions
{
    internal static readonly string[] Keys = ["provider", "path", "table", "create_table", "columns", "upsert_key", "batch_size"];

    public const int DefaultBatchSize = 1000;
    public const int LargestBatchSize = 100_000;

    private DatabaseDestinationOptions()
    {
    }

    /// <summary>The database file as configured (dynamic values not yet expanded).</summary>
    public string Path { get; private init; } = "";

    public string Table { get; private init; } = "";

    public bool CreateTable { get; private init; } = true;

    /// <summary>The configured mapping in its order, or null to take the columns from the table or the first record.</summary>
    public IReadOnlyList<DatabaseColumn>? Columns { get; private init; }

    /// <summary>The columns that identify a row for an upsert; empty for plain inserts.</summary>
    public IReadOnlyList<string> UpsertKey { get; private init; } = [];

    public int BatchSize { get; private init; } = DefaultBatchSize;

    public static DatabaseDestinationOptions Parse(JsonObject? config)
    {
        var reader = new DestinationConfigReader(config, "database", Keys);
        var provider = reader.Choice("provider", null, "sqlite", "postgresql");
        if (provider == "postgresql")
        {
            throw reader.Invalid("provider",
                "'provider' postgresql is not supported yet in this version of Muxly: only 'sqlite' can be written to.");
        }

        var path = reader.RequiredString("path");
        if (path.EndsWith('/') || path.EndsWith('\\'))
        {
            throw reader.Invalid("path", $"'path' must name the SQLite database file, not a folder: '{path}'.");
        }

        var table = SqlIdentifier.Check(reader.RequiredString("table"), "table", reader);
        var columns = ReadColumns(reader);
        var upsertKey = ReadUpsertKey(reader);
        if (columns is not null)
        {
            foreach (var key in upsertKey)
            {
                if (!columns.Any(c => string.Equals(c.Name, key, StringComparison.OrdinalIgnoreCase)))
                {
                    throw reader.Invalid("upsert_key",
                        $"'upsert_key' names the column '{key}', which is not among the mapped columns ({string.Join(", ", columns.Select(c => c.Name))}).");
                }
            }
        }

        return new DatabaseDestinationOptions
        {
            Path = path,
            Table = table,
            CreateTable = reader.OptionalBoolean("create_table", true),
            Columns = columns,
            UpsertKey = upsertKey,
            BatchSize = (int)(reader.OptionalInteger("batch_size", 1, LargestBatchSize) ?? DefaultBatchSize),
        };
    }

    /// <summary>
    /// The checks that need the file system, made when the destination is saved: a path without dynamic values must
    /// not be a folder, and its folder must exist (the run creates the database file, not folders).
    /// </summary>
    internal void CheckPathNow()
    {
        if (Path.Contains("${", StringComparison.Ordinal))
        {
            return; // known only when a run expands it
        }

        var full = System.IO.Path.GetFullPath(Path);
        if (Directory.Exists(full))
        {
            throw DestinationConfigReader.Invalid("database", "path", $"'path' is a folder, not a database file: '{full}'.");
        }

        var folder = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw DestinationConfigReader.Invalid("database", "path",
                $"The folder of 'path' does not exist: '{folder}'. Create it first; the destination creates the database file, not folders.");
        }
    }

    /// <summary>The database file for one run: the path with the run's dynamic values, made absolute.</summary>
    internal string ResolvePath(Router.Runs.RunContext context) => System.IO.Path.GetFullPath(DynamicValues.Expand(Path, context));

    private static List<DatabaseColumn>? ReadColumns(DestinationConfigReader reader)
    {
        var mapping = reader.OptionalObject("columns");
        if (mapping is null)
        {
            return null;
        }

        if (mapping.Count == 0)
        {
            throw reader.Invalid("columns", "'columns' cannot be empty: map at least one column to a record field, or leave 'columns' out.");
        }

        var columns = new List<DatabaseColumn>(mapping.Count);
        foreach (var (name, value) in mapping)
        {
            var key = $"columns.{name}";
            SqlIdentifier.Check(name, key, reader);
            if (columns.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw reader.Invalid(key, $"The column '{name}' is mapped twice (SQLite column names are case-insensitive).");
            }

            if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
            {
                throw reader.Invalid(key, $"The column '{name}' must map to a record field path as a string, such as \"customer.country\".");
            }

            FieldPath field;
            try
            {
                field = FieldPath.Parse(text.GetValue<string>());
            }
            catch (MuxlyException ex)
            {
                throw reader.Invalid(key, $"The column '{name}' maps to a field path that is not valid: {ex.Message}");
            }

            columns.Add(new DatabaseColumn(name, field));
        }

        return columns;
    }

    private static List<string> ReadUpsertKey(DestinationConfigReader reader)
    {
        var names = reader.OptionalStringList("upsert_key");
        if (names is null)
        {
            return [];
        }

        var keys = new List<string>(names.Count);
        foreach (var name in names)
        {
            SqlIdentifier.Check(name, "upsert_key", reader);
            if (keys.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw reader.Invalid("upsert_key", $"'upsert_key' names the column '{name}' twice.");
            }

            keys.Add(name);
        }

        return keys.Count > 0 ? keys : throw reader.Invalid("upsert_key", "'upsert_key' cannot be empty: name the key column(s), or leave it out.");
    }
}
