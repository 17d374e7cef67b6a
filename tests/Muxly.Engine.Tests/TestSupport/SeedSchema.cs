namespace Muxly.Tests.TestSupport;

/// <summary>
/// The seed schema (shared/seeds/database_schema.md), written out as SQLite reports it. Every table and column of the
/// seed must exist exactly like this, whatever later migrations add.
/// </summary>
public static class SeedSchema
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<ColumnInfo>> Tables = new Dictionary<string, IReadOnlyList<ColumnInfo>>
    {
        ["connectors"] =
        [
            Key("id"),
            Required("name", "TEXT"),
            Required("connector_type", "TEXT"),
            Required("enabled", "BOOLEAN", "true"),
            Required("auth_settings", "TEXT"),
            Required("connection_settings", "TEXT"),
            .. Timestamps,
        ],
        ["settings"] =
        [
            Key("key"),
            Required("value", "TEXT"),
            .. Timestamps,
        ],
        ["destinations"] =
        [
            Key("id"),
            Required("name", "TEXT"),
            Required("destination_type", "TEXT"),
            Required("config", "TEXT"),
            Required("enabled", "BOOLEAN", "true"),
            .. Timestamps,
        ],
        ["routing_rules"] =
        [
            Key("id"),
            Required("name", "TEXT"),
            Required("priority", "INTEGER", "100"),
            Required("enabled", "BOOLEAN", "true"),
            Optional("condition", "TEXT"),
            .. Timestamps,
        ],
        ["rule_transformations"] =
        [
            Key("id"),
            Required("rule_id", "TEXT"),
            Required("transformation_type", "TEXT"),
            Required("config", "TEXT"),
            Required("sequence_order", "INTEGER", "0"),
            .. Timestamps,
        ],
        ["routes"] =
        [
            Key("id"),
            Required("name", "TEXT"),
            Required("connector_id", "TEXT"),
            Required("enabled", "BOOLEAN", "true"),
            Required("error_handling", "TEXT", """'{"mode": "continue"}'"""),
            .. Timestamps,
        ],
        ["scheduler_jobs"] =
        [
            Key("id"),
            Required("name", "TEXT"),
            Required("job_type", "TEXT"),
            Optional("schedule", "TEXT"),
            Required("connector_id", "TEXT"),
            Required("action_type", "TEXT"),
            Required("action_params", "TEXT"),
            Required("enabled", "BOOLEAN", "true"),
            Required("max_retries", "INTEGER", "3"),
            Required("backoff_strategy", "TEXT", "'exponential'"),
            Required("timeout_seconds", "INTEGER", "300"),
            .. Timestamps,
        ],
        ["job_executions"] =
        [
            Key("id"),
            Required("job_id", "TEXT"),
            Required("start_time", "TIMESTAMP"),
            Optional("end_time", "TIMESTAMP"),
            Required("status", "TEXT"),
            Optional("result", "TEXT"),
            Required("attempt", "INTEGER", "1"),
            Required("triggered_by", "TEXT", "'schedule'"),
            .. Timestamps,
        ],
        ["webhook_triggers"] =
        [
            Key("id"),
            Required("job_id", "TEXT"),
            Required("endpoint_path", "TEXT"),
            Optional("secret_key", "TEXT"),
            Required("enabled", "BOOLEAN", "true"),
            .. Timestamps,
        ],
    };

    /// <summary>The seed's foreign keys, all ON DELETE CASCADE; tables not listed have none.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<ForeignKeyInfo>> ForeignKeys = new Dictionary<string, IReadOnlyList<ForeignKeyInfo>>
    {
        ["connectors"] = [],
        ["settings"] = [],
        ["destinations"] = [],
        ["routing_rules"] = [],
        ["rule_transformations"] = [new("rule_id", "routing_rules", "id", "CASCADE")],
        ["routes"] = [new("connector_id", "connectors", "id", "CASCADE")],
        ["scheduler_jobs"] = [new("connector_id", "connectors", "id", "CASCADE")],
        ["job_executions"] = [new("job_id", "scheduler_jobs", "id", "CASCADE")],
        ["webhook_triggers"] = [new("job_id", "scheduler_jobs", "id", "CASCADE")],
    };

    /// <summary>The seed's CREATE TABLE statements as the document writes them.</summary>
    public static readonly IReadOnlyList<string> CreateStatements =
    [
        """
        CREATE TABLE IF NOT EXISTS connectors (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            connector_type TEXT NOT NULL,
            enabled BOOLEAN NOT NULL DEFAULT true,
            auth_settings TEXT NOT NULL,  -- JSON blob for authentication settings
            connection_settings TEXT NOT NULL,  -- JSON blob for connection settings
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS destinations (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            destination_type TEXT NOT NULL,
            config TEXT NOT NULL, -- JSON blob for destination configuration
            enabled BOOLEAN NOT NULL DEFAULT true,
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS routing_rules (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            priority INTEGER NOT NULL DEFAULT 100,
            enabled BOOLEAN NOT NULL DEFAULT true,
            condition TEXT, -- JSON blob for rule condition
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS rule_transformations (
            id TEXT PRIMARY KEY,
            rule_id TEXT NOT NULL,
            transformation_type TEXT NOT NULL,
            config TEXT NOT NULL,
            sequence_order INTEGER NOT NULL DEFAULT 0,
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            FOREIGN KEY (rule_id) REFERENCES routing_rules(id) ON DELETE CASCADE
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS routes (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            connector_id TEXT NOT NULL,
            enabled BOOLEAN NOT NULL DEFAULT true,
            error_handling TEXT NOT NULL DEFAULT '{"mode": "continue"}',
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            FOREIGN KEY (connector_id) REFERENCES connectors(id) ON DELETE CASCADE
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS scheduler_jobs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            job_type TEXT NOT NULL,
            schedule TEXT,
            connector_id TEXT NOT NULL,
            action_type TEXT NOT NULL,
            action_params TEXT NOT NULL,
            enabled BOOLEAN NOT NULL DEFAULT true,
            max_retries INTEGER NOT NULL DEFAULT 3,
            backoff_strategy TEXT NOT NULL DEFAULT 'exponential',
            timeout_seconds INTEGER NOT NULL DEFAULT 300,
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            FOREIGN KEY (connector_id) REFERENCES connectors(id) ON DELETE CASCADE
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS job_executions (
            id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL,
            start_time TIMESTAMP NOT NULL,
            end_time TIMESTAMP,
            status TEXT NOT NULL,
            result TEXT,
            attempt INTEGER NOT NULL DEFAULT 1,
            triggered_by TEXT NOT NULL DEFAULT 'schedule',
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            FOREIGN KEY (job_id) REFERENCES scheduler_jobs(id) ON DELETE CASCADE
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS webhook_triggers (
            id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL,
            endpoint_path TEXT NOT NULL,
            secret_key TEXT,
            enabled BOOLEAN NOT NULL DEFAULT true,
            created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            FOREIGN KEY (job_id) REFERENCES scheduler_jobs(id) ON DELETE CASCADE
        );
        """,
    ];

    private static IEnumerable<ColumnInfo> Timestamps =>
    [
        Required("created_at", "TIMESTAMP", "CURRENT_TIMESTAMP"),
        Required("updated_at", "TIMESTAMP", "CURRENT_TIMESTAMP"),
    ];

    // SQLite does not make a TEXT PRIMARY KEY NOT NULL, and the seed does not ask for it.
    private static ColumnInfo Key(string name) => new(name, "TEXT", NotNull: false, Default: null, PrimaryKey: 1);

    private static ColumnInfo Required(string name, string type, string? defaultValue = null) => new(name, type, NotNull: true, defaultValue, PrimaryKey: 0);

    private static ColumnInfo Optional(string name, string type) => new(name, type, NotNull: false, Default: null, PrimaryKey: 0);
}
