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

    public virtual T SetEnabled(string id, bool enabled) => Database.Write((connection, transaction) =>
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // Enabling what is enabled changes nothing, not even updated_at.
        command.CommandText = $"UPDATE {Table} SET enabled = $enabled, updated_at = {SqliteValues.NowExpression} WHERE id = $id AND enabled <> $enabled";
        command.Parameters.AddWithValue("$enabled", enabled);
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
        return FindById(connection, transaction, id) ?? throw NotFound(id);
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

    /// <summary>
    /// The create path every noun's <c>New-</c> shares: a new name inserts (with the given or a generated id); an
    /// existing name is an AlreadyExists error, or with <paramref name="force"/> is updated in place, keeping its id.
    /// </summary>
    protected SaveResult<T> CreateOrUpdate(string name, string? id, bool force,
        Action<SqliteConnection, SqliteTransaction, string> insert,
        Func<SqliteConnection, SqliteTransaction, T, (T Item, bool Changed)> update)
    {
        id = id is null ? null : Names.ValidateId(id, Noun);
        return Database.Write((connection, transaction) =>
        {
            var existing = FindByName(connection, transaction, name);
            if (existing is not null)
            {
                if (!force)
                {
                    throw AlreadyExists(name);
                }

                if (id is not null && id != existing.Id)
                {
                    throw MuxlyException.Invalid($"Muxly{Noun}IdConflict",
                        $"A {Noun.ToLowerInvariant()} named '{name}' exists with id '{existing.Id}', not '{id}'.", id);
                }

                var (updated, changed) = update(connection, transaction, existing);
                return new SaveResult<T>(updated, Created: false, Changed: changed);
            }

            id ??= Names.NewId();
            if (FindById(connection, transaction, id) is not null)
            {
                throw new MuxlyException(MuxlyErrorKind.AlreadyExists, $"Muxly{Noun}AlreadyExists", $"A {Noun.ToLowerInvariant()} with id '{id}' already exists.", id);
            }

            insert(connection, transaction, id);
            return new SaveResult<T>(FindById(connection, transaction, id)!, Created: true, Changed: true);
        });
    }

    /// <summary>Loads the object with this id inside a write, applies <paramref name="update"/>, and returns the result.</summary>
    protected T UpdateById(string id, Func<SqliteConnection, SqliteTransaction, T, (T Item, bool Changed)> update) =>
        Database.Write((connection, transaction) =>
        {
            var existing = FindById(connection, transaction, id) ?? throw NotFound(id);
            return update(connection, transaction, existing).Item;
        });

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
