-- An item's rows lie one to a heap page: a bar's slots report in turn, so the rows between two of
-- one item's are every other item's. The forecast's 28 days of an item (ForecastRepository.dayFacts)
-- and an item's history read ~1,000 rows a day each from its own page: measured at 30 M rows (a month
-- of 1,000 bars), 30,000 pages read for one forecast, 386 ms p50. With the columns those reads use
-- in the index, they are index-only scans of one contiguous range (a month's rows are vacuumed, and
-- autovacuum keeps insert-only months all-visible): 468 pages at 100 M rows, no heap fetches. The index
-- grows from 3 to 9 columns (a month 13 % larger on disk, rows and indexes).
--
-- Built on the partitioned parent, this blocks writes to observations while every month's index is
-- built (minutes at 90 days of a 1,000-bar fleet: see the bench's figure in docker/README.md); nothing
-- is lost meanwhile, as devices keep observations in their outbox until ingest commits and acknowledges.
DROP INDEX observations_item_time;
CREATE INDEX observations_item_time ON observations (org_id, item_id, at)
  INCLUDE (device_id, camera_id, slot_id, units, confidence, trusted);
