-- The nightly POS back-fill: one pull per connection and business day (the venue's local date),
-- claimed by whichever instance gets there first, so several instances queue its job once.
CREATE TABLE pos_backfill_runs (
  connection_id uuid NOT NULL REFERENCES pos_connections(id) ON DELETE CASCADE,
  business_date date NOT NULL,
  org_id uuid NOT NULL,
  job_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, business_date)
);
