-- 0004: webhook trigger state. New tables only: no seed table is altered.
-- Timestamps are UTC text in CURRENT_TIMESTAMP's form ('YYYY-MM-DD HH:MM:SS.fff'), so they sort and compare as text.
-- Both tables hang off webhook_triggers with ON DELETE CASCADE: unregistering a trigger (or deleting its job) removes them.

-- A trigger's settings that webhook_triggers has no column for. One row per trigger, written with it; a trigger without
-- a row (inserted by hand) is a Standard Webhooks trigger that requires a signature.
CREATE TABLE webhook_trigger_options (
    trigger_id TEXT PRIMARY KEY,
    scheme TEXT NOT NULL DEFAULT 'StandardWebhooks',   -- StandardWebhooks | GitHub: how requests carry their signature
    allow_unsigned BOOLEAN NOT NULL DEFAULT false,      -- true only when asked for: requests are not verified at all
    previous_secret_key TEXT,                           -- the secret replaced by the last rotation, still accepted ...
    previous_secret_accepted_until TIMESTAMP,           -- ... until this moment (the rotation's grace period)
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (trigger_id) REFERENCES webhook_triggers(id) ON DELETE CASCADE
);

-- Message ids already accepted, per trigger: the replay check. The listener inserts the id in the same BEGIN IMMEDIATE
-- transaction that records the queued execution, so whichever process inserts first runs the job and every other
-- request with that id (in any process, before or after a restart) is refused with 409. Rows are pruned once they can
-- no longer matter: a Standard Webhooks message is only accepted within the timestamp tolerance of its signed
-- timestamp, so an id received at T can be replayed successfully only until T + 2 x tolerance; the listener deletes ids
-- older than 2 x tolerance + 5 minutes (a margin for clocks that differ between processes).
CREATE TABLE webhook_deliveries (
    trigger_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    execution_id TEXT,                                  -- the execution the delivery started
    PRIMARY KEY (trigger_id, message_id),
    FOREIGN KEY (trigger_id) REFERENCES webhook_triggers(id) ON DELETE CASCADE,
    FOREIGN KEY (execution_id) REFERENCES job_executions(id) ON DELETE SET NULL
);
CREATE INDEX ix_webhook_deliveries_received_at ON webhook_deliveries(received_at);
