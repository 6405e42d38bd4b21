-- Tenancy, the stock catalogue and the devices that watch it.
-- Every row a tenant owns carries org_id; child tables repeat it so every
-- query can be scoped by the caller's organisation without a join.

CREATE TABLE organisations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE venues (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  timezone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name),
  UNIQUE (org_id, id)
);

CREATE TABLE locations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  venue_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  type text NOT NULL DEFAULT 'bar' CHECK (type IN ('bar', 'storage', 'cellar', 'kitchen', 'other')),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE,
  UNIQUE (venue_id, name),
  UNIQUE (org_id, id)
);

CREATE TABLE items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  sku text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  category text NOT NULL DEFAULT 'other',
  barcode text,
  bottle_size_ml integer CHECK (bottle_size_ml > 0),
  unit text NOT NULL DEFAULT 'bottle',
  unit_cost numeric(12, 2) CHECK (unit_cost >= 0),
  supplier text,
  expires_on date,
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, sku),
  UNIQUE (org_id, id)
);
CREATE INDEX items_org_name ON items (org_id, lower(name));
CREATE INDEX items_org_barcode ON items (org_id, barcode) WHERE barcode IS NOT NULL;

-- Stock settings of one item at one location.
CREATE TABLE item_locations (
  org_id uuid NOT NULL,
  item_id uuid NOT NULL,
  location_id uuid NOT NULL,
  par_level numeric(10, 2) NOT NULL DEFAULT 0 CHECK (par_level >= 0),
  reorder_point numeric(10, 2) NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
  PRIMARY KEY (item_id, location_id),
  FOREIGN KEY (org_id, item_id) REFERENCES items(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id) ON DELETE CASCADE
);
CREATE INDEX item_locations_location ON item_locations (org_id, location_id);

-- A device is an edge mini-PC; its id is the MQTT client id and AWS IoT thing name.
CREATE TABLE devices (
  id text PRIMARY KEY CHECK (id ~ '^[a-zA-Z0-9:_-]{1,128}$'),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  venue_id uuid NOT NULL,
  name text NOT NULL,
  cert_fingerprint text,
  revoked_at timestamptz,
  online boolean NOT NULL DEFAULT false,
  last_seen_at timestamptz,
  health jsonb,
  config_revision integer NOT NULL DEFAULT 0,
  config_acked_revision integer NOT NULL DEFAULT 0,
  config_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE,
  UNIQUE (org_id, id)
);

CREATE TABLE cameras (
  org_id uuid NOT NULL,
  device_id text NOT NULL,
  id text NOT NULL CHECK (id ~ '^[a-zA-Z0-9_.-]{1,64}$'),
  location_id uuid NOT NULL,
  name text,
  url text NOT NULL,
  transport text NOT NULL DEFAULT 'tcp' CHECK (transport IN ('tcp', 'udp', 'auto')),
  sample_every_seconds real NOT NULL DEFAULT 2,
  enabled boolean NOT NULL DEFAULT true,
  state text,
  last_frame_at timestamptz,
  PRIMARY KEY (device_id, id),
  FOREIGN KEY (org_id, device_id) REFERENCES devices(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);

-- A slot maps a polygon (normalised 0-1 image coordinates) of one camera to an item.
CREATE TABLE slots (
  org_id uuid NOT NULL,
  device_id text NOT NULL,
  camera_id text NOT NULL,
  id text NOT NULL CHECK (id ~ '^[a-zA-Z0-9_.-]{1,64}$'),
  item_id uuid,
  name text,
  polygon jsonb NOT NULL,
  PRIMARY KEY (device_id, camera_id, id),
  FOREIGN KEY (device_id, camera_id) REFERENCES cameras(device_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, item_id) REFERENCES items(org_id, id)
);
