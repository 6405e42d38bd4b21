-- A live event's data is written once and read back only whole, to be sent as it is: nothing queries
-- into it. As jsonb every ingest run's events (about a kilobyte of JSON an observation) were parsed
-- into jsonb's binary form on the way in and printed back to text for every read; json keeps the
-- text, checked once. PostgreSQL's CPU for an ingest run's live events insert: 14.7 -> 9.6 µs an
-- observation (runs of 100 heartbeats, npm run bench:ingest-cpu).
ALTER TABLE live_events ALTER COLUMN data TYPE json USING data::json;
