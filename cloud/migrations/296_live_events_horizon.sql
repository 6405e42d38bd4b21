-- Live ids come from a sequence, so a writer can commit an id below one a client already holds as its
-- cursor (ingest commits two batches at once; several clouds write). Each event now records its writer's
-- transaction (tx) and the snapshot it was written in: a writer that holds a lower id and commits later
-- is not visible in that snapshot (it had not committed when the id was taken), so a replay after cursor N
-- also sends the events below N whose tx N's snapshot does not see (LiveEventRepository.after). The index
-- finds them from the snapshot's oldest running transaction on. Rows from before this migration have
-- neither: their writers are long done.
ALTER TABLE live_events ADD COLUMN tx xid8, ADD COLUMN snapshot pg_snapshot;
ALTER TABLE live_events ALTER COLUMN tx SET DEFAULT pg_current_xact_id(),
  ALTER COLUMN snapshot SET DEFAULT pg_current_snapshot();
CREATE INDEX live_events_tx ON live_events (tx);
