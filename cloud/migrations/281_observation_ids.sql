-- An observation's id is the device's: ingest promises that a second arrival of it changes nothing. Since
-- observations is partitioned by month on "at" (migration 180) its unique key is (id, at), which holds only
-- while a device resends an id with the time it first sent: a device that re-stamps an outbox replay (a
-- clock fix, a bug, or on purpose) had the same id stored twice, in two months maybe, and its reading
-- counted again as the slot's latest. PostgreSQL has no unique index across partitions, so the ids a device
-- has had stored are claimed here, in one unpartitioned key, by the statement that stores them
-- (observation.repository.ts insertMany): the first arrival is kept (it is the one that was acknowledged),
-- a later one is skipped whatever its time, and two instances storing one id at once meet on this key.
--
-- Only stored rows are claimed (a folded heartbeat is no row: its id is claimed if a change stores it, and
-- is known meanwhile as its slot's slot_readings.seen_id), so this grows as observations does, not with
-- every heartbeat. `at` is the stored row's: the ids go when their month is rolled up and dropped
-- (ObservationPartitionRepository.rollUpAndDrop). No foreign key (its check is a query a stored row on
-- ingest's path): an organisation's deletion deletes its ids (OrgRepository.deleteOrganisation).
CREATE TABLE observation_ids (
  device_id text NOT NULL,
  id uuid NOT NULL,
  org_id uuid NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (device_id, id)
);

INSERT INTO observation_ids (device_id, id, org_id, at)
SELECT DISTINCT ON (device_id, id) device_id, id, org_id, at FROM observations ORDER BY device_id, id, received_at, at;
