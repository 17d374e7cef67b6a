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

    /// <summary>
    /// What <see cref="Columns"/> are read from: the table, or the table (under its own name) with what a noun joins
    /// to it, at most one row each.
    /// </summary>
    protected virtual string From => Table;

    protected abstract T Map(SqliteDataReader reader);

    public IReadOnlyList<T> List() => Database.Read(connection => Query(connection, null, ListSql));

    /// <summary>
    /// Every object in name order, read as the caller takes them (<see cref="MuxlyDatabase.ReadEach{T}(string, Func{SqliteDataReader, T})"/>): what
    /// Get- without a name writes to the pipeline. Enumerate it to the end or dispose it; that closes the connection.
    /// </summary>
    public virtual IEnumerable<T> Each() => Database.ReadEach(ListSql, Map);

    protected string ListSql => $"SELECT {Columns} FROM {From} {ListOrder}";

    /// <summary>The order of every listing: by name, case-insensitive.</summary>
    protected string ListOrder => $"ORDER BY {Table}.name COLLATE NOCASE";

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
        QuerySingle(connection, transaction, $"SELECT {Columns} FROM {From} WHERE {Table}.id = $key", id);

    protected T? FindByName(SqliteConnection connection, SqliteTransaction? transaction, string name) =>
        QuerySingle(connection, transaction, $"SELECT {Columns} FROM {From} WHERE {Table}.name = $key COLLATE NOCASE", name.Trim());

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

    /// <summary>
    /// The id of the row of <paramref name="table"/> whose id or name (case-insensitive) is <paramref name="key"/>,
    /// or a NotFound error that says which object referred to it. Null or empty keys resolve to null.
    /// </summary>
    protected static string? ResolveReference(SqliteConnection connection, SqliteTransaction transaction, string table, string noun, string? key, string referrer)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }

        using var find = Command(connection, transaction, $"SELECT id FROM {table} WHERE id = $key OR name = $key COLLATE NOCASE LIMIT 1");
        find.Parameters.AddWithValue("$key", key.Trim());
        return find.ExecuteScalar() as string ?? throw new MuxlyException(MuxlyErrorKind.NotFound, $"Muxly{noun}NotFound",
            $"{referrer} names the {noun.ToLowerInvariant()} '{key}', which does not exist.", key);
    }

    /// <summary>Resolves several references, keeping the first of any duplicates.</summary>
    protected static List<string> ResolveReferences(SqliteConnection connection, SqliteTransaction transaction, string table, string noun, IEnumerable<string> keys, string referrer)
    {
        var ids = new List<string>();
        foreach (var key in keys)
        {
            var id = ResolveReference(connection, transaction, table, noun, key, referrer)
                ?? throw MuxlyException.Invalid($"Muxly{noun}NameInvalid", $"{referrer} has an empty {noun.ToLowerInvariant()} name.", key);
            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    /// <summary>Makes the rows of a link table for one owner exactly <paramref name="targetIds"/>.</summary>
    protected static void ReplaceLinks(SqliteConnection connection, SqliteTransaction transaction, string linkTable, string ownerColumn, string ownerId, string targetColumn, IEnumerable<string> targetIds)
    {
        using (var clear = Command(connection, transaction, $"DELETE FROM {linkTable} WHERE {ownerColumn} = $owner"))
        {
            clear.Parameters.AddWithValue("$owner", ownerId);
            clear.ExecuteNonQuery();
        }

        foreach (var targetId in targetIds)
        {
            using var link = Command(connection, transaction, $"INSERT INTO {linkTable} ({ownerColumn}, {targetColumn}) VALUES ($owner, $target)");
            link.Parameters.AddWithValue("$owner", ownerId);
            link.Parameters.AddWithValue("$target", targetId);
            link.ExecuteNonQuery();
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
