-- The variance report (issue 25) adds up an item's ledger rows at a location: what moved in the
-- period (by type), and the off-camera part as it stood at either end (every off-camera row up
-- to then). Each row was a heap fetch of its own (the rows of one item lie on as many pages as
-- it has rows, written between everyone else's): 300 items × 90 days read ~110,000 pages for
-- the movements and as many again for the closing stock. With the summed columns in the index
-- these are index-only scans over a few pages per item. Same keys as the indexes they replace.
CREATE INDEX IF NOT EXISTS transactions_item_location_time_sums ON transactions (org_id, item_id, location_id, at) INCLUDE (type, quantity, part);
DROP INDEX IF EXISTS transactions_item_location_time;
CREATE INDEX IF NOT EXISTS transactions_part_time_sums ON transactions (org_id, item_id, location_id, part, at) INCLUDE (quantity);
DROP INDEX IF EXISTS transactions_part_time;
