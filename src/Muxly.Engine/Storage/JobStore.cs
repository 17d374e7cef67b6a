using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Muxly.Json;
using Muxly.Scheduler;

namespace Muxly.Storage;

/// <summary>
/// What <c>New-MuxlyJob</c> asks for. The connector, and the route or destination named in
/// <paramref name="ActionParameters"/>, are given by name or id. With no <paramref name="JobType"/>, a job with a
/// schedule is a <c>cron</c> job and one without is <c>manual</c>. Action parameters: <c>route</c> takes
/// <c>{"route": name-or-id, "parameters": {...}}</c>, <c>export</c> takes <c>{"destination": name-or-id}</c>, <c>fetch</c>
/// takes <c>{}</c>.
/// </summary>
public sealed record JobDefinition(
    string Name,
    string Connector,
    string Action,
    JsonObject? ActionParameters = null,
    string? JobType = null,
    string? Schedule = null,
    string? TimeZone = null,
    int MaxRetries = 3,
    string BackoffStrategy = "exponential",
    int TimeoutSeconds = 300,
    string OverlapPolicy = "forbid",
    string MissedRunPolicy = "run-once",
    int CatchUpLimit = 10,
    bool Enabled = true,
    string? Id = null);

/// <summary>
/// What <c>Set-MuxlyJob</c> changes; null leaves a value as it is. An empty <see cref="Schedule"/> clears it (for a job
/// becoming manual or webhook), an empty <see cref="TimeZone"/> returns to the default zone. Changing the job type away
/// from <c>cron</c> clears the schedule.
/// </summary>
public sealed record JobChanges(
    string? Name = null,
    string? JobType = null,
    string? Schedule = null,
    string? TimeZone = null,
    string? Connector = null,
    string? Action = null,
    JsonObject? ActionParameters = null,
    int? MaxRetries = null,
    string? BackoffStrategy = null,
    int? TimeoutSeconds = null,
    string? OverlapPolicy = null,
    string? MissedRunPolicy = null,
    int? CatchUpLimit = null,
    bool? Enabled = null);

/// <summary>
/// Table <c>scheduler_jobs</c> with <c>scheduler_job_options</c> (time zone and policies) and
/// <c>scheduler_job_cursors</c> (where the schedule stands). Everything is validated before anything is written; saving
/// what is stored changes nothing; a new schedule, zone or type, or enabling the job, moves the cursor to now so that an
/// edit never fires occurrences from the past.
/// </summary>
public sealed class JobStore : NamedEntityStore<Job>
{
    public static readonly string[] JobTypes = ["cron", "webhook", "manual"];
    public static readonly string[] Actions = ["route", "export", "fetch"];
    public static readonly string[] BackoffStrategies = ["exponential", "linear", "fixed", "none"];
    public static readonly string[] OverlapPolicies = ["forbid", "allow", "replace"];
    public static readonly string[] MissedRunPolicies = ["run-once", "skip", "catch-up"];

    public const int MaxRetriesLimit = 100;
    public const int TimeoutSecondsLimit = 7 * 24 * 3600;
    public const int CatchUpLimitMax = 1000;

    // Listing jobs computes each one's next run: many jobs share a schedule, which is parsed once.
    private static readonly CronScheduleCache ParsedSchedules = new();

    // The last full listing's jobs, for the next listing of the same file while its configuration stands. One file at
    // a time: a process that lists several files alternately reads each in full.
    private static KeptListing? s_lastListing;

    public JobStore(MuxlyDatabase database)
        : base(database, "scheduler_jobs", "Job")
    {
    }

    // Options and cursor are joined (one row per job at most: job_id is their key); the newest execution is found
    // through the (job_id, start_time) index and joined by rowid. Every column is read as itself, nothing as JSON.
    protected override string Columns => """
        scheduler_jobs.id, scheduler_jobs.name, job_type, schedule, connector_id, action_type, action_params, enabled,
        max_retries, backoff_strategy, timeout_seconds, scheduler_jobs.created_at, scheduler_jobs.updated_at,
        (SELECT name FROM connectors c WHERE c.id = scheduler_jobs.connector_id),
        o.time_zone, o.overlap_policy, o.missed_run_policy, o.catch_up_limit,
        k.last_scheduled_for,
        last.start_time, last.status,
        CASE WHEN action_type IN ('route', 'export') AND json_valid(action_params) THEN COALESCE(
            (SELECT name FROM routes r WHERE scheduler_jobs.action_type = 'route' AND r.id = json_extract(action_params, '$.route')),
            (SELECT name FROM destinations d WHERE scheduler_jobs.action_type = 'export' AND d.id = json_extract(action_params, '$.destination')))
        END,
        CASE WHEN o.time_zone IS NULL THEN (SELECT value FROM settings s WHERE s.key = 'scheduler.time_zone' COLLATE NOCASE) END
        """;

    // Where each job's schedule stands and how it last ran: the cursor, and the newest execution other than a skipped one.
    private const string StateJoins = """
        LEFT JOIN scheduler_job_cursors k ON k.job_id = scheduler_jobs.id
        LEFT JOIN job_executions last ON last.rowid = (SELECT e.rowid FROM job_executions e
            WHERE e.job_id = scheduler_jobs.id AND e.status <> 'skipped' ORDER BY e.start_time DESC, e.rowid DESC LIMIT 1)
        """;

    protected override string From => $"""
        scheduler_jobs
        LEFT JOIN scheduler_job_options o ON o.job_id = scheduler_jobs.id
        {StateJoins}
        """;

    // What a listing reads again when it reuses the configuration: the id (to check the order) and the state, in the
    // listing's order.
    private string StateListSql => $"SELECT scheduler_jobs.id, k.last_scheduled_for, last.start_time, last.status FROM scheduler_jobs {StateJoins} {ListOrder}";

    // Jobs and Schedules are null after a first listing: only its configuration version and stamp are kept then.
    private sealed record KeptListing(string Path, long Version, long Stamp, List<Job>? Jobs, List<CronSchedule?>? Schedules);

    public SaveResult<Job> Create(JobDefinition definition, bool force)
    {
        var name = Names.Validate(definition.Name, Noun);
        var jobType = definition.JobType is null
            ? (string.IsNullOrWhiteSpace(definition.Schedule) ? "manual" : "cron")
            : Require(definition.JobType, JobTypes, "MuxlyJobTypeInvalid", "job type");
        var shape = new JobShape(
            jobType,
            NullIfBlank(definition.Schedule),
            NullIfBlank(definition.TimeZone),
            Require(definition.Action, Actions, "MuxlyJobActionInvalid", "action"),
            definition.MaxRetries,
            Require(definition.BackoffStrategy, BackoffStrategies, "MuxlyJobBackoffStrategyInvalid", "backoff strategy"),
            definition.TimeoutSeconds,
            Require(definition.OverlapPolicy, OverlapPolicies, "MuxlyJobOverlapPolicyInvalid", "overlap policy"),
            Require(definition.MissedRunPolicy, MissedRunPolicies, "MuxlyJobMissedRunPolicyInvalid", "missed-run policy"),
            definition.CatchUpLimit);
        Validate(name, shape);
        var parameters = definition.ActionParameters ?? new JsonObject();

        return CreateOrUpdate(name, definition.Id, force,
            insert: (connection, transaction, id) =>
            {
                var connectorId = ResolveConnector(connection, transaction, name, definition.Connector);
                var stored = NormalizeParameters(connection, transaction, name, shape.Action, parameters, connectorId);
                var now = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow);
                using var insert = Command(connection, transaction, """
                    INSERT INTO scheduler_jobs (id, name, job_type, schedule, connector_id, action_type, action_params, enabled,
                        max_retries, backoff_strategy, timeout_seconds, created_at, updated_at)
                    VALUES ($id, $name, $type, $schedule, $connector, $action, $params, $enabled, $retries, $backoff, $timeout, $now, $now)
                    """);
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$name", name);
                insert.Parameters.AddWithValue("$type", shape.JobType);
                insert.Parameters.AddWithValue("$schedule", (object?)shape.Schedule ?? DBNull.Value);
                insert.Parameters.AddWithValue("$connector", connectorId);
                insert.Parameters.AddWithValue("$action", shape.Action);
                insert.Parameters.AddWithValue("$params", stored.Json);
                insert.Parameters.AddWithValue("$enabled", definition.Enabled);
                insert.Parameters.AddWithValue("$retries", shape.MaxRetries);
                insert.Parameters.AddWithValue("$backoff", shape.BackoffStrategy);
                insert.Parameters.AddWithValue("$timeout", shape.TimeoutSeconds);
                insert.Parameters.AddWithValue("$now", now);
                insert.ExecuteNonQuery();
                WriteOptions(connection, transaction, id, shape);
                ResetCursor(connection, transaction, id);
            },
            update: (connection, transaction, existing) => Apply(connection, transaction, existing, new JobChanges(
                name, shape.JobType, shape.Schedule ?? string.Empty, shape.TimeZone ?? string.Empty, definition.Connector, shape.Action,
                parameters, shape.MaxRetries, shape.BackoffStrategy, shape.TimeoutSeconds, shape.OverlapPolicy, shape.MissedRunPolicy,
                shape.CatchUpLimit, definition.Enabled)));
    }

    public Job Update(string id, JobChanges changes)
    {
        var name = changes.Name is null ? null : Names.Validate(changes.Name, Noun);
        var normalized = changes with
        {
            Name = name,
            JobType = changes.JobType is null ? null : Require(changes.JobType, JobTypes, "MuxlyJobTypeInvalid", "job type"),
            Action = changes.Action is null ? null : Require(changes.Action, Actions, "MuxlyJobActionInvalid", "action"),
            BackoffStrategy = changes.BackoffStrategy is null ? null : Require(changes.BackoffStrategy, BackoffStrategies, "MuxlyJobBackoffStrategyInvalid", "backoff strategy"),
            OverlapPolicy = changes.OverlapPolicy is null ? null : Require(changes.OverlapPolicy, OverlapPolicies, "MuxlyJobOverlapPolicyInvalid", "overlap policy"),
            MissedRunPolicy = changes.MissedRunPolicy is null ? null : Require(changes.MissedRunPolicy, MissedRunPolicies, "MuxlyJobMissedRunPolicyInvalid", "missed-run policy"),
        };
        return UpdateById(id, (connection, transaction, existing) => Apply(connection, transaction, existing, normalized));
    }

    /// <summary>Enabling a job moves its cursor to now: occurrences missed while it was disabled never run.</summary>
    public override Job SetEnabled(string id, bool enabled) => Update(id, new JobChanges(Enabled: enabled));

    /// <summary>
    /// Moves the scheduling cursor forward to <paramref name="scheduledFor"/> (never back): the scheduler calls it once
    /// an occurrence has been claimed and run or skipped. Returns false when the cursor was already there or beyond.
    /// </summary>
    public bool AdvanceCursor(string jobId, DateTimeOffset scheduledFor) => Database.Write((connection, transaction) =>
    {
        using var command = Command(connection, transaction, $"""
            INSERT INTO scheduler_job_cursors (job_id, last_scheduled_for, updated_at) VALUES ($job, $at, {SqliteValues.NowExpression})
            ON CONFLICT (job_id) DO UPDATE SET last_scheduled_for = excluded.last_scheduled_for, updated_at = excluded.updated_at
            WHERE excluded.last_scheduled_for > scheduler_job_cursors.last_scheduled_for
            """);
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$at", SqliteValues.FormatTimestamp(scheduledFor));
        return command.ExecuteNonQuery() > 0;
    });

    /// <summary>The job's next occurrences in its zone, after now or after <paramref name="after"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> NextOccurrences(Job job, int count, DateTimeOffset? after = null)
    {
        if (job.JobType != "cron" || job.Schedule is null)
        {
            return [];
        }

        return CronSchedule.Parse(job.Schedule, job.EffectiveTimeZone).GetOccurrences(after ?? DateTimeOffset.Now, count).ToList();
    }

    private (Job, bool) Apply(SqliteConnection connection, SqliteTransaction transaction, Job existing, JobChanges changes)
    {
        if (changes.Name is not null)
        {
            EnsureNameFree(connection, transaction, changes.Name, existing.Id);
        }

        var name = changes.Name ?? existing.Name;
        var jobType = changes.JobType ?? existing.JobType;
        var schedule = changes.Schedule is null ? existing.Schedule : NullIfBlank(changes.Schedule);
        if (changes.JobType is not null && jobType != "cron" && changes.Schedule is null)
        {
            schedule = null;
        }

        var shape = new JobShape(
            jobType,
            schedule,
            changes.TimeZone is null ? existing.TimeZone : NullIfBlank(changes.TimeZone),
            changes.Action ?? existing.Action,
            changes.MaxRetries ?? existing.MaxRetries,
            changes.BackoffStrategy ?? existing.BackoffStrategy,
            changes.TimeoutSeconds ?? existing.TimeoutSeconds,
            changes.OverlapPolicy ?? existing.OverlapPolicy,
            changes.MissedRunPolicy ?? existing.MissedRunPolicy,
            changes.CatchUpLimit ?? existing.CatchUpLimit);
        Validate(name, shape);

        var connectorId = changes.Connector is null ? existing.ConnectorId : ResolveConnector(connection, transaction, name, changes.Connector);
        var storedParameters = existing.ActionParametersStored;
        if (changes.Connector is not null || changes.Action is not null || changes.ActionParameters is not null)
        {
            // A new action starts from empty parameters unless new ones are given: a route is no destination.
            var given = changes.ActionParameters
                ?? (shape.Action == existing.Action ? JsonObjects.ParseObject(existing.ActionParametersStored, "action_params", "MuxlyJobActionParametersInvalid") : new JsonObject());
            storedParameters = NormalizeParameters(connection, transaction, name, shape.Action, given, connectorId).Json;
        }

        var enabled = changes.Enabled ?? existing.Enabled;
        var scheduleMoved = shape.JobType != existing.JobType || shape.Schedule != existing.Schedule || shape.TimeZone != existing.TimeZone;
        var jobChanged = name != existing.Name || shape.JobType != existing.JobType || shape.Schedule != existing.Schedule ||
            connectorId != existing.ConnectorId || shape.Action != existing.Action || storedParameters != existing.ActionParametersStored ||
            enabled != existing.Enabled || shape.MaxRetries != existing.MaxRetries || shape.BackoffStrategy != existing.BackoffStrategy ||
            shape.TimeoutSeconds != existing.TimeoutSeconds;
        var optionsChanged = shape.TimeZone != existing.TimeZone || shape.OverlapPolicy != existing.OverlapPolicy ||
            shape.MissedRunPolicy != existing.MissedRunPolicy || shape.CatchUpLimit != existing.CatchUpLimit;
        if (!jobChanged && !optionsChanged)
        {
            return (existing, false);
        }

        using var update = Command(connection, transaction, $"""
            UPDATE scheduler_jobs SET name = $name, job_type = $type, schedule = $schedule, connector_id = $connector,
                action_type = $action, action_params = $params, enabled = $enabled, max_retries = $retries,
                backoff_strategy = $backoff, timeout_seconds = $timeout, updated_at = {SqliteValues.NowExpression}
            WHERE id = $id
            """);
        update.Parameters.AddWithValue("$id", existing.Id);
        update.Parameters.AddWithValue("$name", name);
        update.Parameters.AddWithValue("$type", shape.JobType);
        update.Parameters.AddWithValue("$schedule", (object?)shape.Schedule ?? DBNull.Value);
        update.Parameters.AddWithValue("$connector", connectorId);
        update.Parameters.AddWithValue("$action", shape.Action);
        update.Parameters.AddWithValue("$params", storedParameters);
        update.Parameters.AddWithValue("$enabled", enabled);
        update.Parameters.AddWithValue("$retries", shape.MaxRetries);
        update.Parameters.AddWithValue("$backoff", shape.BackoffStrategy);
        update.Parameters.AddWithValue("$timeout", shape.TimeoutSeconds);
        update.ExecuteNonQuery();
        WriteOptions(connection, transaction, existing.Id, shape);
        if (scheduleMoved || (enabled && !existing.Enabled))
        {
            ResetCursor(connection, transaction, existing.Id);
        }

        return (FindById(connection, transaction, existing.Id)!, true);
    }

    /// <summary>The values of one job that can be checked without the database.</summary>
    private sealed record JobShape(
        string JobType, string? Schedule, string? TimeZone, string Action, int MaxRetries, string BackoffStrategy,
        int TimeoutSeconds, string OverlapPolicy, string MissedRunPolicy, int CatchUpLimit);

    private static void Validate(string job, JobShape shape)
    {
        if (shape.TimeZone is not null)
        {
            TimeZoneResolver.Find(shape.TimeZone);
        }

        if (shape.JobType == "cron")
        {
            if (shape.Schedule is null)
            {
                throw MuxlyException.Invalid("MuxlyJobScheduleMissing",
                    $"The cron job '{job}' needs a schedule, such as '0 2 * * *' (02:00 every day) or '@hourly'.", job);
            }

            // The zone is checked above; a null zone (the default) always resolves.
            if (CronSchedule.Validate(shape.Schedule, shape.TimeZone) is { } error)
            {
                throw error;
            }
        }
        else if (shape.Schedule is not null)
        {
            throw MuxlyException.Invalid("MuxlyJobScheduleNotAllowed",
                $"The job '{job}' is a {shape.JobType} job, which runs only when {(shape.JobType == "webhook" ? "its webhook is called" : "started")}; it cannot have the schedule '{shape.Schedule}'. Use -JobType cron to run it on a schedule.", shape.Schedule);
        }

        if (shape.MaxRetries is < 0 or > MaxRetriesLimit)
        {
            throw MuxlyException.Invalid("MuxlyJobMaxRetriesInvalid",
                $"The job '{job}' cannot have {shape.MaxRetries} retries: use 0 (no retry) to {MaxRetriesLimit}.", shape.MaxRetries);
        }

        if (shape.TimeoutSeconds is < 0 or > TimeoutSecondsLimit)
        {
            throw MuxlyException.Invalid("MuxlyJobTimeoutInvalid",
                $"The job '{job}' cannot have a timeout of {shape.TimeoutSeconds} seconds: use 1 to {TimeoutSecondsLimit} (7 days), or 0 for no limit.", shape.TimeoutSeconds);
        }

        if (shape.CatchUpLimit is < 1 or > CatchUpLimitMax)
        {
            throw MuxlyException.Invalid("MuxlyJobCatchUpLimitInvalid",
                $"The job '{job}' cannot catch up {shape.CatchUpLimit} missed runs: use 1 to {CatchUpLimitMax}.", shape.CatchUpLimit);
        }
    }

    private static string Require(string? value, string[] allowed, string errorId, string what) =>
        Vocabulary.Match(value, allowed)
        ?? throw MuxlyException.Invalid(errorId, $"'{value}' is not a {what}. Use one of: {string.Join(", ", allowed)}.", value);

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string ResolveConnector(SqliteConnection connection, SqliteTransaction transaction, string job, string connector)
    {
        using var find = Command(connection, transaction, "SELECT id, enabled, name FROM connectors WHERE id = $key OR name = $key COLLATE NOCASE ORDER BY id = $key DESC LIMIT 1");
        find.Parameters.AddWithValue("$key", connector?.Trim() ?? string.Empty);
        using var reader = find.ExecuteReader();
        if (!reader.Read())
        {
            throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyConnectorNotFound",
                $"The job '{job}' names the connector '{connector}', which does not exist.", connector);
        }

        if (!SqliteValues.ReadBoolean(reader, 1))
        {
            throw MuxlyException.Invalid("MuxlyJobConnectorDisabled",
                $"The job '{job}' names the connector '{reader.GetString(2)}', which is disabled. Enable it first (Enable-MuxlyConnector), or choose another.", connector);
        }

        return reader.GetString(0);
    }

    private sealed record StoredParameters(string Json, string? TargetId);

    /// <summary>
    /// Checks an action's parameters and stores routes and destinations by id (so renaming them breaks nothing):
    /// a route must exist and read from the job's connector; a destination must exist.
    /// </summary>
    private static StoredParameters NormalizeParameters(SqliteConnection connection, SqliteTransaction transaction, string job, string action, JsonObject given, string connectorId)
    {
        var keys = given.ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal);
        string[] allowed = action switch
        {
            "route" => ["route", "parameters"],
            "export" => ["destination"],
            _ => [],
        };
        var unknown = keys.Keys.FirstOrDefault(k => !allowed.Contains(k));
        if (unknown is not null)
        {
            throw MuxlyException.Invalid("MuxlyJobActionParametersInvalid",
                $"The job '{job}' has the action parameter '{unknown}', which a {action} action does not take. " + ExpectedParameters(action), unknown);
        }

        var stored = new JsonObject();
        string? target = null;
        switch (action)
        {
            case "route":
                var routeName = RequireText(keys, "route", job, action);
                using (var find = Command(connection, transaction, "SELECT id, name, connector_id FROM routes WHERE id = $key OR name = $key COLLATE NOCASE ORDER BY id = $key DESC LIMIT 1"))
                {
                    find.Parameters.AddWithValue("$key", routeName);
                    using var reader = find.ExecuteReader();
                    if (!reader.Read())
                    {
                        throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyRouteNotFound",
                            $"The job '{job}' runs the route '{routeName}', which does not exist.", routeName);
                    }

                    if (reader.GetString(2) != connectorId)
                    {
                        throw MuxlyException.Invalid("MuxlyJobRouteConnectorMismatch",
                            $"The job '{job}' runs the route '{reader.GetString(1)}', which reads from another connector. A job's route must read from the job's connector.", routeName);
                    }

                    target = reader.GetString(0);
                }

                stored["route"] = target;
                if (keys.TryGetValue("parameters", out var parameters) && parameters is not null)
                {
                    if (parameters is not JsonObject)
                    {
                        throw MuxlyException.Invalid("MuxlyJobActionParametersInvalid",
                            $"The job '{job}' has route parameters that are not an object. " + ExpectedParameters(action), job);
                    }

                    stored["parameters"] = parameters.DeepClone();
                }

                break;
            case "export":
                var destinationName = RequireText(keys, "destination", job, action);
                using (var find = Command(connection, transaction, "SELECT id FROM destinations WHERE id = $key OR name = $key COLLATE NOCASE ORDER BY id = $key DESC LIMIT 1"))
                {
                    find.Parameters.AddWithValue("$key", destinationName);
                    target = find.ExecuteScalar() as string ?? throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyDestinationNotFound",
                        $"The job '{job}' exports to the destination '{destinationName}', which does not exist.", destinationName);
                }

                stored["destination"] = target;
                break;
        }

        return new StoredParameters(stored.ToJson(), target);
    }

    private static string RequireText(Dictionary<string, JsonNode?> keys, string key, string job, string action)
    {
        if (keys.TryGetValue(key, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text))
        {
            return text.Trim();
        }

        throw MuxlyException.Invalid("MuxlyJobActionParametersInvalid",
            $"The job '{job}' needs the name or id of a {key} in its action parameters. " + ExpectedParameters(action), job);
    }

    private static string ExpectedParameters(string action) => action switch
    {
        "route" => """A route action takes {"route": "name or id", "parameters": {...}}.""",
        "export" => """An export action takes {"destination": "name or id"}.""",
        _ => "A fetch action takes no parameters ({}).",
    };

    private static void WriteOptions(SqliteConnection connection, SqliteTransaction transaction, string jobId, JobShape shape)
    {
        using var command = Command(connection, transaction, $"""
            INSERT INTO scheduler_job_options (job_id, time_zone, overlap_policy, missed_run_policy, catch_up_limit, created_at, updated_at)
            VALUES ($job, $zone, $overlap, $missed, $limit, {SqliteValues.NowExpression}, {SqliteValues.NowExpression})
            ON CONFLICT (job_id) DO UPDATE SET time_zone = excluded.time_zone, overlap_policy = excluded.overlap_policy,
                missed_run_policy = excluded.missed_run_policy, catch_up_limit = excluded.catch_up_limit, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$zone", (object?)shape.TimeZone ?? DBNull.Value);
        command.Parameters.AddWithValue("$overlap", shape.OverlapPolicy);
        command.Parameters.AddWithValue("$missed", shape.MissedRunPolicy);
        command.Parameters.AddWithValue("$limit", shape.CatchUpLimit);
        command.ExecuteNonQuery();
    }

    private static void ResetCursor(SqliteConnection connection, SqliteTransaction transaction, string jobId)
    {
        using var command = Command(connection, transaction, $"""
            INSERT INTO scheduler_job_cursors (job_id, last_scheduled_for, updated_at) VALUES ($job, $now, $now)
            ON CONFLICT (job_id) DO UPDATE SET last_scheduled_for = excluded.last_scheduled_for, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("$job", jobId);
        command.Parameters.AddWithValue("$now", SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow));
        command.ExecuteNonQuery();
    }

    protected override Job Map(SqliteDataReader reader) => Read(reader).Job;

    /// <summary>
    /// Every job in name order, as the caller takes them. The configuration half of each job (everything but where its
    /// schedule stands and how it last ran) is what the last listing of this file read, as long as the configuration
    /// version and stamp it was read at stand (<see cref="ConfigVersion"/>, moved by any configuration write from any
    /// process, plain SQL included); then only the state is read, in the same snapshot. Otherwise everything is read,
    /// and kept for the next listing once the same configuration has been listed twice. Jobs are always new objects.
    /// </summary>
    public override IEnumerable<Job> Each() => Database.ReadEach(ListEach);

    private IEnumerable<Job> ListEach(SqliteConnection connection)
    {
        var path = System.IO.Path.GetFullPath(Database.Path);
        var (version, stamp) = ConfigVersion.ReadStamped(connection);
        var kept = Volatile.Read(ref s_lastListing);
        var sameConfiguration = kept is not null && kept.Path == path && kept.Version == version && kept.Stamp == stamp;
        var reused = 0;
        if (sameConfiguration && kept!.Jobs is not null)
        {
            using var command = connection.CreateCommand();
            command.CommandText = StateListSql;
            using var reader = command.ExecuteReader();
            var same = true;
            while (reader.Read())
            {
                // The same configuration in the same snapshot lists the same jobs in the same order; checked anyway.
                if (reused == kept.Jobs.Count || kept.Jobs[reused].Id != reader.GetString(0))
                {
                    same = false;
                    break;
                }

                var job = kept.Jobs[reused++];
                var cursor = SqliteValues.ReadNullableTimestamp(reader, 1);
                yield return job.WithState(cursor, NextRun(kept.Schedules![reused - 1], cursor),
                    SqliteValues.ReadNullableTimestamp(reader, 2), reader.IsDBNull(3) ? null : reader.GetString(3));
            }

            if (same && reused == kept.Jobs.Count)
            {
                yield break;
            }

            // Not what was kept after all (the version's triggers dropped by hand?): read the rest in full.
            Interlocked.CompareExchange(ref s_lastListing, null, kept);
            sameConfiguration = false;
        }

        // The jobs are kept from the second listing of one configuration on: a process that lists once (a scheduled
        // task) does not pay for keeping 10,000 objects alive, which makes every one of them outlive a collection.
        var keep = sameConfiguration && reused == 0;
        var jobs = keep ? new List<Job>() : null;
        var schedules = keep ? new List<CronSchedule?>() : null;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = ListSql;
            using var reader = command.ExecuteReader();
            var row = 0;
            while (reader.Read())
            {
                if (row++ < reused)
                {
                    continue;
                }

                var (job, schedule) = Read(reader);
                jobs?.Add(job);
                schedules?.Add(schedule);
                yield return job;
            }
        }

        if (reused == 0)
        {
            Volatile.Write(ref s_lastListing, new KeptListing(path, version, stamp, jobs, schedules));
        }
    }

    private static (Job Job, CronSchedule? Schedule) Read(SqliteDataReader reader)
    {
        var zone = reader.IsDBNull(14) ? null : reader.GetString(14);
        // The default zone is read only for a job without its own (the column is null otherwise).
        var effectiveZoneId = zone ?? (reader.IsDBNull(22) ? null : NullIfBlank(reader.GetString(22)));
        var effectiveZone = TimeZoneResolver.TryFind(effectiveZoneId, out var found) ? found : null;
        var jobType = reader.GetString(2);
        var schedule = reader.IsDBNull(3) ? null : reader.GetString(3);
        var enabled = SqliteValues.ReadBoolean(reader, 7);
        var cursor = SqliteValues.ReadNullableTimestamp(reader, 18);
        var action = reader.GetString(5);
        var storedParameters = reader.GetString(6);
        var targetName = reader.IsDBNull(21) ? null : reader.GetString(21);
        var cron = jobType == "cron" && enabled && schedule is not null && effectiveZone is not null
            ? ParsedSchedules.Get(schedule, effectiveZone)
            : null;

        var job = new Job
        {
            Id = reader.GetString(0),
            Name = reader.GetString(1),
            JobType = jobType,
            Schedule = schedule,
            TimeZone = zone,
            EffectiveTimeZone = effectiveZone?.Id ?? effectiveZoneId ?? TimeZoneInfo.Local.Id,
            ConnectorId = reader.GetString(4),
            Connector = reader.IsDBNull(13) ? string.Empty : reader.GetString(13),
            Action = action,
            ActionParametersStored = storedParameters,
            ActionParameters = DisplayParameters(action, storedParameters, targetName, out var targetId),
            Target = targetName ?? targetId,
            TargetId = targetId,
            Enabled = enabled,
            MaxRetries = reader.GetInt32(8),
            BackoffStrategy = reader.GetString(9),
            TimeoutSeconds = reader.GetInt32(10),
            CreatedAt = SqliteValues.ReadTimestamp(reader, 11),
            UpdatedAt = SqliteValues.ReadTimestamp(reader, 12),
            OverlapPolicy = reader.IsDBNull(15) ? "forbid" : reader.GetString(15),
            MissedRunPolicy = reader.IsDBNull(16) ? "run-once" : reader.GetString(16),
            CatchUpLimit = reader.IsDBNull(17) ? 10 : reader.GetInt32(17),
            LastScheduledFor = cursor,
            NextRunAt = NextRun(cron, cursor),
            LastRunAt = SqliteValues.ReadNullableTimestamp(reader, 19),
            LastStatus = reader.IsDBNull(20) ? null : reader.GetString(20),
        };
        return (job, cron);
    }

    /// <summary>The next occurrence after now, or after the cursor when it is ahead of now (an enabled cron job only).</summary>
    private static DateTimeOffset? NextRun(CronSchedule? schedule, DateTimeOffset? cursor)
    {
        if (schedule is null)
        {
            return null;
        }

        var now = DateTimeOffset.Now;
        return schedule.GetNextOccurrence(cursor is { } c && c > now ? c : now);
    }

    /// <summary>The stored parameters with the route or destination id shown by its current name.</summary>
    private static string DisplayParameters(string action, string stored, string? targetName, out string? targetId)
    {
        targetId = null;
        if (stored == "{}")
        {
            return stored;
        }

        JsonObject parsed;
        try
        {
            parsed = JsonNode.Parse(stored) as JsonObject ?? new JsonObject();
        }
        catch (System.Text.Json.JsonException)
        {
            return stored;
        }

        var key = action switch { "route" => "route", "export" => "destination", _ => null };
        if (key is not null && parsed[key] is JsonValue value && value.TryGetValue<string>(out var id))
        {
            targetId = id;
            if (targetName is not null)
            {
                parsed[key] = targetName;
            }
        }

        return parsed.ToJson();
    }
}
