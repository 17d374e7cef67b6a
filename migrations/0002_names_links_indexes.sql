-- 0002: what the seed leaves implicit. No seed column is changed.

-- Names are unique per table, case-insensitively, as PowerShell users expect of names.
CREATE UNIQUE INDEX ux_connectors_name ON connectors(name COLLATE NOCASE);
CREATE UNIQUE INDEX ux_destinations_name ON destinations(name COLLATE NOCASE);
CREATE UNIQUE INDEX ux_routing_rules_name ON routing_rules(name COLLATE NOCASE);
CREATE UNIQUE INDEX ux_routes_name ON routes(name COLLATE NOCASE);
CREATE UNIQUE INDEX ux_scheduler_jobs_name ON scheduler_jobs(name COLLATE NOCASE);
CREATE UNIQUE INDEX ux_webhook_triggers_endpoint_path ON webhook_triggers(endpoint_path);

-- A route evaluates an ordered set of rules; a rule may belong to several routes.
CREATE TABLE route_rules (
    route_id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (route_id, rule_id),
    FOREIGN KEY (route_id) REFERENCES routes(id) ON DELETE CASCADE,
    FOREIGN KEY (rule_id) REFERENCES routing_rules(id) ON DELETE CASCADE
);
CREATE INDEX ix_route_rules_rule_id ON route_rules(rule_id);

-- A matching rule delivers to each of its destinations.
CREATE TABLE rule_destinations (
    rule_id TEXT NOT NULL,
    destination_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (rule_id, destination_id),
    FOREIGN KEY (rule_id) REFERENCES routing_rules(id) ON DELETE CASCADE,
    FOREIGN KEY (destination_id) REFERENCES destinations(id) ON DELETE CASCADE
);
CREATE INDEX ix_rule_destinations_destination_id ON rule_destinations(destination_id);

-- Foreign-key columns and the look-ups the scheduler makes.
CREATE INDEX ix_rule_transformations_rule_id ON rule_transformations(rule_id, sequence_order);
CREATE INDEX ix_routes_connector_id ON routes(connector_id);
CREATE INDEX ix_scheduler_jobs_connector_id ON scheduler_jobs(connector_id);
CREATE INDEX ix_job_executions_job_id_start_time ON job_executions(job_id, start_time);
CREATE INDEX ix_job_executions_status ON job_executions(status);
CREATE INDEX ix_webhook_triggers_job_id ON webhook_triggers(job_id);
