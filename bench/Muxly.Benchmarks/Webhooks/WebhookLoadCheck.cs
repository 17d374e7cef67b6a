using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Muxly.Benchmarks.Webhooks;

/// <summary>
/// After a load run, what the database holds for the webhook executions: how many there are by status, how many
/// message ids were recorded with an execution, and the two ways a call could have gone wrong: an execution linked
/// from two message ids (a duplicate) or an execution no message id links to (one that no accepted call asked for).
/// Read with plain SQL, not through the engine, so it checks the engine rather than repeating it.
/// </summary>
public static class WebhookLoadCheck
{
    public static int Run(string databasePath, TextWriter output)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var byStatus = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using (var command = Command(connection, "SELECT status, count(*) FROM job_executions WHERE triggered_by = 'webhook' GROUP BY status"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                byStatus[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var result = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["executions"] = byStatus.Values.Sum(),
            ["by_status"] = byStatus,
            ["deliveries_with_execution"] = Scalar(connection, "SELECT count(*) FROM webhook_deliveries WHERE execution_id IS NOT NULL"),
            ["executions_linked_twice"] = Scalar(connection, "SELECT count(*) FROM (SELECT execution_id FROM webhook_deliveries WHERE execution_id IS NOT NULL GROUP BY execution_id HAVING count(*) > 1)"),
            // NOT IN over an uncorrelated list: SQLite builds it once as a temporary index. A correlated NOT EXISTS on
            // webhook_deliveries.execution_id (which has no index) scanned the whole table once per execution, and
            // took a minute of CPU for 40,000 calls while the drain it was checking needed that CPU.
            ["executions_without_delivery"] = Scalar(connection, """
                SELECT count(*) FROM job_executions WHERE triggered_by = 'webhook'
                AND id NOT IN (SELECT execution_id FROM webhook_deliveries WHERE execution_id IS NOT NULL)
                """),
            ["retries"] = Scalar(connection, "SELECT count(*) FROM job_executions WHERE triggered_by = 'retry'"),
        };
        output.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
