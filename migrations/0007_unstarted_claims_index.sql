-- 0007: the occurrence claims no execution has served yet, indexed. A scheduler's heartbeat looks for claims whose
-- scheduler died before starting them (ExecutionStore.ReclaimOrphanedClaims), inside a write transaction; claims are
-- kept a day, so ten every-second jobs leave 864,000 rows, and without this index each heartbeat scanned them all
-- while holding the write lock. Nearly every claim gets its execution within milliseconds, so the index stays tiny.
CREATE INDEX ix_scheduler_occurrence_claims_unstarted ON scheduler_occurrence_claims(scheduled_for) WHERE execution_id IS NULL;
