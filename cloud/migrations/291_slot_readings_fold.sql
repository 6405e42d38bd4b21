-- Ingest folds unchanged heartbeats (observations.heartbeatKeepSeconds): a heartbeat whose reading is the
-- slot's current one, within the keep window of the observation row that stored that reading, is not a
-- row of observations; it only brings the slot's time forward here. To decide that inside the insert
-- statement (no extra round trip), the slot's row keeps what its reading is and when it was stored.
--   item_id, count, fills: the reading beside units (a heartbeat folds only when all four are the same)
--   stored_at: the time of the observations row that holds this reading (at >= stored_at; they differ
--              while heartbeats fold)
--   seen_id: the folded heartbeat that `at` is the time of, if any: stored when the slot's next row is,
--            so the last time a reading was seen before it changed stays in observations (variance
--            reads a fall between two rows, and the sales around it, from the first row's time)
-- A row backfilled without a match has NULL here: its next heartbeat is stored, as before.
ALTER TABLE slot_readings
  ADD COLUMN item_id uuid,
  ADD COLUMN count integer,
  ADD COLUMN fills jsonb,
  ADD COLUMN stored_at timestamptz,
  ADD COLUMN seen_id uuid;

UPDATE slot_readings r SET item_id = o.item_id, count = o.count, fills = o.fills, stored_at = o.at
FROM observations o
WHERE o.device_id = r.device_id AND o.camera_id = r.camera_id AND o.slot_id = r.slot_id AND o.at = r.at AND o.trusted;
