-- Point of sale: connections to a bar's POS, the sale lines they sent, recipes that
-- turn a menu item into millilitres of stock, and CSV imports for any other POS.

CREATE TABLE pos_connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  venue_id uuid NOT NULL,
  -- the location whose stock the sales deplete (the bar the drinks are poured at)
  location_id uuid NOT NULL,
  provider text NOT NULL CHECK (provider IN ('square', 'toast', 'tabit', 'csv')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  provider_location_id text,
  -- AES-256-GCM of the credentials and webhook secrets (pos/secrets.ts); never returned
  secrets text,
  last_event_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  events_day date,
  events_today integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id),
  UNIQUE (org_id, id)
);

-- Webhook deliveries seen: a redelivered event id is acknowledged and changes nothing.
CREATE TABLE pos_events (
  connection_id uuid NOT NULL REFERENCES pos_connections(id) ON DELETE CASCADE,
  event_id text NOT NULL,
  org_id uuid NOT NULL,
  type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, event_id)
);

-- The newest version of each order applied: an older version arriving late is ignored.
CREATE TABLE pos_orders (
  connection_id uuid NOT NULL REFERENCES pos_connections(id) ON DELETE CASCADE,
  order_id text NOT NULL,
  org_id uuid NOT NULL,
  version bigint NOT NULL,
  state text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, order_id)
);

-- One POS line: what was sold, and the millilitres of each item already written to the
-- ledger for it (applied), so a repeat, an update, a void or a refund writes only the difference.
CREATE TABLE pos_sale_lines (
  connection_id uuid NOT NULL REFERENCES pos_connections(id) ON DELETE CASCADE,
  line_uid text NOT NULL,
  org_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  order_id text NOT NULL,
  menu_key text NOT NULL,
  menu_name text NOT NULL,
  modifiers jsonb NOT NULL DEFAULT '[]',
  quantity numeric(12, 3) NOT NULL,
  revenue_cents bigint NOT NULL DEFAULT 0,
  sold_at timestamptz NOT NULL,
  -- item id → ml for one unit sold, fixed when the line was first mapped; null while unmapped
  per_unit jsonb,
  -- what the recipes lack for this line: [{kind, key, name}]
  missing jsonb NOT NULL DEFAULT '[]',
  applied jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (connection_id, line_uid)
);
CREATE INDEX pos_sale_lines_order ON pos_sale_lines (connection_id, order_id);
CREATE INDEX pos_sale_lines_venue_time ON pos_sale_lines (org_id, venue_id, sold_at);
CREATE INDEX pos_sale_lines_unmapped ON pos_sale_lines (org_id, venue_id) WHERE per_unit IS NULL;

-- A menu item or modifier of a venue's POS → millilitres of items. A modifier may also
-- scale the drink ("double": multiplier 2).
CREATE TABLE recipes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  venue_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('item', 'modifier')),
  pos_key text NOT NULL CHECK (length(pos_key) BETWEEN 1 AND 200),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  multiplier numeric(6, 3) NOT NULL DEFAULT 1 CHECK (multiplier >= 0),
  components jsonb NOT NULL DEFAULT '[]',
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE,
  UNIQUE (org_id, venue_id, kind, pos_key),
  UNIQUE (org_id, id)
);

-- How a venue's CSV exports name their columns.
CREATE TABLE pos_csv_mappings (
  org_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  columns jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, venue_id),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);

-- An uploaded CSV: parsed and previewed; its good rows are written only once confirmed.
CREATE TABLE pos_csv_imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  connection_id uuid NOT NULL REFERENCES pos_connections(id) ON DELETE CASCADE,
  rows jsonb NOT NULL,
  errors jsonb NOT NULL,
  confirmed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pos_csv_imports_org ON pos_csv_imports (org_id, id);
