using Microsoft.Data.Sqlite;

namespace Muxly.Storage;

/// <summary>
/// Table <c>scheduler_instances</c>: the processes that run executions, with their heartbeats. Every write is one short
/// <c>BEGIN IMMEDIATE</c> transaction.
/// </summary>
public sealed class SchedulerInstanceStore
{
    public const string SchedulerKind = "scheduler";
    public const string RunnerKind = "runner";

    private const string Columns = "id, kind, host, pid, started_at, heartbeat_at, stopped_at";

    public SchedulerInstanceStore(MuxlyDatabase database)
    {
        Database = database;
    }

    public MuxlyDatabase Database { get; }

    /// <summary>Records this process as a running instance of <paramref name="kind"/>; returns it with its new id.</summary>
    public SchedulerInstance Register(string kind = SchedulerKind, string? id = null)
    {
        if (kind is not (SchedulerKind or RunnerKind))
        {
            throw MuxlyException.Invalid("MuxlySchedulerInstanceKindInvalid", $"'{kind}' is not an instance kind. Use '{SchedulerKind}' or '{RunnerKind}'.", kind);
        }

        id = id is null ? Names.NewId() : Names.ValidateId(id, "SchedulerInstance");
        return Database.Write((connection, transaction) =>
        {
            var now = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow);
            using var insert = Command(connection, transaction, """
                INSERT INTO scheduler_instances (id, kind, host, pid, started_at, heartbeat_at) VALUES ($id, $kind, $host, $pid, $now, $now)
                """);
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$kind", kind);
            insert.Parameters.AddWithValue("$host", Environment.MachineName);
            insert.Parameters.AddWithValue("$pid", Environment.ProcessId);
            insert.Parameters.AddWithValue("$now", now);
            insert.ExecuteNonQuery();
            return Find(connection, transaction, id)!;
        });
    }

    /// <summary>Says the instance is alive. False when it is unknown or already stopped (it should stop too).</summary>
    public bool Heartbeat(string id) => Database.Write((connection, transaction) =>
    {
        using var update = Command(connection, transaction, $"UPDATE scheduler_instances SET heartbeat_at = {SqliteValues.NowExpression} WHERE id = $id AND stopped_at IS NULL");
        update.Parameters.AddWithValue("$id", id);
        return update.ExecuteNonQuery() == 1;
    });

    /// <summary>Records a clean stop. Stopping twice changes nothing.</summary>
    public void Stop(string id) => Database.Write((connection, transaction) =>
    {
        using var update = Command(connection, transaction, $"UPDATE scheduler_instances SET stopped_at = {SqliteValues.NowExpression} WHERE id = $id AND stopped_at IS NULL");
        update.Parameters.AddWithValue("$id", id);
        update.ExecuteNonQuery();
    });

    public SchedulerInstance? FindById(string id) => Database.Read(connection => Find(connection, null, id));

    /// <summary>Running instances (or all), newest first.</summary>
    public IReadOnlyList<SchedulerInstance> List(bool includeStopped = false, string? kind = null) => Database.Read(connection =>
    {
        using var command = Command(connection, null, $"""
            SELECT {Columns} FROM scheduler_instances
            WHERE ($all OR stopped_at IS NULL) AND ($kind IS NULL OR kind = $kind)
            ORDER BY started_at DESC, rowid DESC
            """);
        command.Parameters.AddWithValue("$all", includeStopped);
        command.Parameters.AddWithValue("$kind", (object?)kind ?? DBNull.Value);
        return ReadAll(command);
    });

    /// <summary>
    /// Deletes instances that stopped, or went silent, longer than <paramref name="olderThan"/> ago. Executions they owned
    /// keep their rows (their owner becomes unknown).
    /// </summary>
    public int Prune(TimeSpan olderThan) => Database.Write((connection, transaction) =>
    {
        using var delete = Command(connection, transaction, """
            DELETE FROM scheduler_instances WHERE COALESCE(stopped_at, heartbeat_at) < $before
            AND NOT EXISTS (SELECT 1 FROM job_execution_details d JOIN job_executions e ON e.id = d.execution_id
                            WHERE d.owner_instance_id = scheduler_instances.id AND e.status = 'running')
            """);
        delete.Parameters.AddWithValue("$before", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow - olderThan));
        return delete.ExecuteNonQuery();
    });

    private static SchedulerInstance? Find(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var command = Command(connection, transaction, $"SELECT {Columns} FROM scheduler_instances WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return ReadAll(command).FirstOrDefault();
    }

    private static List<SchedulerInstance> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var list = new List<SchedulerInstance>();
        while (reader.Read())
        {
            list.Add(new SchedulerInstance
            {
                Id = reader.GetString(0),
                Kind = reader.GetString(1),
                Host = reader.GetString(2),
                ProcessId = reader.GetInt32(3),
                StartedAt = SqliteValues.ReadTimestamp(reader, 4),
                HeartbeatAt = SqliteValues.ReadTimestamp(reader, 5),
                StoppedAt = SqliteValues.ReadNullableTimestamp(reader, 6),
            });
        }

        return list;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
