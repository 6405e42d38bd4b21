-- An ingest run writes megabytes of live events (a camera's observations in one, a level a moved item),
-- and pglz compressing the larger ones was about a fifth of their INSERT's CPU on PostgreSQL (perf:
-- pglz_compress the busiest function of the ingest backend); lz4 does the same work in a fraction of it
-- and decompresses faster for every instance's live hub reading them back (bench:ingest-cpu: the
-- live_events insert 11.9 -> 9.6 µs per observation). Only new values: the old ones stay pglz until pruned.
-- A server built without lz4 (PGlite) refuses the method; it keeps pglz.
DO $$
BEGIN
  ALTER TABLE live_events ALTER COLUMN data SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 not built in: live_events.data stays pglz';
END
$$;
