using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Json;
using Muxly.Settings;

namespace Muxly.Storage;

/// <summary>
/// How an execution is to be started. Overlap policy <c>forbid</c>: if the job has a running execution, a
/// <c>skipped</c> row is recorded instead; <c>replace</c>: the running ones are asked to stop, then this one starts;
/// <c>allow</c>: it starts regardless. With <paramref name="QueuedExecutionId"/>, the execution already recorded as
/// <c>queued</c> (a webhook call answered with its id before the run began) becomes this start, instead of a new row.
/// </summary>
public sealed record ExecutionStart(
    string JobId,
    string TriggeredBy,
    int Attempt = 1,
    DateTimeOffset? ScheduledFor = null,
    string? OwnerInstanceId = null,
    string? Parameters = null,
    string? Payload = null,
    string OverlapPolicy = "allow",
    string? QueuedExecutionId = null);

/// <summary>The outcome of <see cref="ExecutionStore.Start"/>: the new running row, or the skipped row that was recorded instead.</summary>
public sealed record ExecutionStartResult(JobExecution Execution, bool Started, IReadOnlyList<string> ReplacedExecutionIds);

/// <summary>What <c>Get-MuxlyJobExecution</c> filters on. Results come newest first.</summary>
public sealed record ExecutionQuery(
    string? JobId = null,
    IReadOnlyList<string>? Statuses = null,
    DateTimeOffset? Since = null,
    int? Last = null,
    string? TriggeredBy = null);

/// <summary>
/// Table <c>job_executions</c> with <c>job_execution_details</c>, and the occurrence claims of
/// <c>scheduler_occurrence_claims</c>. Each transition (start, heartbeat, cancel request, finish, abandon, prune batch)
/// is its own short <c>BEGIN IMMEDIATE</c> transaction, so several processes can share the history safely.
/// </summary>
public sealed class ExecutionStore
{
    public const int DefaultPruneBatchSize = 500;

    private const string Columns = """
        e.id, e.job_id, j.name, e.start_time, e.end_time, e.status, e.result, e.attempt, e.triggered_by,
        d.scheduled_for, d.error, d.cancel_requested_at, d.owner_instance_id, d.heartbeat_at, d.parameters
        """;

    private const string From = """
        FROM job_executions e
        JOIN scheduler_jobs j ON j.id = e.job_id
        LEFT JOIN job_execution_details d ON d.execution_id = e.id
        """;

    public ExecutionStore(MuxlyDatabase database)
    {
        Database = database;
    }

    public MuxlyDatabase Database { get; }

    /// <summary>
    /// Starts an execution as <c>running</c>, applying the overlap policy in the same transaction that checks for
    /// running executions, so two processes starting the same job at once cannot both get past <c>forbid</c>.
    /// </summary>
    public ExecutionStartResult Start(ExecutionStart start)
    {
        var trigger = ExecutionTriggers.Require(start.TriggeredBy);
        if (start.Attempt < 1)
        {
            throw MuxlyException.Invalid("MuxlyExecutionAttemptInvalid", $"An attempt number starts at 1 (got {start.Attempt}).", start.Attempt);
        }

        return Database.Write((connection, transaction) =>
        {
            if (start.QueuedExecutionId is { } queuedId)
            {
                RequireQueued(connection, transaction, queuedId, start.JobId);
            }

            var running = RunningIds(connection, transaction, start.JobId);
            if (running.Count > 0 && start.OverlapPolicy == "forbid")
            {
                var reason = $"The job was still running (execution {running[0]}) and its overlap policy is 'forbid'.";
                var skippedId = start.QueuedExecutionId is { } queued
                    ? Promote(connection, transaction, queued, start, ExecutionStatuses.Skipped, SkippedResult(reason, running[0]), reason)
                    : Insert(connection, transaction, start with { TriggeredBy = trigger }, ExecutionStatuses.Skipped, SkippedResult(reason, running[0]), reason);
                return new ExecutionStartResult(Find(connection, transaction, skippedId)!, Started: false, []);
            }

            if (running.Count > 0 && start.OverlapPolicy == "replace")
            {
                foreach (var id in running)
                {
                    RequestCancel(connection, transaction, id, "Replaced by a new run of the job (overlap policy 'replace').");
                }
            }
            else
            {
                running = [];
            }

            var executionId = start.QueuedExecutionId is { } promoted
                ? Promote(connection, transaction, promoted, start, ExecutionStatuses.Running, null, null)
                : Insert(connection, transaction, start with { TriggeredBy = trigger }, ExecutionStatuses.Running, null, null);
            return new ExecutionStartResult(Find(connection, transaction, executionId)!, Started: true, running);
        });
    }

    /// <summary>
    /// Records an execution as <c>queued</c>: it exists (its id can be handed out) before anything runs. A runner later
    /// starts it by passing its id as <see cref="ExecutionStart.QueuedExecutionId"/>; one that never starts is
    /// finished (<see cref="Finish"/>) with the reason.
    /// </summary>
    public JobExecution Enqueue(ExecutionStart start) => Database.Write((connection, transaction) =>
        Find(connection, transaction, InsertQueued(connection, transaction, start))!);

    /// <summary>Inserts a queued execution inside the caller's transaction.</summary>
    internal static string InsertQueued(SqliteConnection connection, SqliteTransaction transaction, ExecutionStart start)
    {
        using var inserter = new ExecutionInserter(connection, transaction);
        return inserter.InsertQueued(start);
    }

    /// <summary>
    /// Ends a running execution with a final status. An execution another process marked abandoned (its owner looked
    /// dead) still takes the real outcome; one already finished is left as it is. Returns the row as stored.
    /// </summary>
    public JobExecution Finish(string executionId, string status, string? result, string? error = null)
    {
        status = ExecutionStatuses.Require(status);
        if (status is ExecutionStatuses.Running or ExecutionStatuses.Queued)
        {
            throw MuxlyException.Invalid("MuxlyExecutionStatusInvalid", $"'{status}' is not a final status.", status);
        }

        return Database.Write((connection, transaction) =>
        {
            var now = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow);
            using var update = Command(connection, transaction, """
                UPDATE job_executions SET status = $status, end_time = $now, result = $result, updated_at = $now
                WHERE id = $id AND status IN ('running', 'queued', 'abandoned')
                """);
            update.Parameters.AddWithValue("$id", executionId);
            update.Parameters.AddWithValue("$status", status);
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$result", (object?)result ?? DBNull.Value);
            if (update.ExecuteNonQuery() == 1)
            {
                using var details = Command(connection, transaction, "UPDATE job_execution_details SET error = $error, heartbeat_at = $now WHERE execution_id = $id");
                details.Parameters.AddWithValue("$id", executionId);
                details.Parameters.AddWithValue("$error", (object?)Truncate(error) ?? DBNull.Value);
                details.Parameters.AddWithValue("$now", now);
                details.ExecuteNonQuery();
            }

            return Find(connection, transaction, executionId) ?? throw NotFound(executionId);
        });
    }

    /// <summary>The owner says it is still running the execution.</summary>
    public void Heartbeat(string executionId, string? instanceId) => Database.Write((connection, transaction) =>
    {
        using var update = Command(connection, transaction, $"""
            UPDATE job_execution_details SET heartbeat_at = {SqliteValues.NowExpression}, owner_instance_id = COALESCE($owner, owner_instance_id)
            WHERE execution_id = $id
            """);
        update.Parameters.AddWithValue("$id", executionId);
        update.Parameters.AddWithValue("$owner", (object?)instanceId ?? DBNull.Value);
        update.ExecuteNonQuery();
    });

    /// <summary>
    /// Asks a running execution to stop, from any process: its owner polls the flag and cancels it cooperatively.
    /// Returns false when the execution has already finished (nothing to stop).
    /// </summary>
    public bool RequestCancel(string executionId, string? reason = null) => Database.Write((connection, transaction) =>
    {
        var execution = Find(connection, transaction, executionId) ?? throw NotFound(executionId);
        return execution.Status == ExecutionStatuses.Running &&
            RequestCancel(connection, transaction, executionId, string.IsNullOrWhiteSpace(reason) ? "Stop requested." : reason.Trim());
    });

    /// <summary>True once a stop was requested for the execution (a cheap read the runner makes every poll).</summary>
    public bool IsCancelRequested(string executionId) => Database.Read(connection =>
    {
        using var command = Command(connection, null, "SELECT cancel_requested_at IS NOT NULL FROM job_execution_details WHERE execution_id = $id");
        command.Parameters.AddWithValue("$id", executionId);
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L) == 1;
    });

    /// <summary>Why a stop was requested, if it was.</summary>
    public string? CancelReason(string executionId) => Database.Read(connection =>
    {
        using var command = Command(connection, null, "SELECT cancel_reason FROM job_execution_details WHERE execution_id = $id");
        command.Parameters.AddWithValue("$id", executionId);
        return command.ExecuteScalar() as string;
    });

    /// <summary>Records an occurrence (or a start) that did not run, with why.</summary>
    public JobExecution RecordSkipped(string jobId, string triggeredBy, DateTimeOffset? scheduledFor, string reason, string? ownerInstanceId = null, int attempt = 1)
    {
        var trigger = ExecutionTriggers.Require(triggeredBy);
        return Database.Write((connection, transaction) =>
        {
            var id = Insert(connection, transaction, new ExecutionStart(jobId, trigger, attempt, scheduledFor, ownerInstanceId), ExecutionStatuses.Skipped, SkippedResult(reason, null), reason);
            return Find(connection, transaction, id)!;
        });
    }

    /// <summary>
    /// Marks as <c>abandoned</c> every running execution (of one job, or all) whose process is gone: its owner instance
    /// is not registered, has stopped, or has sent no heartbeat for <paramref name="staleAfter"/>; and the execution
    /// itself has had no heartbeat for as long (a process that still heartbeats its execution is alive). Returns the
    /// executions marked, so that a scheduler can retry them per their job's policy.
    /// </summary>
    public IReadOnlyList<JobExecution> MarkAbandoned(TimeSpan staleAfter, string? jobId = null) => Database.Write((connection, transaction) =>
    {
        var threshold = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow - staleAfter);
        var ids = new List<string>();
        using (var find = Command(connection, transaction, """
            SELECT e.id FROM job_executions e
            LEFT JOIN job_execution_details d ON d.execution_id = e.id
            LEFT JOIN scheduler_instances i ON i.id = d.owner_instance_id
            WHERE e.status = 'running' AND ($job IS NULL OR e.job_id = $job)
              AND (i.id IS NULL OR i.stopped_at IS NOT NULL OR i.heartbeat_at < $threshold)
              AND COALESCE(d.heartbeat_at, e.start_time) < $threshold
            """))
        {
            find.Parameters.AddWithValue("$job", (object?)jobId ?? DBNull.Value);
            find.Parameters.AddWithValue("$threshold", threshold);
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }

        var now = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow);
        foreach (var id in ids)
        {
            var error = $"The process running this execution stopped sending heartbeats (none for {staleAfter.TotalSeconds:0} s); it is taken to have died.";
            using var update = Command(connection, transaction, """
                UPDATE job_executions SET status = 'abandoned', end_time = $now, updated_at = $now, result = $result WHERE id = $id AND status = 'running';
                UPDATE job_execution_details SET error = $error WHERE execution_id = $id;
                """);
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$error", error);
            update.Parameters.AddWithValue("$result", new JsonObject { ["status"] = ExecutionStatuses.Abandoned, ["error"] = error }.ToJson());
            update.ExecuteNonQuery();
        }

        return ids.Select(id => Find(connection, transaction, id)!).ToList();
    });

    /// <summary>The staleness threshold from the <c>scheduler.abandoned_after_seconds</c> setting.</summary>
    public TimeSpan AbandonedAfter() =>
        TimeSpan.FromSeconds(new SettingStore(Database).GetValue<int>("scheduler.abandoned_after_seconds"));

    /// <summary>
    /// Claims a due occurrence of a job for <paramref name="instanceId"/>: an insert keyed on (job, occurrence) inside
    /// <c>BEGIN IMMEDIATE</c>, which succeeds for exactly one caller however many schedulers try. Only the caller that
    /// gets true may run (or skip) the occurrence.
    /// </summary>
    public bool TryClaimOccurrence(string jobId, DateTimeOffset scheduledFor, string? instanceId) => Database.Write((connection, transaction) =>
    {
        using var insert = Command(connection, transaction, $"""
            INSERT INTO scheduler_occurrence_claims (job_id, scheduled_for, instance_id, claimed_at)
            VALUES ($job, $at, $instance, {SqliteValues.NowExpression})
            ON CONFLICT (job_id, scheduled_for) DO NOTHING
            """);
        insert.Parameters.AddWithValue("$job", jobId);
        insert.Parameters.AddWithValue("$at", SqliteValues.FormatTimestamp(scheduledFor));
        insert.Parameters.AddWithValue("$instance", (object?)instanceId ?? DBNull.Value);
        return insert.ExecuteNonQuery() == 1;
    });

    // Claims without an execution whose claiming instance is gone: through the partial index of migration 0007, so a
    // heartbeat reads only the claims not yet started, not the day of claims kept.
    internal const string OrphanedClaimsSql = """
        SELECT c.job_id, c.scheduled_for, c.instance_id FROM scheduler_occurrence_claims c
        LEFT JOIN scheduler_instances i ON i.id = c.instance_id
        WHERE c.execution_id IS NULL AND c.instance_id IS NOT $me
          AND (i.id IS NULL OR i.stopped_at IS NOT NULL OR i.heartbeat_at < $stale)
        ORDER BY c.scheduled_for
        """;

    /// <summary>
    /// Takes over occurrences that were claimed but never started because the claiming scheduler died or stopped
    /// first (no execution, and the claiming instance stopped, silent for longer than <paramref name="staleAfter"/>, or
    /// unknown). Each is re-claimed for <paramref name="instanceId"/> by a conditional update, so of several schedulers
    /// recovering at once exactly one gets it. Returns the (job, occurrence) pairs this instance now owns.
    /// </summary>
    public IReadOnlyList<(string JobId, DateTimeOffset ScheduledFor)> ReclaimOrphanedClaims(string instanceId, TimeSpan staleAfter) => Database.Write((connection, transaction) =>
    {
        var orphans = new List<(string, string)>();
        using (var find = Command(connection, transaction, OrphanedClaimsSql))
        {
            find.Parameters.AddWithValue("$me", instanceId);
            find.Parameters.AddWithValue("$stale", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow - staleAfter));
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                orphans.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var taken = new List<(string JobId, DateTimeOffset ScheduledFor)>();
        foreach (var (jobId, scheduledFor) in orphans)
        {
            using var take = Command(connection, transaction, $"""
                UPDATE scheduler_occurrence_claims SET instance_id = $me, claimed_at = {SqliteValues.NowExpression}
                WHERE job_id = $job AND scheduled_for = $at AND execution_id IS NULL
                """);
            take.Parameters.AddWithValue("$me", instanceId);
            take.Parameters.AddWithValue("$job", jobId);
            take.Parameters.AddWithValue("$at", scheduledFor);
            if (take.ExecuteNonQuery() == 1)
            {
                taken.Add((jobId, SqliteValues.ParseTimestamp(scheduledFor)));
            }
        }

        return taken;
    });

    /// <summary>Deletes occurrence claims made longer ago than <paramref name="olderThan"/> (the job cursors are past them).</summary>
    public int PruneClaims(TimeSpan olderThan) => Database.Write((connection, transaction) =>
    {
        using var delete = Command(connection, transaction, "DELETE FROM scheduler_occurrence_claims WHERE claimed_at < $before");
        delete.Parameters.AddWithValue("$before", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow - olderThan));
        return delete.ExecuteNonQuery();
    });

    public JobExecution? FindById(string id) => Database.Read(connection => Find(connection, null, id));

    public JobExecution Get(string id) => FindById(id) ?? throw NotFound(id);

    /// <summary>Executions matching every given filter, newest first.</summary>
    public IReadOnlyList<JobExecution> Query(ExecutionQuery query)
    {
        if (query.Last is < 0)
        {
            throw MuxlyException.Invalid("MuxlyExecutionLastInvalid", $"-Last must be 0 or more (got {query.Last}).", query.Last);
        }

        var statuses = query.Statuses?.Select(ExecutionStatuses.Require).Distinct().ToList();
        var trigger = query.TriggeredBy is null ? null : ExecutionTriggers.Require(query.TriggeredBy);
        return Database.Read(connection =>
        {
            using var command = Command(connection, null, $"""
                SELECT {Columns} {From}
                WHERE ($job IS NULL OR e.job_id = $job)
                  AND ($statuses IS NULL OR e.status IN (SELECT value FROM json_each($statuses)))
                  AND ($since IS NULL OR e.start_time >= $since)
                  AND ($trigger IS NULL OR e.triggered_by = $trigger)
                ORDER BY e.start_time DESC, e.rowid DESC
                LIMIT $limit
                """);
            command.Parameters.AddWithValue("$job", (object?)query.JobId ?? DBNull.Value);
            command.Parameters.AddWithValue("$statuses", statuses is null ? DBNull.Value : new JsonArray(statuses.Select(s => (JsonNode)s).ToArray()).ToJson());
            command.Parameters.AddWithValue("$since", query.Since is { } since ? SqliteValues.FormatTimestamp(since) : DBNull.Value);
            command.Parameters.AddWithValue("$trigger", (object?)trigger ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", query.Last ?? -1);
            return ReadAll(command);
        });
    }

    /// <summary>The job's executions that are running now.</summary>
    public IReadOnlyList<JobExecution> Running(string jobId) => Query(new ExecutionQuery(jobId, [ExecutionStatuses.Running]));

    /// <summary>The webhook payload an execution was started with (kept so that retries see it too).</summary>
    public string? ReadPayload(string executionId) => Database.Read(connection =>
    {
        using var command = Command(connection, null, "SELECT payload FROM job_execution_details WHERE execution_id = $id");
        command.Parameters.AddWithValue("$id", executionId);
        return command.ExecuteScalar() as string;
    });

    /// <summary>
    /// Takes over the queued webhook executions that no live process will run: those owned by a scheduler instance that
    /// stopped (it left them queued when its grace period ran out) or whose heartbeat is older than
    /// <paramref name="staleAfter"/>. They become <paramref name="instanceId"/>'s, in one transaction, so two schedulers
    /// starting together never both take one; returns each one's id, job and payload, oldest first.
    /// </summary>
    public IReadOnlyList<(string ExecutionId, string JobId, string? Payload)> ClaimOrphanedQueued(string instanceId, TimeSpan staleAfter) =>
        Database.Write((connection, transaction) =>
        {
            var claimed = new List<(string, string, string?)>();
            using (var find = Command(connection, transaction, """
                SELECT e.id, e.job_id, d.payload FROM job_executions e
                JOIN job_execution_details d ON d.execution_id = e.id
                LEFT JOIN scheduler_instances i ON i.id = d.owner_instance_id
                WHERE e.status = 'queued' AND e.triggered_by = 'webhook' AND d.owner_instance_id IS NOT NULL AND d.owner_instance_id <> $me
                  AND (i.id IS NULL OR i.stopped_at IS NOT NULL OR i.heartbeat_at < $threshold)
                ORDER BY e.created_at, e.id
                """))
            {
                find.Parameters.AddWithValue("$me", instanceId);
                find.Parameters.AddWithValue("$threshold", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow - staleAfter));
                using var reader = find.ExecuteReader();
                while (reader.Read())
                {
                    claimed.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
                }
            }

            using var own = Command(connection, transaction, "UPDATE job_execution_details SET owner_instance_id = $me WHERE execution_id = $id");
            own.Parameters.AddWithValue("$me", instanceId);
            var id = own.Parameters.Add("$id", SqliteType.Text);
            foreach (var (executionId, _, _) in claimed)
            {
                id.Value = executionId;
                own.ExecuteNonQuery();
            }

            return (IReadOnlyList<(string, string, string?)>)claimed;
        });

    /// <summary>
    /// Keeps the newest <paramref name="keepPerJob"/> executions of each job (or of one job) and deletes the older ones,
    /// <paramref name="batchSize"/> rows per transaction so that other processes are never held up for long. Running
    /// executions are never deleted. Null keeps <c>executions.retention_per_job</c>. Returns how many were deleted.
    /// </summary>
    public int Prune(int? keepPerJob = null, string? jobId = null, int batchSize = DefaultPruneBatchSize)
    {
        var keep = keepPerJob ?? new SettingStore(Database).GetValue<int>("executions.retention_per_job");
        if (keep < 0)
        {
            throw MuxlyException.Invalid("MuxlyExecutionRetentionInvalid", $"The number of executions to keep cannot be negative (got {keep}).", keep);
        }

        if (batchSize < 1)
        {
            throw MuxlyException.Invalid("MuxlyExecutionPruneBatchInvalid", $"The prune batch size must be at least 1 (got {batchSize}).", batchSize);
        }

        var jobs = Database.Read(connection =>
        {
            using var command = Command(connection, null, """
                SELECT job_id FROM job_executions WHERE ($job IS NULL OR job_id = $job) GROUP BY job_id HAVING count(*) > $keep
                """);
            command.Parameters.AddWithValue("$job", (object?)jobId ?? DBNull.Value);
            command.Parameters.AddWithValue("$keep", keep);
            using var reader = command.ExecuteReader();
            var ids = new List<string>();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        });

        var deleted = 0;
        foreach (var job in jobs)
        {
            int batch;
            do
            {
                batch = Database.Write((connection, transaction) =>
                {
                    using var delete = Command(connection, transaction, """
                        DELETE FROM job_executions WHERE id IN (
                            SELECT id FROM (
                                SELECT id, status FROM job_executions WHERE job_id = $job
                                ORDER BY start_time DESC, rowid DESC LIMIT -1 OFFSET $keep)
                            WHERE status NOT IN ('running', 'queued')
                            LIMIT $batch)
                        """);
                    delete.Parameters.AddWithValue("$job", job);
                    delete.Parameters.AddWithValue("$keep", keep);
                    delete.Parameters.AddWithValue("$batch", batchSize);
                    return delete.ExecuteNonQuery();
                });
                deleted += batch;
            }
            while (batch == batchSize);
        }

        return deleted;
    }

    public static MuxlyException NotFound(string id) => new(MuxlyErrorKind.NotFound, "MuxlyJobExecutionNotFound",
        $"No job execution has the id '{id}'.", id);

    private static List<string> RunningIds(SqliteConnection connection, SqliteTransaction transaction, string jobId)
    {
        // '+job_id' keeps SQLite off the (job_id, start_time) index, which walks every execution the job ever had (tens of
        // thousands after a burst of webhook calls, milliseconds per run, inside the write transaction): the status
        // index finds the few running ones directly.
        using var command = Command(connection, transaction, "SELECT id FROM job_executions WHERE +job_id = $job AND status = 'running' ORDER BY start_time");
        command.Parameters.AddWithValue("$job", jobId);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static bool RequestCancel(SqliteConnection connection, SqliteTransaction transaction, string executionId, string reason)
    {
        using var update = Command(connection, transaction, $"""
            UPDATE job_execution_details SET cancel_requested_at = COALESCE(cancel_requested_at, {SqliteValues.NowExpression}),
                cancel_reason = COALESCE(cancel_reason, $reason)
            WHERE execution_id = $id
            """);
        update.Parameters.AddWithValue("$id", executionId);
        update.Parameters.AddWithValue("$reason", reason);
        return update.ExecuteNonQuery() == 1;
    }

    private static string Insert(SqliteConnection connection, SqliteTransaction transaction, ExecutionStart start, string status, string? result, string? error)
    {
        using var inserter = new ExecutionInserter(connection, transaction);
        return inserter.Insert(start, status, result, error);
    }

    /// <summary>
    /// Inserts executions inside the caller's transaction, preparing its statements once for all of them and checking
    /// each job once: the webhook group commit records hundreds of queued executions per transaction.
    /// </summary>
    internal sealed class ExecutionInserter : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private readonly SqliteCommand _job;
        private readonly SqliteCommand _insert;
        private readonly HashSet<string> _jobsSeen = new(StringComparer.Ordinal);

        public ExecutionInserter(SqliteConnection connection, SqliteTransaction transaction)
        {
            _connection = connection;
            _transaction = transaction;
            _job = Command(connection, transaction, "SELECT 1 FROM scheduler_jobs WHERE id = $job");
            _insert = Command(connection, transaction, """
                INSERT INTO job_executions (id, job_id, start_time, end_time, status, result, attempt, triggered_by, created_at, updated_at)
                VALUES ($id, $job, $now, $end, $status, $result, $attempt, $trigger, $now, $now);
                INSERT INTO job_execution_details (execution_id, scheduled_for, owner_instance_id, heartbeat_at, parameters, payload, error)
                VALUES ($id, $scheduled, $owner, $now, $parameters, $payload, $error);
                """);
        }

        /// <summary>A queued execution (a call answered with its id before anything runs); returns its id.</summary>
        public string InsertQueued(ExecutionStart start) =>
            Insert(start with { TriggeredBy = ExecutionTriggers.Require(start.TriggeredBy), QueuedExecutionId = null }, ExecutionStatuses.Queued, null, null);

        public string Insert(ExecutionStart start, string status, string? result, string? error)
        {
            if (!_jobsSeen.Contains(start.JobId))
            {
                _job.Parameters.Clear();
                _job.Parameters.AddWithValue("$job", start.JobId);
                if (_job.ExecuteScalar() is null)
                {
                    throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyJobNotFound", $"No job has the id '{start.JobId}'.", start.JobId);
                }

                _jobsSeen.Add(start.JobId);
            }

            var id = Names.NewId();
            var now = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow);
            var finished = status is not (ExecutionStatuses.Running or ExecutionStatuses.Queued);
            var insert = _insert.Parameters;
            insert.Clear();
            insert.AddWithValue("$id", id);
            insert.AddWithValue("$job", start.JobId);
            insert.AddWithValue("$now", now);
            insert.AddWithValue("$end", finished ? now : DBNull.Value);
            insert.AddWithValue("$status", status);
            insert.AddWithValue("$result", (object?)result ?? DBNull.Value);
            insert.AddWithValue("$attempt", start.Attempt);
            insert.AddWithValue("$trigger", start.TriggeredBy);
            insert.AddWithValue("$scheduled", start.ScheduledFor is { } at ? SqliteValues.FormatTimestamp(at) : DBNull.Value);
            insert.AddWithValue("$owner", (object?)start.OwnerInstanceId ?? DBNull.Value);
            insert.AddWithValue("$parameters", (object?)start.Parameters ?? DBNull.Value);
            // A skipped start will never run: its payload need not be kept.
            insert.AddWithValue("$payload", finished ? DBNull.Value : (object?)start.Payload ?? DBNull.Value);
            insert.AddWithValue("$error", (object?)Truncate(error) ?? DBNull.Value);
            _insert.ExecuteNonQuery();

            if (start.ScheduledFor is { } scheduledFor)
            {
                using var claim = Command(_connection, _transaction, """
                    UPDATE scheduler_occurrence_claims SET execution_id = $id WHERE job_id = $job AND scheduled_for = $at AND execution_id IS NULL
                    """);
                claim.Parameters.AddWithValue("$id", id);
                claim.Parameters.AddWithValue("$job", start.JobId);
                claim.Parameters.AddWithValue("$at", SqliteValues.FormatTimestamp(scheduledFor));
                claim.ExecuteNonQuery();
            }

            return id;
        }

        public void Dispose()
        {
            _job.Dispose();
            _insert.Dispose();
        }
    }

    private static void RequireQueued(SqliteConnection connection, SqliteTransaction transaction, string executionId, string jobId)
    {
        using var find = Command(connection, transaction, "SELECT status FROM job_executions WHERE id = $id AND job_id = $job");
        find.Parameters.AddWithValue("$id", executionId);
        find.Parameters.AddWithValue("$job", jobId);
        var status = find.ExecuteScalar() as string ?? throw NotFound(executionId);
        if (status != ExecutionStatuses.Queued)
        {
            throw new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyExecutionNotQueued",
                $"The execution '{executionId}' is {status}, not queued: it cannot be started.", executionId);
        }
    }

    /// <summary>Turns a queued execution into the started (or skipped) one: it starts now, owned by the runner.</summary>
    private static string Promote(SqliteConnection connection, SqliteTransaction transaction, string executionId, ExecutionStart start, string status, string? result, string? error)
    {
        var now = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow);
        var finished = status != ExecutionStatuses.Running;
        using var update = Command(connection, transaction, """
            UPDATE job_executions SET status = $status, start_time = $now, end_time = $end, result = $result, attempt = $attempt, updated_at = $now
            WHERE id = $id;
            UPDATE job_execution_details SET owner_instance_id = COALESCE($owner, owner_instance_id), heartbeat_at = $now,
                parameters = COALESCE($parameters, parameters), payload = CASE WHEN $finished THEN NULL ELSE COALESCE($payload, payload) END,
                error = $error
            WHERE execution_id = $id;
            """);
        update.Parameters.AddWithValue("$id", executionId);
        update.Parameters.AddWithValue("$status", status);
        update.Parameters.AddWithValue("$now", now);
        update.Parameters.AddWithValue("$end", finished ? now : DBNull.Value);
        update.Parameters.AddWithValue("$result", (object?)result ?? DBNull.Value);
        update.Parameters.AddWithValue("$attempt", start.Attempt);
        update.Parameters.AddWithValue("$owner", (object?)start.OwnerInstanceId ?? DBNull.Value);
        update.Parameters.AddWithValue("$parameters", (object?)start.Parameters ?? DBNull.Value);
        update.Parameters.AddWithValue("$payload", (object?)start.Payload ?? DBNull.Value);
        update.Parameters.AddWithValue("$finished", finished);
        update.Parameters.AddWithValue("$error", (object?)Truncate(error) ?? DBNull.Value);
        update.ExecuteNonQuery();
        return executionId;
    }

    private static string SkippedResult(string reason, string? runningExecutionId)
    {
        var result = new JsonObject { ["status"] = ExecutionStatuses.Skipped, ["reason"] = reason };
        if (runningExecutionId is not null)
        {
            result["running_execution"] = runningExecutionId;
        }

        return result.ToJson();
    }

    private static string? Truncate(string? error) => error is null ? null : error.Length <= 2000 ? error : error[..2000] + "…";

    private static JobExecution? Find(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var command = Command(connection, transaction, $"SELECT {Columns} {From} WHERE e.id = $id");
        command.Parameters.AddWithValue("$id", id);
        return ReadAll(command).FirstOrDefault();
    }

    private static List<JobExecution> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var list = new List<JobExecution>();
        while (reader.Read())
        {
            list.Add(new JobExecution
            {
                Id = reader.GetString(0),
                JobId = reader.GetString(1),
                JobName = reader.GetString(2),
                StartTime = SqliteValues.ReadTimestamp(reader, 3),
                EndTime = SqliteValues.ReadNullableTimestamp(reader, 4),
                Status = reader.GetString(5),
                Result = reader.IsDBNull(6) ? null : reader.GetString(6),
                Attempt = reader.GetInt32(7),
                TriggeredBy = reader.GetString(8),
                ScheduledFor = SqliteValues.ReadNullableTimestamp(reader, 9),
                Error = reader.IsDBNull(10) ? null : reader.GetString(10),
                CancelRequested = !reader.IsDBNull(11),
                OwnerInstanceId = reader.IsDBNull(12) ? null : reader.GetString(12),
                HeartbeatAt = SqliteValues.ReadNullableTimestamp(reader, 13),
                Parameters = reader.IsDBNull(14) ? null : reader.GetString(14),
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
