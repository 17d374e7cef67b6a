using System.Text;
using Microsoft.Data.Sqlite;
using Muxly.Webhooks;

namespace Muxly.Storage;

/// <summary>
/// What <c>Register-MuxlyWebhook</c> asks for. The job is given by name or id. With no <paramref name="Secret"/> (and
/// not <paramref name="AllowUnsigned"/>) a secret is generated and returned once, in <see cref="WebhookTrigger.Secret"/>.
/// </summary>
public sealed record WebhookRegistration(
    string Job,
    string Path,
    WebhookScheme Scheme = WebhookScheme.StandardWebhooks,
    string? Secret = null,
    bool AllowUnsigned = false,
    bool Enabled = true,
    string? Id = null);

/// <summary>One verified webhook call to record: its trigger, message id (null when the sender gave none) and payload.</summary>
public sealed record WebhookAcceptRequest(WebhookTrigger Trigger, string? MessageId, string PayloadJson);

/// <summary>What an accepted webhook call recorded: the queued execution it starts, or that its message id was seen before.</summary>
public sealed record WebhookAcceptance(string? ExecutionId, bool Replayed);

/// <summary>
/// Table <c>webhook_triggers</c> with <c>webhook_trigger_options</c> (scheme, unsigned opt-in, rotation) and
/// <c>webhook_deliveries</c> (message ids seen, the replay check). Paths are normalised and unique; secrets are
/// validated before anything is written, and never leave the store except once, when generated.
/// </summary>
public sealed class WebhookTriggerStore
{
    public const string Noun = "Webhook";
    public const int MaxPathLength = 512;

    /// <summary>How long a rotated-out secret stays accepted unless told otherwise.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromHours(24);

    /// <summary>The longest grace period a rotation may give the previous secret.</summary>
    public static readonly TimeSpan MaxGracePeriod = TimeSpan.FromDays(30);

    // Characters of an RFC 3986 path segment other than percent-escapes: an escaped path would have two spellings.
    private const string PathPunctuation = "-._~!$&'()*+,;=:@";

    private const string Select = """
        SELECT t.id, t.job_id, j.name, t.endpoint_path, t.secret_key IS NOT NULL, t.enabled, t.created_at, t.updated_at,
            o.scheme, o.allow_unsigned,
            CASE WHEN o.previous_secret_key IS NOT NULL THEN o.previous_secret_accepted_until END, j.enabled
        FROM webhook_triggers t
        JOIN scheduler_jobs j ON j.id = t.job_id
        LEFT JOIN webhook_trigger_options o ON o.trigger_id = t.id
        """;

    public WebhookTriggerStore(MuxlyDatabase database)
    {
        Database = database;
    }

    public MuxlyDatabase Database { get; }

    /// <summary>
    /// The canonical form of a trigger path: case kept (URL paths are case-sensitive), duplicate slashes collapsed,
    /// a trailing slash removed. Refused: an empty path or <c>/</c> alone, one not starting with <c>/</c>, a query
    /// (<c>?</c>) or fragment (<c>#</c>), <c>.</c> or <c>..</c> segments, white space, percent-escapes, non-ASCII and
    /// control characters, and anything else that is not a plain URL path character.
    /// </summary>
    /// <exception cref="MuxlyException"><c>MuxlyWebhookPathInvalid</c>, saying what is wrong.</exception>
    public static string NormalizePath(string? path) =>
        TryNormalizePath(path, out var normalized, out var problem)
            ? normalized
            : throw MuxlyException.Invalid("MuxlyWebhookPathInvalid", $"The webhook path '{path}' is not valid: {problem}", path);

    /// <summary>As <see cref="NormalizePath"/>, without throwing (the listener maps request paths with it).</summary>
    public static bool TryNormalizePath(string? path, out string normalized, out string problem)
    {
        normalized = string.Empty;
        path = path?.Trim();
        if (string.IsNullOrEmpty(path))
        {
            problem = "it is empty. Give an absolute URL path such as '/hooks/deploy'.";
            return false;
        }

        if (path[0] != '/')
        {
            problem = "it must be an absolute URL path starting with '/', such as '/hooks/deploy' (not a full URL).";
            return false;
        }

        if (path.Length > MaxPathLength)
        {
            problem = $"it is longer than {MaxPathLength} characters.";
            return false;
        }

        foreach (var c in path)
        {
            if (c == '?')
            {
                problem = "it has a query string ('?'). A trigger path is the path alone.";
                return false;
            }

            if (c == '#')
            {
                problem = "it has a fragment ('#'). A trigger path is the path alone.";
                return false;
            }

            if (char.IsWhiteSpace(c))
            {
                problem = "it contains white space.";
                return false;
            }

            if (c == '%')
            {
                problem = "it contains a percent-escape ('%'). Use plain letters, digits and - . _ ~ in paths.";
                return false;
            }

            if (c > 127 || char.IsControl(c))
            {
                problem = $"it contains '\\u{(int)c:x4}'; only ASCII letters, digits, '/' and {PathPunctuation} are allowed.";
                return false;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c != '/' && !PathPunctuation.Contains(c))
            {
                problem = $"it contains '{c}'; only ASCII letters, digits, '/' and {PathPunctuation} are allowed.";
                return false;
            }
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            problem = "'/' alone is not a trigger path. Give a path such as '/hooks/deploy'.";
            return false;
        }

        if (segments.Any(s => s is "." or ".."))
        {
            problem = "it has a '.' or '..' segment. Give the path as it is meant, without relative parts.";
            return false;
        }

        normalized = "/" + string.Join('/', segments);
        problem = string.Empty;
        return true;
    }

    /// <summary>Every trigger, by path.</summary>
    public IReadOnlyList<WebhookTrigger> List() => Database.Read(connection =>
    {
        using var command = Command(connection, null, Select + " ORDER BY t.endpoint_path");
        return ReadAll(command);
    });

    /// <summary>True when some trigger is enabled: the scheduler hosts the listener only then.</summary>
    public bool AnyEnabled() => Database.Read(connection =>
    {
        using var command = Command(connection, null, "SELECT EXISTS (SELECT 1 FROM webhook_triggers WHERE enabled)");
        return Convert.ToInt64(command.ExecuteScalar()) == 1;
    });

    public WebhookTrigger? FindById(string id) => Database.Read(connection => FindById(connection, null, id));

    /// <summary>The trigger at a path (normalised first); null when there is none or the path is not a valid one.</summary>
    public WebhookTrigger? FindByPath(string path) =>
        TryNormalizePath(path, out var normalized, out _) ? Database.Read(connection => FindByPath(connection, null, normalized)) : null;

    /// <summary>The trigger whose stored (normalised) path is exactly this: one indexed look-up, whatever the text.</summary>
    internal WebhookTrigger? FindByStoredPath(string normalizedPath) => Database.Read(connection => FindByPath(connection, null, normalizedPath));

    /// <summary>The trigger with this id or at this path, or a NotFound error.</summary>
    public WebhookTrigger Get(string idOrPath) =>
        FindById(idOrPath) ?? FindByPath(idOrPath) ?? throw NotFound(idOrPath);

    /// <summary>
    /// Registers a trigger for a job. Everything is checked before anything is written: the path, the secret (at
    /// least 16 key bytes, <c>whsec_</c> base64 for Standard Webhooks), the job, and that the path is free.
    /// </summary>
    public WebhookTrigger Register(WebhookRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var path = NormalizePath(registration.Path);
        var id = registration.Id is null ? Names.NewId() : Names.ValidateId(registration.Id, Noun);
        if (registration.AllowUnsigned && registration.Secret is not null)
        {
            throw MuxlyException.Invalid("MuxlyWebhookSecretConflict",
                "An unsigned trigger (-AllowUnsigned) keeps no secret: give either a secret or -AllowUnsigned, not both.", path);
        }

        if (registration.Secret is not null)
        {
            WebhookSecret.Validate(registration.Secret, registration.Scheme);
        }

        var generated = registration.Secret is null && !registration.AllowUnsigned ? WebhookSecret.Generate(registration.Scheme) : null;
        var secret = registration.Secret ?? generated;

        var trigger = Database.Write((connection, transaction) =>
        {
            var jobId = ResolveJob(connection, transaction, registration.Job, path);
            if (FindByPath(connection, transaction, path) is { } existing)
            {
                throw new MuxlyException(MuxlyErrorKind.AlreadyExists, "MuxlyWebhookPathAlreadyExists",
                    $"The path '{path}' is already the webhook of the job '{existing.Job}'. Choose another path, or unregister that trigger first.", path);
            }

            if (FindById(connection, transaction, id) is not null)
            {
                throw new MuxlyException(MuxlyErrorKind.AlreadyExists, "MuxlyWebhookAlreadyExists", $"A webhook trigger with id '{id}' already exists.", id);
            }

            var now = SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow);
            using var insert = Command(connection, transaction, """
                INSERT INTO webhook_triggers (id, job_id, endpoint_path, secret_key, enabled, created_at, updated_at)
                VALUES ($id, $job, $path, $secret, $enabled, $now, $now);
                INSERT INTO webhook_trigger_options (trigger_id, scheme, allow_unsigned, created_at, updated_at)
                VALUES ($id, $scheme, $unsigned, $now, $now);
                """);
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$job", jobId);
            insert.Parameters.AddWithValue("$path", path);
            insert.Parameters.AddWithValue("$secret", (object?)secret ?? DBNull.Value);
            insert.Parameters.AddWithValue("$enabled", registration.Enabled);
            insert.Parameters.AddWithValue("$scheme", registration.Scheme.ToString());
            insert.Parameters.AddWithValue("$unsigned", registration.AllowUnsigned);
            insert.Parameters.AddWithValue("$now", now);
            insert.ExecuteNonQuery();
            return FindById(connection, transaction, id)!;
        });

        return generated is null ? trigger : WithSecret(trigger, generated);
    }

    /// <summary>
    /// Replaces the secret. The previous one stays accepted for <paramref name="gracePeriod"/> (none when zero) so that
    /// senders can move over; Standard Webhooks senders can sign with both meanwhile. With no
    /// <paramref name="newSecret"/> one is generated and returned once, in <see cref="WebhookTrigger.Secret"/>.
    /// </summary>
    public WebhookTrigger RotateSecret(string id, string? newSecret = null, TimeSpan? gracePeriod = null)
    {
        var grace = gracePeriod ?? DefaultGracePeriod;
        if (grace < TimeSpan.Zero || grace > MaxGracePeriod)
        {
            throw MuxlyException.Invalid("MuxlyWebhookGracePeriodInvalid",
                $"A rotation grace period must be between 0 and {MaxGracePeriod.TotalDays:0} days (got {grace}).", grace);
        }

        string? generated = null;
        var trigger = Database.Write((connection, transaction) =>
        {
            var existing = FindById(connection, transaction, id) ?? throw NotFound(id);
            if (newSecret is not null)
            {
                WebhookSecret.Validate(newSecret, existing.Scheme);
            }

            generated = newSecret is null ? WebhookSecret.Generate(existing.Scheme) : null;
            var current = ReadSecretKey(connection, transaction, id);
            var until = current is not null && grace > TimeSpan.Zero ? SqliteValues.FormatTimestamp(DateTimeOffset.UtcNow + grace) : null;
            using var update = Command(connection, transaction, $"""
                UPDATE webhook_triggers SET secret_key = $secret, updated_at = {SqliteValues.NowExpression} WHERE id = $id;
                INSERT INTO webhook_trigger_options (trigger_id, scheme, allow_unsigned, previous_secret_key, previous_secret_accepted_until, created_at, updated_at)
                VALUES ($id, $scheme, false, $previous, $until, {SqliteValues.NowExpression}, {SqliteValues.NowExpression})
                ON CONFLICT (trigger_id) DO UPDATE SET allow_unsigned = false, previous_secret_key = excluded.previous_secret_key,
                    previous_secret_accepted_until = excluded.previous_secret_accepted_until, updated_at = excluded.updated_at;
                """);
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$secret", newSecret ?? generated);
            update.Parameters.AddWithValue("$scheme", existing.Scheme.ToString());
            update.Parameters.AddWithValue("$previous", until is null ? DBNull.Value : current);
            update.Parameters.AddWithValue("$until", (object?)until ?? DBNull.Value);
            update.ExecuteNonQuery();
            return FindById(connection, transaction, id)!;
        });

        return generated is null ? trigger : WithSecret(trigger, generated);
    }

    /// <summary>
    /// Makes a trigger unsigned (its secrets are dropped: an unsigned trigger keeps none) or signed again, which needs
    /// a secret: rotate one in first (<see cref="RotateSecret"/>).
    /// </summary>
    public WebhookTrigger SetAllowUnsigned(string id, bool allowUnsigned) => Database.Write((connection, transaction) =>
    {
        var existing = FindById(connection, transaction, id) ?? throw NotFound(id);
        if (existing.AllowUnsigned == allowUnsigned)
        {
            return existing;
        }

        if (!allowUnsigned && !existing.HasSecret)
        {
            throw MuxlyException.Invalid("MuxlyWebhookSecretMissing",
                $"The trigger '{existing.Path}' has no secret, so it cannot require signatures. Give it one with -NewSecret or -RotateSecret.", existing.Path);
        }

        using var update = Command(connection, transaction, $"""
            UPDATE webhook_triggers SET secret_key = CASE WHEN $unsigned THEN NULL ELSE secret_key END, updated_at = {SqliteValues.NowExpression} WHERE id = $id;
            INSERT INTO webhook_trigger_options (trigger_id, scheme, allow_unsigned, created_at, updated_at)
            VALUES ($id, $scheme, $unsigned, {SqliteValues.NowExpression}, {SqliteValues.NowExpression})
            ON CONFLICT (trigger_id) DO UPDATE SET allow_unsigned = excluded.allow_unsigned,
                previous_secret_key = CASE WHEN excluded.allow_unsigned THEN NULL ELSE previous_secret_key END,
                previous_secret_accepted_until = CASE WHEN excluded.allow_unsigned THEN NULL ELSE previous_secret_accepted_until END,
                updated_at = excluded.updated_at;
            """);
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$unsigned", allowUnsigned);
        update.Parameters.AddWithValue("$scheme", existing.Scheme.ToString());
        update.ExecuteNonQuery();
        return FindById(connection, transaction, id)!;
    });

    public WebhookTrigger SetEnabled(string id, bool enabled) => Database.Write((connection, transaction) =>
    {
        using var update = Command(connection, transaction,
            $"UPDATE webhook_triggers SET enabled = $enabled, updated_at = {SqliteValues.NowExpression} WHERE id = $id AND enabled <> $enabled");
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$enabled", enabled);
        update.ExecuteNonQuery();
        return FindById(connection, transaction, id) ?? throw NotFound(id);
    });

    /// <summary>Deletes the trigger with its options and delivery history (ON DELETE CASCADE).</summary>
    public void Delete(string id) => Database.Write((connection, transaction) =>
    {
        using var delete = Command(connection, transaction, "DELETE FROM webhook_triggers WHERE id = $id");
        delete.Parameters.AddWithValue("$id", id);
        if (delete.ExecuteNonQuery() == 0)
        {
            throw NotFound(id);
        }
    });

    public static MuxlyException NotFound(string idOrPath) => new(MuxlyErrorKind.NotFound, "MuxlyWebhookNotFound",
        $"No webhook trigger has the path or id '{idOrPath}'.", idOrPath);

    /// <summary>
    /// The secrets a request to this trigger may be signed with: the current one, then the previous one while its
    /// grace period lasts. Empty for an unsigned trigger. Never leaves the engine.
    /// </summary>
    internal IReadOnlyList<WebhookSecret> ReadSecrets(string id) => Database.Read(connection => ReadSecrets(connection, id));

    private static List<WebhookSecret> ReadSecrets(SqliteConnection connection, string id)
    {
        using var command = Command(connection, null, """
            SELECT t.secret_key, o.previous_secret_key, o.previous_secret_accepted_until
            FROM webhook_triggers t LEFT JOIN webhook_trigger_options o ON o.trigger_id = t.id WHERE t.id = $id
            """);
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        var secrets = new List<WebhookSecret>();
        if (reader.Read())
        {
            if (!reader.IsDBNull(0))
            {
                secrets.Add(new WebhookSecret(reader.GetString(0)));
            }

            if (!reader.IsDBNull(1) && !reader.IsDBNull(2))
            {
                secrets.Add(new WebhookSecret(reader.GetString(1), SqliteValues.ReadTimestamp(reader, 2)));
            }
        }

        return secrets;
    }

    /// <summary>
    /// The accept path of a verified webhook call, in one <c>BEGIN IMMEDIATE</c> transaction: prunes message ids
    /// received before <paramref name="pruneBefore"/>, records <paramref name="messageId"/> (the insert fails for an id
    /// already recorded: a replay, in this process or any other), and records the queued execution that will run.
    /// </summary>
    internal WebhookAcceptance Accept(WebhookTrigger trigger, string? messageId, string payloadJson, string? instanceId, DateTimeOffset pruneBefore) =>
        AcceptBatch([new WebhookAcceptRequest(trigger, messageId, payloadJson)], instanceId, pruneBefore)[0];

    /// <summary>
    /// Accepts many verified calls in one <c>BEGIN IMMEDIATE</c> transaction (the listener's group commit): prunes
    /// message ids received before <paramref name="pruneBefore"/>, then for each call in order records its message id
    /// (a replay of an id recorded before, or earlier in the same batch, is answered <see cref="WebhookAcceptance.Replayed"/>)
    /// and its queued execution. One answer per call, in order. Any failure rolls back the whole batch: nothing is
    /// half-written, and every call in it fails alike.
    /// </summary>
    internal IReadOnlyList<WebhookAcceptance> AcceptBatch(IReadOnlyList<WebhookAcceptRequest> requests, string? instanceId, DateTimeOffset pruneBefore) =>
        Database.Write((connection, transaction) =>
        {
            using (var prune = Command(connection, transaction, "DELETE FROM webhook_deliveries WHERE received_at < $before"))
            {
                prune.Parameters.AddWithValue("$before", SqliteValues.FormatTimestamp(pruneBefore));
                prune.ExecuteNonQuery();
            }

            using var record = Command(connection, transaction, $"""
                INSERT INTO webhook_deliveries (trigger_id, message_id, received_at) VALUES ($trigger, $message, {SqliteValues.NowExpression})
                ON CONFLICT (trigger_id, message_id) DO NOTHING
                """);
            var recordTrigger = record.Parameters.Add("$trigger", SqliteType.Text);
            var recordMessage = record.Parameters.Add("$message", SqliteType.Text);
            using var link = Command(connection, transaction, "UPDATE webhook_deliveries SET execution_id = $execution WHERE trigger_id = $trigger AND message_id = $message");
            var linkExecution = link.Parameters.Add("$execution", SqliteType.Text);
            var linkTrigger = link.Parameters.Add("$trigger", SqliteType.Text);
            var linkMessage = link.Parameters.Add("$message", SqliteType.Text);
            using var executions = new ExecutionStore.ExecutionInserter(connection, transaction);

            var answers = new WebhookAcceptance[requests.Count];
            for (var i = 0; i < requests.Count; i++)
            {
                var (trigger, messageId, payloadJson) = requests[i];
                if (messageId is not null)
                {
                    recordTrigger.Value = trigger.Id;
                    recordMessage.Value = messageId;
                    if (record.ExecuteNonQuery() == 0)
                    {
                        answers[i] = new WebhookAcceptance(null, Replayed: true);
                        continue;
                    }
                }

                var executionId = executions.InsertQueued(
                    new ExecutionStart(trigger.JobId, ExecutionTriggers.Webhook, OwnerInstanceId: instanceId, Payload: payloadJson));
                if (messageId is not null)
                {
                    linkExecution.Value = executionId;
                    linkTrigger.Value = trigger.Id;
                    linkMessage.Value = messageId;
                    link.ExecuteNonQuery();
                }

                answers[i] = new WebhookAcceptance(executionId, Replayed: false);
            }

            return answers;
        });

    /// <summary>
    /// The trigger at a stored path with the secrets a request to it may be signed with, read on a connection the
    /// caller keeps (the listener's trigger cache); null when no trigger has the path.
    /// </summary>
    internal static (WebhookTrigger Trigger, IReadOnlyList<WebhookSecret> Secrets)? ReadForListener(SqliteConnection connection, string normalizedPath)
    {
        var trigger = FindByPath(connection, null, normalizedPath);
        return trigger is null ? null : (trigger, ReadSecrets(connection, trigger.Id));
    }

    private static WebhookTrigger WithSecret(WebhookTrigger trigger, string secret) => new()
    {
        Id = trigger.Id,
        Job = trigger.Job,
        JobId = trigger.JobId,
        Path = trigger.Path,
        Scheme = trigger.Scheme,
        Enabled = trigger.Enabled,
        AllowUnsigned = trigger.AllowUnsigned,
        HasSecret = trigger.HasSecret,
        PreviousSecretAcceptedUntil = trigger.PreviousSecretAcceptedUntil,
        Secret = secret,
        CreatedAt = trigger.CreatedAt,
        UpdatedAt = trigger.UpdatedAt,
        JobEnabled = trigger.JobEnabled,
    };

    private static string ResolveJob(SqliteConnection connection, SqliteTransaction transaction, string? job, string path)
    {
        using var find = Command(connection, transaction, "SELECT id FROM scheduler_jobs WHERE id = $key OR name = $key COLLATE NOCASE ORDER BY id = $key DESC LIMIT 1");
        find.Parameters.AddWithValue("$key", job?.Trim() ?? string.Empty);
        return find.ExecuteScalar() as string ?? throw new MuxlyException(MuxlyErrorKind.NotFound, "MuxlyJobNotFound",
            $"The webhook '{path}' names the job '{job}', which does not exist.", job);
    }

    private static string? ReadSecretKey(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var command = Command(connection, transaction, "SELECT secret_key FROM webhook_triggers WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as string;
    }

    private static WebhookTrigger? FindById(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var command = Command(connection, transaction, Select + " WHERE t.id = $key");
        command.Parameters.AddWithValue("$key", id);
        return ReadAll(command).FirstOrDefault();
    }

    private static WebhookTrigger? FindByPath(SqliteConnection connection, SqliteTransaction? transaction, string normalizedPath)
    {
        using var command = Command(connection, transaction, Select + " WHERE t.endpoint_path = $key");
        command.Parameters.AddWithValue("$key", normalizedPath);
        return ReadAll(command).FirstOrDefault();
    }

    private static List<WebhookTrigger> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var list = new List<WebhookTrigger>();
        var now = DateTimeOffset.UtcNow;
        while (reader.Read())
        {
            var previousUntil = SqliteValues.ReadNullableTimestamp(reader, 10);
            list.Add(new WebhookTrigger
            {
                Id = reader.GetString(0),
                JobId = reader.GetString(1),
                Job = reader.GetString(2),
                Path = reader.GetString(3),
                HasSecret = reader.GetInt64(4) != 0,
                Enabled = SqliteValues.ReadBoolean(reader, 5),
                CreatedAt = SqliteValues.ReadTimestamp(reader, 6),
                UpdatedAt = SqliteValues.ReadTimestamp(reader, 7),
                Scheme = !reader.IsDBNull(8) && Enum.TryParse<WebhookScheme>(reader.GetString(8), ignoreCase: true, out var scheme) ? scheme : WebhookScheme.StandardWebhooks,
                AllowUnsigned = !reader.IsDBNull(9) && SqliteValues.ReadBoolean(reader, 9),
                PreviousSecretAcceptedUntil = previousUntil is { } until && until > now ? until : null,
                JobEnabled = SqliteValues.ReadBoolean(reader, 11),
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
