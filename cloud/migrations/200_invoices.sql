-- Supplier invoices read from a PDF or a photo (issue 27 item 4): the file is a blob, reading it is a
-- job, the lines wait for a person's review, and approving receives the stock through the orders module.
CREATE TABLE IF NOT EXISTS invoices (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  venue_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'processing'
    CHECK (status IN ('processing', 'review', 'approving', 'approved', 'failed')),
  blob_key text NOT NULL,
  file_kind text NOT NULL CHECK (file_kind IN ('pdf', 'jpg', 'png')),
  pages integer NOT NULL DEFAULT 1,
  -- text: the PDF's own text; ocr: read from pixels; mixed: both
  source text CHECK (source IN ('text', 'ocr', 'mixed')),
  -- single-column references: a supplier, order or item deleted leaves the invoice, unlinked (PostgreSQL 14 has no SET NULL (col))
  supplier_id uuid REFERENCES suppliers(id) ON DELETE SET NULL,
  -- what the invoice calls its supplier, kept when no supplier of the organisation matches it
  supplier_name text,
  invoice_number text,
  invoice_date date,
  order_id uuid REFERENCES purchase_orders(id) ON DELETE SET NULL,
  error text,
  -- short, over, price changed, missing: set when approved
  differences jsonb NOT NULL DEFAULT '[]',
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  approved_by uuid REFERENCES users(id) ON DELETE SET NULL,
  approved_at timestamptz,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS invoices_org_time ON invoices (org_id, created_at DESC);

CREATE TABLE IF NOT EXISTS invoice_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  invoice_id uuid NOT NULL,
  position integer NOT NULL,
  description text NOT NULL,
  supplier_code text,
  quantity numeric(12, 3) NOT NULL,
  unit_price numeric(12, 4),
  total numeric(12, 2),
  item_id uuid REFERENCES items(id) ON DELETE SET NULL,
  -- code: the supplier's item code; name: fuzzy name; null: no item, the reviewer must choose or skip
  matched_by text CHECK (matched_by IN ('code', 'name', 'reviewer')),
  match_score real,
  FOREIGN KEY (org_id, invoice_id) REFERENCES invoices(org_id, id) ON DELETE CASCADE,
  UNIQUE (invoice_id, position)
);
