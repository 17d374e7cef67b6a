using Microsoft.Data.Sqlite;

namespace Muxly.Storage;

/// <summary>
/// What every table of named objects shares: look-up by id and by name, listing, enable/disable, delete, and the
/// not-found / already-exists errors. A noun's store adds only its own columns and rules.
/// </summary>
public abstract class NamedEntityStore<T> where T : class, INamedEntity
{
    protected NamedEntityStore(MuxlyDatabase database, string table, string noun)
    {
        Database = database;
        Table = table;
        Noun = noun;
    }

    public MuxlyDatabase Database { get; }

    /// <summary>The noun as cmdlets name it (<c>Connector</c>): used in error ids such as <c>MuxlyConnectorNotFound</c>.</summary>
    public string Noun { get; }

    protected string Table { get; }

    /// <summary>The column list <see cref="Map"/> reads, in order.</summary>
    protected abstract string Columns { get; }

    protected abstract T Map(SqliteDataReader reader);

    public IReadOnlyList<T> List() => Database.Read(connection => Query(connection, null, $"SELECT {Columns} FROM {Table} ORDER BY name COLLATE NOCASE"));

    public T? FindById(string id) => Database.Read(connection => FindById(connection, null, id));

    public T? FindByName(string name) => Database.Read(connection => FindByName(connection, null, name));

    /// <summary>The object with this id or name (an id is tried first), or a NotFound error.</summary>
    public T Get(string idOrName) => Database.Read(connection =>
        FindById(connection, null, idOrName) ?? FindByName(connection, null, idOrName) ?? throw NotFound(idOrName));

    public T SetEnabled(string id, bool enabled) => Database.Write((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE {Table} SET enabled = $enabled, updated_at = {SqliteValues.NowExpression} WHERE id = $id";
        command.Parameters.AddWithValue("$enabled", enabled);
        command.Parameters.AddWithValue("$id", id);
        if (command.ExecuteNonQuery() == 0)
        {
            throw NotFound(id);
        }

        return FindById(connection, transaction, id)!;
    });

    /// <summary>Deletes the object; the schema's ON DELETE CASCADE removes what depends on it.</summary>
    public void Delete(string id) => Database.Write((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"DELETE FROM {Table} WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        if (command.ExecuteNonQuery() == 0)
        {
            throw NotFound(id);
        }
    });

    public MuxlyException NotFound(string idOrName) => new(MuxlyErrorKind.NotFound, $"Muxly{Noun}NotFound",
        $"No {Noun.ToLowerInvariant()} has the name or id '{idOrName}'.", idOrName);

    public MuxlyException AlreadyExists(string name) => new(MuxlyErrorKind.AlreadyExists, $"Muxly{Noun}AlreadyExists",
        $"A {Noun.ToLowerInvariant()} named '{name}' already exists. Use Set-Muxly{Noun} to change it, or -Force to update it in place.", name);

    protected T? FindById(SqliteConnection connection, SqliteTransaction? transaction, string id) =>
        QuerySingle(connection, transaction, $"SELECT {Columns} FROM {Table} WHERE id = $key", id);

    protected T? FindByName(SqliteConnection connection, SqliteTransaction? transaction, string name) =>
        QuerySingle(connection, transaction, $"SELECT {Columns} FROM {Table} WHERE name = $key COLLATE NOCASE", name.Trim());

    /// <summary>Throws AlreadyExists when another object (not <paramref name="exceptId"/>) has this name.</summary>
    protected void EnsureNameFree(SqliteConnection connection, SqliteTransaction transaction, string name, string? exceptId)
    {
        var existing = FindByName(connection, transaction, name);
        if (existing is not null && existing.Id != exceptId)
        {
            throw AlreadyExists(name);
        }
    }

    protected static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private T? QuerySingle(SqliteConnection connection, SqliteTransaction? transaction, string sql, string key)
    {
        using var command = Command(connection, transaction, sql);
        command.Parameters.AddWithValue("$key", key);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Map(reader) : null;
    }

    private List<T> Query(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        using var reader = command.ExecuteReader();
        var items = new List<T>();
        while (reader.Read())
        {
            items.Add(Map(reader));
        }

        return items;
    }
}
