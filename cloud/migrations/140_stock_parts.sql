-- An item's stock at a location is two parts: what the cameras see in their
-- slots there (on_shelf) and what they cannot see (off_camera: the well, under
-- the counter, storage). A camera reading replaces only the on-shelf part, so a
-- person's count or a delivery off the shelf is never overwritten by it.
--
-- Each ledger row moves one part. On-shelf rows count only until the cameras
-- next read the item there (as every row did before); off-camera rows add up
-- for good. TRANSFER moves stock between two locations as a pair of rows.

ALTER TABLE transactions DROP CONSTRAINT IF EXISTS transactions_type_check;
ALTER TABLE transactions ADD CONSTRAINT transactions_type_check
  CHECK (type IN ('SALE', 'RECEIVE', 'WASTE', 'ADJUSTMENT', 'COUNT', 'TRANSFER'));

ALTER TABLE transactions ADD COLUMN IF NOT EXISTS part text NOT NULL DEFAULT 'off_camera'
  CHECK (part IN ('on_shelf', 'off_camera'));
-- what a COUNT counted: the shelf, the rest, or the whole location (stored as the off-camera part)
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS counted text CHECK (counted IN ('on_shelf', 'off_camera', 'whole'));
-- the part's figure once this row applied: the number a person gave, shown beside a later camera reading
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS part_after numeric(12, 3);
-- the two rows of one TRANSFER share it
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS transfer_id uuid;

-- Rows written before the split kept their meaning "until the next camera reading"
-- wherever a camera watched the item: they become on-shelf rows there, so no level moves.
UPDATE transactions t SET part = 'on_shelf'
-- (rows written since carry part_after, so running this again moves nothing)
WHERE t.part = 'off_camera' AND t.part_after IS NULL AND t.transfer_id IS NULL AND EXISTS (
  SELECT 1 FROM cameras c JOIN slots s ON s.device_id = c.device_id AND s.camera_id = c.id
  WHERE c.org_id = t.org_id AND c.location_id = t.location_id AND s.item_id = t.item_id
);

CREATE INDEX IF NOT EXISTS transactions_part_time ON transactions (org_id, item_id, location_id, part, at);
