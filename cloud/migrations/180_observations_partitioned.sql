-- Observations grow for years: the table becomes RANGE-partitioned by month on "at" (UTC months),
-- so that raw retention drops whole partitions instead of deleting rows, and time-range queries
-- touch only the months they ask for.
--
-- Outliers (a device clock years off) land in observations_before (MINVALUE to the first month) and
-- observations_after (the last month's end to MAXVALUE), not in a DEFAULT partition: with a default
-- partition PostgreSQL cannot scan partitions in order, and "latest per slot" (ORDER BY at DESC
-- LIMIT 1) would probe every month's index instead of stopping at the newest month with a row.
--
-- A partitioned table's unique key must hold the partition key, so the primary key becomes (id, at).
-- That still dedupes redeliveries: a device mints the id (uuidv7) and the "at" together when it
-- observes, stores both in its outbox and resends that same pair until PUBACK, so a redelivered
-- observation always carries the same (id, at), and ingest's ON CONFLICT (id, at) skips it.
ALTER TABLE observations RENAME TO observations_unpartitioned;

CREATE TABLE observations_partitioned (
  id uuid NOT NULL,
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  device_id text NOT NULL,
  camera_id text NOT NULL,
  slot_id text NOT NULL,
  item_id uuid,
  sku text,
  at timestamptz NOT NULL,
  count integer NOT NULL,
  fills jsonb NOT NULL,
  units numeric(10, 3) NOT NULL,
  confidence real NOT NULL,
  state text NOT NULL CHECK (state IN ('ok', 'occluded', 'stale')),
  trusted boolean NOT NULL,
  batch_seq bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  model_versions jsonb
) PARTITION BY RANGE (at);

-- One partition per month that already holds rows (at most two years back), through two months
-- ahead, and the two outlier ranges around them; the maintenance job (inventory/observation-partitions.ts)
-- moves those edges as months come and go.
DO $$
DECLARE
  first_month timestamptz := GREATEST(
    date_trunc('month', LEAST(COALESCE((SELECT min(at) FROM observations_unpartitioned), now()), now()), 'UTC'),
    date_trunc('month', now() - interval '2 years', 'UTC'));
  last_month timestamptz := date_trunc('month', now() + interval '2 months', 'UTC');
  m timestamptz;
BEGIN
  FOR m IN SELECT generate_series(first_month, last_month, interval '1 month') LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF observations_partitioned FOR VALUES FROM (%L) TO (%L)',
      'observations_y' || to_char(m AT TIME ZONE 'UTC', 'YYYY"m"MM'), m, m + interval '1 month');
  END LOOP;
  EXECUTE format('CREATE TABLE observations_before PARTITION OF observations_partitioned FOR VALUES FROM (MINVALUE) TO (%L)', first_month);
  EXECUTE format('CREATE TABLE observations_after PARTITION OF observations_partitioned FOR VALUES FROM (%L) TO (MAXVALUE)',
    last_month + interval '1 month');
END $$;

INSERT INTO observations_partitioned (id, org_id, device_id, camera_id, slot_id, item_id, sku, at, count, fills, units,
  confidence, state, trusted, batch_seq, received_at, model_versions)
SELECT id, org_id, device_id, camera_id, slot_id, item_id, sku, at, count, fills, units,
  confidence, state, trusted, batch_seq, received_at, model_versions
FROM observations_unpartitioned;

DROP TABLE observations_unpartitioned;
ALTER TABLE observations_partitioned RENAME TO observations;

-- Indexes after the copy (one build instead of row-by-row upkeep); declared on the parent, so every
-- partition, present and future, gets them.
ALTER TABLE observations ADD CONSTRAINT observations_pkey PRIMARY KEY (id, at);
-- latest per slot: ORDER BY at DESC LIMIT 1 walks this index backwards in each partition
CREATE INDEX observations_slot_latest ON observations (device_id, camera_id, slot_id, at DESC) WHERE trusted;
-- an item's history and time ranges
CREATE INDEX observations_item_time ON observations (org_id, item_id, at);
CREATE INDEX observations_org_time ON observations (org_id, at);

-- What retention leaves of the raw rows once their month is dropped: one row per device, camera,
-- slot and item per UTC hour. last_units is the level at last_at, the hour's closing reading.
CREATE TABLE observation_hourly (
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  device_id text NOT NULL,
  camera_id text NOT NULL,
  slot_id text NOT NULL,
  item_id uuid,
  hour timestamptz NOT NULL,
  min_units numeric(10, 3) NOT NULL,
  max_units numeric(10, 3) NOT NULL,
  last_units numeric(10, 3) NOT NULL,
  last_at timestamptz NOT NULL,
  count integer NOT NULL,
  CONSTRAINT observation_hourly_key UNIQUE NULLS NOT DISTINCT (device_id, camera_id, slot_id, item_id, hour)
);
CREATE INDEX observation_hourly_item_time ON observation_hourly (org_id, item_id, hour);
