-- 0005: a configuration version. One number that every write to a configuration table moves (through the triggers
-- below, so writes by any process, any Muxly version with this migration, or plain SQL all count), and nothing else
-- does: executions, deliveries, claims, cursors and heartbeats are not configuration. Long-running readers (the webhook
-- listener's trigger cache) keep what they read until it changes. PRAGMA data_version is no substitute: it moves on
-- every commit, and under load the listener and its runs commit every few milliseconds.
CREATE TABLE config_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 0);

CREATE TRIGGER config_version_connectors_insert AFTER INSERT ON connectors BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_connectors_update AFTER UPDATE ON connectors BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_connectors_delete AFTER DELETE ON connectors BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_settings_insert AFTER INSERT ON settings BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_settings_update AFTER UPDATE ON settings BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_settings_delete AFTER DELETE ON settings BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_destinations_insert AFTER INSERT ON destinations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_destinations_update AFTER UPDATE ON destinations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_destinations_delete AFTER DELETE ON destinations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_routing_rules_insert AFTER INSERT ON routing_rules BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_routing_rules_update AFTER UPDATE ON routing_rules BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_routing_rules_delete AFTER DELETE ON routing_rules BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_rule_transformations_insert AFTER INSERT ON rule_transformations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_rule_transformations_update AFTER UPDATE ON rule_transformations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_rule_transformations_delete AFTER DELETE ON rule_transformations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_routes_insert AFTER INSERT ON routes BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_routes_update AFTER UPDATE ON routes BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_routes_delete AFTER DELETE ON routes BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_route_rules_insert AFTER INSERT ON route_rules BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_route_rules_update AFTER UPDATE ON route_rules BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_route_rules_delete AFTER DELETE ON route_rules BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_rule_destinations_insert AFTER INSERT ON rule_destinations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_rule_destinations_update AFTER UPDATE ON rule_destinations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_rule_destinations_delete AFTER DELETE ON rule_destinations BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_scheduler_jobs_insert AFTER INSERT ON scheduler_jobs BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_scheduler_jobs_update AFTER UPDATE ON scheduler_jobs BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_scheduler_jobs_delete AFTER DELETE ON scheduler_jobs BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_scheduler_job_options_insert AFTER INSERT ON scheduler_job_options BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_scheduler_job_options_update AFTER UPDATE ON scheduler_job_options BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_scheduler_job_options_delete AFTER DELETE ON scheduler_job_options BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_webhook_triggers_insert AFTER INSERT ON webhook_triggers BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_webhook_triggers_update AFTER UPDATE ON webhook_triggers BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_webhook_triggers_delete AFTER DELETE ON webhook_triggers BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_webhook_trigger_options_insert AFTER INSERT ON webhook_trigger_options BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_webhook_trigger_options_update AFTER UPDATE ON webhook_trigger_options BEGIN UPDATE config_version SET version = version + 1; END;
CREATE TRIGGER config_version_webhook_trigger_options_delete AFTER DELETE ON webhook_trigger_options BEGIN UPDATE config_version SET version = version + 1; END;
