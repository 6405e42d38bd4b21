-- Alerts, their history, the hysteresis state behind them, and the
-- notification outbox that carries them to people.
-- The notifications table itself is the core's (002); this migration adds
-- what the delivery worker needs to it. A person's role comes from
-- memberships, never from these tables.

-- One row per (rule, subject) the engine is watching: how long it has been in
-- breach or clear. Kept in the database, not in memory, so that any cloud
-- instance can take the next reading of a device.
CREATE TABLE alert_conditions (
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  rule text NOT NULL,
  subject_key text NOT NULL,
  venue_id uuid NOT NULL,
  state jsonb NOT NULL,
  -- when a breach that is pending should be raised if it has not cleared (duration rules)
  raise_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, rule, subject_key)
);
CREATE INDEX alert_conditions_due ON alert_conditions (raise_at) WHERE raise_at IS NOT NULL;

CREATE TABLE alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  venue_id uuid NOT NULL,
  rule text NOT NULL CHECK (rule IN ('low_stock', 'out_of_stock', 'forecast_stockout', 'unexplained_loss',
    'device_offline', 'camera_stale', 'outbox_backlog')),
  subject_key text NOT NULL,
  item_id uuid,
  location_id uuid,
  device_id text,
  camera_id text,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  state text NOT NULL CHECK (state IN ('raised', 'escalated', 'acknowledged', 'resolved')),
  message text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  raised_at timestamptz NOT NULL,
  escalated_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by uuid REFERENCES users(id) ON DELETE SET NULL,
  resolved_at timestamptz,
  resolved_by uuid REFERENCES users(id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL,
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE
);
-- The rule "one open alert per (rule, item, location)", enforced where races cannot slip past it.
CREATE UNIQUE INDEX alerts_one_open ON alerts (org_id, rule, subject_key) WHERE state <> 'resolved';
CREATE INDEX alerts_venue_state ON alerts (org_id, venue_id, state, raised_at DESC);
CREATE INDEX alerts_unacked ON alerts (raised_at) WHERE state = 'raised';

CREATE TABLE alert_events (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL,
  alert_id uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  state text NOT NULL,
  at timestamptz NOT NULL,
  by_user uuid REFERENCES users(id) ON DELETE SET NULL,
  note text
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);

-- Who hears about what, per member and venue. Phone numbers are E.164, checked by the service.
-- Leaving the organisation (the membership row) takes the settings with it.
CREATE TABLE notification_settings (
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  venue_id uuid NOT NULL,
  display_name text,
  phone_e164 text CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  email text,
  channels text[] NOT NULL DEFAULT '{log}',
  -- null: the role's default rules
  rules text[],
  quiet_start smallint CHECK (quiet_start BETWEEN 0 AND 1439),
  quiet_end smallint CHECK (quiet_end BETWEEN 0 AND 1439),
  daily_summary boolean NOT NULL DEFAULT false,
  enabled boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id, venue_id),
  FOREIGN KEY (org_id, venue_id) REFERENCES venues(org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, user_id) REFERENCES memberships(org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX notification_settings_venue ON notification_settings (org_id, venue_id);

CREATE TABLE push_subscriptions (
  org_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  endpoint text NOT NULL,
  p256dh text NOT NULL,
  auth text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id, endpoint),
  FOREIGN KEY (org_id, user_id) REFERENCES memberships(org_id, user_id) ON DELETE CASCADE
);

-- The outbox (the core's notifications table, 002). A row is written in the
-- same transaction as the alert change it reports; the worker sends it.
-- Statuses added: held (quiet hours, waiting for release_at and the morning
-- digest) and digested (folded into a digest row). failed = will be retried.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
  CHECK (status IN ('pending', 'sending', 'held', 'sent', 'failed', 'dead', 'digested'));
ALTER TABLE notifications
  ADD COLUMN alert_id uuid REFERENCES alerts(id) ON DELETE SET NULL,
  ADD COLUMN kind text NOT NULL DEFAULT 'alert' CHECK (kind IN ('alert', 'escalation', 'resolved', 'digest', 'daily_summary')),
  ADD COLUMN release_at timestamptz,
  ADD COLUMN provider text,
  ADD COLUMN provider_message_id text;
-- The worker also takes back rows whose sender died mid-send (status sending, lease run out).
CREATE INDEX notifications_worker_due ON notifications (next_attempt_at) WHERE status IN ('pending', 'failed', 'sending');
CREATE INDEX notifications_held ON notifications (release_at) WHERE status = 'held';
CREATE INDEX notifications_dead ON notifications (org_id, created_at DESC) WHERE status = 'dead';
CREATE INDEX notifications_recipient_sent ON notifications (channel, recipient, sent_at) WHERE status = 'sent';
CREATE INDEX notifications_alert ON notifications (alert_id) WHERE alert_id IS NOT NULL;

-- VAPID keys for web push, generated at first start. One row for the whole
-- installation: subscriptions are bound to the public key.
CREATE TABLE vapid_keys (
  id smallint PRIMARY KEY CHECK (id = 1),
  public_key text NOT NULL,
  private_key text NOT NULL,
  subject text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
