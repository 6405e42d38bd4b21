-- More barcodes for one item (the bottle's and the case's, a new label from the brand):
-- items.barcode stays the item's first; these are the others. A barcode names one item in
-- an organisation, which the service checks across both (with UPC/EAN zero padding).
CREATE TABLE IF NOT EXISTS item_barcodes (
  org_id uuid NOT NULL,
  item_id uuid NOT NULL,
  barcode text NOT NULL CHECK (length(barcode) BETWEEN 1 AND 64),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, barcode),
  FOREIGN KEY (org_id, item_id) REFERENCES items(org_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS item_barcodes_item ON item_barcodes (org_id, item_id);
