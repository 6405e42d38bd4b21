-- Users and roles, the observation time series, the stock ledger, and the
-- tables that keep what went wrong (dead letters) and who did what (audit log).

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  password_hash text NOT NULL,
  -- set for a generated first-start password: the dashboard asks for a new one
  must_change_password boolean NOT NULL DEFAULT false,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (email)
);

CREATE TABLE memberships (
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'bartender', 'technician')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Refresh tokens are stored as SHA-256 hashes. A rotation marks the old row
-- rotated; presenting a rotated token again revokes its whole family.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- Observations: what a camera saw in one slot at one instant.
-- id is the device's UUIDv7, stable across retries: ON CONFLICT (id) DO NOTHING
-- makes redelivery harmless. trusted = state 'ok' from a camera that was not stale.
--
-- Partitioning note for large fleets: at ~1 row per slot per minute a 50-venue
-- fleet writes ~100 M rows a month. Convert to PARTITION BY RANGE (at) with one
-- partition per month (pg_partman or a monthly job creating next month's table);
-- the primary key then becomes (id, at), which keeps idempotency because a retry
-- carries the same id and the same capture time. Old months are detached and
-- archived instead of DELETEd. The indexes below carry over per partition.
CREATE TABLE observations (
  id uuid PRIMARY KEY,
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
  received_at timestamptz NOT NULL DEFAULT now()
);
-- latest per slot: ORDER BY at DESC LIMIT 1 walks this index backwards
CREATE INDEX observations_slot_latest ON observations (device_id, camera_id, slot_id, at DESC) WHERE trusted;
-- an item's history and time ranges
CREATE INDEX observations_item_time ON observations (org_id, item_id, at);
CREATE INDEX observations_org_time ON observations (org_id, at);

-- Every other stock movement. quantity is the signed change in bottle units;
-- before/after are the level the service saw and left, so a COUNT is a delta too.
CREATE TABLE transactions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  item_id uuid NOT NULL,
  location_id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('SALE', 'RECEIVE', 'WASTE', 'ADJUSTMENT', 'COUNT')),
  quantity numeric(12, 3) NOT NULL,
  before numeric(12, 3),
  after numeric(12, 3),
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  reason text,
  source_type text,
  source_id text,
  at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, item_id) REFERENCES items(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id) ON DELETE CASCADE
);
CREATE INDEX transactions_item_location_time ON transactions (org_id, item_id, location_id, at);

-- Whatever ingestion could not accept, byte for byte, with the reason.
CREATE TABLE dead_letters (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  device_id text,
  org_id uuid,
  reason text NOT NULL,
  payload bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_received ON dead_letters (received_at);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  user_id uuid,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text,
  detail jsonb,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_time ON audit_log (org_id, at);

-- Outbox of messages to people (SMS, e-mail, push). In the embedded default
-- this table and the log are the delivery; Alerts adds real channels.
CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  venue_id uuid,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  channel text NOT NULL CHECK (channel IN ('sms', 'email', 'push', 'log')),
  recipient text,
  subject text,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  dedupe_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  UNIQUE (org_id, dedupe_key)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status IN ('pending', 'failed');

-- Live events: what the WebSocket pushes. The id is the resync cursor; NOTIFY
-- carries only the id so payload size never matters and every instance reads
-- the same ordered rows.
CREATE TABLE live_events (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL,
  venue_id uuid,
  type text NOT NULL CHECK (type IN ('stock', 'device', 'alert', 'observation')),
  data jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_events_org_venue ON live_events (org_id, venue_id, id);
