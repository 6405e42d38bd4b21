-- Live ids come from a sequence, so a writer can commit an id below one a client already holds as its
-- cursor (ingest commits two batches at once; several clouds write). Each event now records its writer's
-- transaction (tx) and the oldest transaction still running when it was written (horizon): every writer
-- that holds a lower id and commits later has tx >= that horizon, so a replay after cursor N also sends
-- the events below N with tx >= N's horizon (LiveEventRepository.after). Rows from before this migration
-- have neither: their writers are long done.
ALTER TABLE live_events ADD COLUMN tx xid8, ADD COLUMN horizon xid8;
ALTER TABLE live_events ALTER COLUMN tx SET DEFAULT pg_current_xact_id(),
  ALTER COLUMN horizon SET DEFAULT pg_snapshot_xmin(pg_current_snapshot());
CREATE INDEX live_events_tx ON live_events (tx);
