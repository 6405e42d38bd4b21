-- Background jobs: shelf photos now; forecast retraining, invoice OCR and POS back-fill next.
-- The queue itself (state, attempts, backoff, output) is pg-boss's, in a schema of its own
-- that it creates and upgrades; this row says whose job it is, so that a job's status is
-- answered only to its organisation, by any instance.
CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_org ON jobs (org_id, created_at DESC);

-- A shelf photo now waits in the database for whichever instance runs its job (cleared once
-- counted or given up on); the job's state is the queue's, no longer a copy here.
ALTER TABLE vision_jobs ADD COLUMN photo bytea;
ALTER TABLE vision_jobs DROP COLUMN status, DROP COLUMN result, DROP COLUMN error, DROP COLUMN finished_at;
