-- 0003: scheduler state. New tables only: no seed table is altered.
-- Timestamps are UTC text in CURRENT_TIMESTAMP's form ('YYYY-MM-DD HH:MM:SS.fff'), so they sort and compare as text.
-- Every table hangs off a seed table with ON DELETE CASCADE: deleting a job (or its connector) removes its state.

-- A job's settings that scheduler_jobs has no column for. One row per job, written with the job; a job without a
-- row (inserted by hand) has the defaults below.
CREATE TABLE scheduler_job_options (
    job_id TEXT PRIMARY KEY,
    time_zone TEXT,                                      -- IANA or Windows id; NULL: setting scheduler.time_zone, else the machine's zone
    overlap_policy TEXT NOT NULL DEFAULT 'forbid',       -- forbid | allow | replace: what a start does while the job runs
    missed_run_policy TEXT NOT NULL DEFAULT 'run-once',  -- run-once | skip | catch-up: occurrences missed while no scheduler ran
    catch_up_limit INTEGER NOT NULL DEFAULT 10,          -- the most missed occurrences 'catch-up' runs; older ones are skipped
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (job_id) REFERENCES scheduler_jobs(id) ON DELETE CASCADE
);

-- Where a cron job's schedule stands: occurrences at or before last_scheduled_for are dealt with (run, skipped, or
-- passed over on purpose); a scheduler looks for due occurrences after it. Saving a job with a new schedule, time
-- zone or job type, and enabling it, moves the cursor to "now", so an edit never fires occurrences from the past.
-- Kept apart from the options because schedulers write it all the time and configuration exports leave it out.
CREATE TABLE scheduler_job_cursors (
    job_id TEXT PRIMARY KEY,
    last_scheduled_for TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (job_id) REFERENCES scheduler_jobs(id) ON DELETE CASCADE
);

-- Every process that runs executions: long-running schedulers, and shells running one job now (Start-MuxlyJob).
-- A live instance refreshes heartbeat_at; one that stops cleanly sets stopped_at. An execution still 'running'
-- whose owner is gone, stopped, or silent for longer than scheduler.abandoned_after_seconds is marked 'abandoned'.
CREATE TABLE scheduler_instances (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'scheduler',              -- scheduler | runner (a process running jobs on demand)
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    heartbeat_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    stopped_at TIMESTAMP                                 -- NULL while it runs
);
CREATE INDEX ix_scheduler_instances_stopped_heartbeat ON scheduler_instances(stopped_at, heartbeat_at);

-- What an execution needs beyond the seed's job_executions columns. One row per execution, written with it.
CREATE TABLE job_execution_details (
    execution_id TEXT PRIMARY KEY,
    scheduled_for TIMESTAMP,                             -- the occurrence a scheduled, catch-up or skipped run was for; NULL when run on demand
    owner_instance_id TEXT,                              -- the process running it (scheduler_instances.id)
    heartbeat_at TIMESTAMP,                              -- refreshed by the owner while the execution runs
    cancel_requested_at TIMESTAMP,                       -- set by Stop-MuxlyJobExecution from any process; the owner polls it
    cancel_reason TEXT,
    parameters TEXT,                                     -- JSON object the run was started with, if any
    payload TEXT,                                        -- JSON payload of the webhook call that started it, kept so a retry sees it too
    error TEXT,                                          -- one-line error summary of a run that did not succeed (never a secret)
    FOREIGN KEY (execution_id) REFERENCES job_executions(id) ON DELETE CASCADE,
    FOREIGN KEY (owner_instance_id) REFERENCES scheduler_instances(id) ON DELETE SET NULL
);
CREATE INDEX ix_job_execution_details_owner ON job_execution_details(owner_instance_id);

-- A due occurrence of a cron job, claimed by one scheduler before it runs. The primary key makes the claim a
-- conditional write: in BEGIN IMMEDIATE, the INSERT of (job_id, scheduled_for) succeeds for exactly one process, so
-- several schedulers on one database never run the same occurrence twice.
CREATE TABLE scheduler_occurrence_claims (
    job_id TEXT NOT NULL,
    scheduled_for TIMESTAMP NOT NULL,
    instance_id TEXT,                                    -- who claimed it
    execution_id TEXT,                                   -- the execution that served it, once started
    claimed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (job_id, scheduled_for),
    FOREIGN KEY (job_id) REFERENCES scheduler_jobs(id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id) REFERENCES scheduler_instances(id) ON DELETE SET NULL,
    FOREIGN KEY (execution_id) REFERENCES job_executions(id) ON DELETE SET NULL
);
CREATE INDEX ix_scheduler_occurrence_claims_claimed_at ON scheduler_occurrence_claims(claimed_at);
