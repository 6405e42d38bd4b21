-- An organisation's export takes its files too (issue 29): the job lists every blob of the
-- organisation in object storage and keeps the manifest (each file's key, size and the rows that
-- name it); the download streams them as one tar from the store, never through memory or here.
ALTER TABLE org_exports ADD COLUMN manifest jsonb, ADD COLUMN files integer, ADD COLUMN file_bytes bigint;
