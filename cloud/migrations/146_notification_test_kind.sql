-- "Send a test message" (issue 28): a message of its own kind, so it is never taken for an alert.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('alert', 'escalation', 'resolved', 'digest', 'daily_summary', 'test'));
