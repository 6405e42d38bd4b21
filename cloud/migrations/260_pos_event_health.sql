-- A connection's health (last event, events today) is read from its events (issue 25): the webhook
-- used to update one pos_connections row per delivery, and every delivery of a busy connection
-- queued on that row's lock inside its transaction. This index answers both figures from the events.
-- pos_connections.last_event_at, events_day and events_today are no longer written.
CREATE INDEX IF NOT EXISTS pos_events_received ON pos_events (connection_id, received_at);
