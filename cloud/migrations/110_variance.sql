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
-- The count nearest before an instant, without walking every sale since.
CREATE INDEX transactions_counts ON transactions (org_id, item_id, location_id, at) WHERE type = 'COUNT';

-- Falls between consecutive trusted readings of a slot, kept by the daily job so a
-- report over months reads a few rows instead of every heartbeat (a slot reports every
-- five minutes). The clock is judged when a report is read, and so are sales for the
-- falls none explained when kept, so a late POS back-fill still counts.
CREATE TABLE observation_drops (
  observation_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  prev_observation_id uuid NOT NULL,
  device_id text NOT NULL,
  camera_id text NOT NULL,
  slot_id text NOT NULL,
  item_id uuid NOT NULL,
  location_id uuid NOT NULL,
  at timestamptz NOT NULL,
  prev_at timestamptz NOT NULL,
  units numeric(10, 3) NOT NULL,
  prev_units numeric(10, 3) NOT NULL,
  -- sold in theory or wasted around the fall when it was kept; a report re-checks only the falls this did not explain
  recorded_units numeric(12, 3) NOT NULL,
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);
CREATE INDEX observation_drops_venue_time ON observation_drops (org_id, venue_id, at);

-- The span of each venue's readings scanned for falls, (since, through]: readings outside
-- it are scanned when a report reads them.
CREATE TABLE variance_scans (
  venue_id uuid PRIMARY KEY,
  org_id uuid NOT NULL,
  since timestamptz NOT NULL,
  through timestamptz NOT NULL,
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);
