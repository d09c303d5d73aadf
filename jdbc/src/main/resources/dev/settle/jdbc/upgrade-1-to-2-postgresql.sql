-- Settle shared transaction log: upgrade from schema version 1 to 2, for postgresql.
-- Apply while no instance runs (see the upgrade rules in schema-postgresql.sql). Version 2 keeps a
-- transaction's records in its own row; records already in settle_record stay there and are read
-- before the row's, so unfinished transactions of version 1 are recovered as they were.
ALTER TABLE settle_tx ADD COLUMN IF NOT EXISTS records BYTEA NOT NULL DEFAULT ''::bytea;
UPDATE settle_log_version SET version = 2 WHERE version = 1;
