-- Variance: one daily report per venue and local day, claimed by whichever
-- instance gets there first, so several instances enqueue its job once.
CREATE TABLE variance_runs (
  org_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  day date NOT NULL,
  job_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (venue_id, day),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);

-- A venue's ledger by location and time (sales for opening hours, waste and depletion for KPIs):
-- the item-first index cannot serve "every item at these locations in this period".
CREATE INDEX transactions_location_type_time ON transactions (org_id, location_id, type, at);
