-- Files move out of PostgreSQL into object storage (cloud/src/blobs: the filesystem under
-- DATA_DIR, or S3): a row keeps the blob's key instead of its bytes. A blob is written before
-- the row that names it, so a key never points at nothing.

-- A shelf photo waits in the store for its job; photo (bytea) stays readable for jobs sent
-- before this migration.
ALTER TABLE vision_jobs ADD COLUMN photo_key text;

-- A correction's crop: crop_key once in the store. Crops stored before this migration stay in
-- crop_jpeg, readable, until the corrections module's mover copies each to the store and
-- clears it (it also takes crops written here while the store was down). A correction has at
-- most one of the two, and a crop or the reason it has none.
ALTER TABLE slot_corrections ADD COLUMN crop_key text, ADD COLUMN crop_bytes integer;
ALTER TABLE slot_corrections DROP CONSTRAINT slot_corrections_check;
ALTER TABLE slot_corrections ADD CONSTRAINT slot_corrections_crop CHECK (
  (crop_jpeg IS NULL OR crop_key IS NULL)
  AND ((crop_jpeg IS NULL AND crop_key IS NULL) <> (crop_missing IS NULL))
);
CREATE INDEX slot_corrections_crop_unmoved ON slot_corrections (created_at, id) WHERE crop_jpeg IS NOT NULL;

-- The PDF a purchase order was sent as, kept once sent.
ALTER TABLE purchase_orders ADD COLUMN pdf_key text;
