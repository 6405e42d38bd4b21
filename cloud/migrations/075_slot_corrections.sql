-- "This count is wrong": a person's true count for one slot, kept beside what the
-- model answered and the picture it answered from, so the bar's own mistakes
-- become training data (models/ exports them). Slots are replaced wholesale when a
-- camera is reconfigured, so a correction copies what it needs (item, location,
-- polygon) instead of referencing the slot row, and outlives it.
CREATE TABLE slot_corrections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  venue_id uuid NOT NULL,
  location_id uuid NOT NULL,
  device_id text NOT NULL,
  camera_id text NOT NULL,
  slot_id text NOT NULL,
  item_id uuid,
  polygon jsonb NOT NULL,
  -- the observation corrected; null when the slot had no reading yet
  observation_id uuid,
  observed_at timestamptz,
  model_count integer,
  model_fills jsonb,
  model_confidence real,
  true_count integer NOT NULL CHECK (true_count BETWEEN 0 AND 200),
  true_fills jsonb,
  note text CHECK (length(note) <= 500),
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  -- the stock movement the correction made, when it made one
  transaction_id uuid,
  -- the slot's bounding box cut from the freshest frame; null with the reason when none could be had
  crop_jpeg bytea,
  crop_width integer,
  crop_height integer,
  crop_missing text,
  frame_at timestamptz,
  -- milliseconds, so the (created_at, id) cursor round-trips through a JavaScript Date exactly
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  CHECK ((crop_jpeg IS NULL) <> (crop_missing IS NULL)),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);
CREATE INDEX slot_corrections_org_time ON slot_corrections (org_id, created_at DESC, id DESC);
CREATE INDEX slot_corrections_camera ON slot_corrections (org_id, device_id, camera_id, created_at DESC);
