-- Suppliers, what each sells us (code, case size, price with its history),
-- and purchase orders with their lines. The whole file can run again without harm.

CREATE TABLE IF NOT EXISTS suppliers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  contact_name text,
  email text,
  phone text,
  -- ISO weekdays (1 = Monday … 7 = Sunday) the supplier takes orders on; empty: any day
  ordering_days smallint[] NOT NULL DEFAULT '{}',
  lead_time_days integer NOT NULL DEFAULT 2 CHECK (lead_time_days BETWEEN 0 AND 90),
  min_order_value numeric(12, 2) CHECK (min_order_value >= 0),
  min_order_units integer CHECK (min_order_units >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);
-- one supplier per name per organisation, whatever its case
CREATE UNIQUE INDEX IF NOT EXISTS suppliers_org_name ON suppliers (org_id, lower(name));

-- What one supplier sells of one item: its code, its case and today's case price.
CREATE TABLE IF NOT EXISTS supplier_items (
  org_id uuid NOT NULL,
  supplier_id uuid NOT NULL,
  item_id uuid NOT NULL,
  supplier_code text,
  case_size integer NOT NULL DEFAULT 1 CHECK (case_size > 0),
  case_price numeric(12, 2) CHECK (case_price >= 0),
  preferred boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (supplier_id, item_id),
  FOREIGN KEY (org_id, supplier_id) REFERENCES suppliers(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, item_id) REFERENCES items(org_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS supplier_items_item ON supplier_items (org_id, item_id);

-- Every price a supplier has charged or quoted, newest last.
CREATE TABLE IF NOT EXISTS supplier_prices (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL,
  supplier_id uuid NOT NULL,
  item_id uuid NOT NULL,
  case_size integer NOT NULL CHECK (case_size > 0),
  case_price numeric(12, 2) NOT NULL CHECK (case_price >= 0),
  source text NOT NULL CHECK (source IN ('manual', 'receipt', 'migration')),
  at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, supplier_id) REFERENCES suppliers(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, item_id) REFERENCES items(org_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS supplier_prices_item_time ON supplier_prices (org_id, item_id, at);

CREATE TABLE IF NOT EXISTS purchase_orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  supplier_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'approved', 'sent', 'partly_received', 'received', 'cancelled')),
  notes text,
  -- why the last send did not go (no e-mail, the server refused): the order stays approved
  send_error text,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, supplier_id) REFERENCES suppliers(org_id, id),
  UNIQUE (org_id, id)
);
CREATE INDEX IF NOT EXISTS purchase_orders_venue ON purchase_orders (org_id, venue_id, status);

CREATE TABLE IF NOT EXISTS purchase_order_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  order_id uuid NOT NULL,
  item_id uuid NOT NULL,
  cases integer NOT NULL CHECK (cases > 0),
  case_size integer NOT NULL CHECK (case_size > 0),
  case_price numeric(12, 2) CHECK (case_price >= 0),
  received_units numeric(12, 3) NOT NULL DEFAULT 0 CHECK (received_units >= 0),
  reason text,
  FOREIGN KEY (org_id, order_id) REFERENCES purchase_orders(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, item_id) REFERENCES items(org_id, id),
  UNIQUE (order_id, item_id)
);

-- Today's free-text items.supplier becomes supplier rows, one per distinct (trimmed,
-- case-blind) name per organisation, each item linked at its own unit cost (a case of 1).
-- Safe to run again: nothing is duplicated.
INSERT INTO suppliers (org_id, name)
SELECT DISTINCT ON (org_id, lower(btrim(supplier))) org_id, btrim(supplier)
FROM items WHERE supplier IS NOT NULL AND btrim(supplier) <> ''
ORDER BY org_id, lower(btrim(supplier)), btrim(supplier)
ON CONFLICT (org_id, lower(name)) DO NOTHING;

INSERT INTO supplier_items (org_id, supplier_id, item_id, case_size, case_price, preferred)
SELECT i.org_id, s.id, i.id, 1, i.unit_cost, true
FROM items i JOIN suppliers s ON s.org_id = i.org_id AND lower(s.name) = lower(btrim(i.supplier))
ON CONFLICT (supplier_id, item_id) DO NOTHING;

INSERT INTO supplier_prices (org_id, supplier_id, item_id, case_size, case_price, source)
SELECT si.org_id, si.supplier_id, si.item_id, si.case_size, si.case_price, 'migration'
FROM supplier_items si
WHERE si.case_price IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM supplier_prices p WHERE p.supplier_id = si.supplier_id AND p.item_id = si.item_id);
