-- Issue 24: a dead letter keeps what identifies a payload, not the payload whole (a 200 MB
-- publish once made the insert itself fail): its size, its SHA-256 and at most its first 16 KB.
ALTER TABLE dead_letters ADD COLUMN size_bytes bigint, ADD COLUMN sha256 text;
UPDATE dead_letters SET size_bytes = octet_length(payload), sha256 = encode(sha256(payload), 'hex');
UPDATE dead_letters SET payload = substring(payload FROM 1 FOR 16384) WHERE octet_length(payload) > 16384;
ALTER TABLE dead_letters ALTER COLUMN size_bytes SET NOT NULL, ALTER COLUMN sha256 SET NOT NULL;
-- the devices' own rejects, newest first (pruning by age uses dead_letters_received)
CREATE INDEX dead_letters_device ON dead_letters (device_id, received_at);
