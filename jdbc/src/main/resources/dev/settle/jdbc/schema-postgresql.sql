-- Settle shared transaction log, schema version 2, for postgresql.
--
-- Upgrade rules: settle_log_version holds the one version this database is at. A Settle release
-- reads exactly the versions it names in JdbcTransactionLog.SCHEMA_VERSION and refuses to open
-- any other, with a message saying which. A new version only ever adds (tables, columns that are nullable or have a default,
-- indexes) and ships as an upgrade script from the previous version that ends by updating
-- settle_log_version; apply the scripts in order while no instance runs. Statements are separated
-- by a semicolon at the end of a line; every statement may be run again safely.
CREATE TABLE IF NOT EXISTS settle_log_version (
  version INTEGER NOT NULL
);
INSERT INTO settle_log_version (version) SELECT 2 WHERE NOT EXISTS (SELECT 1 FROM settle_log_version);
-- One row per node name: the epoch grows by one at every open; the lease is renewed by the
-- heartbeat and judged against the database clock only.
CREATE TABLE IF NOT EXISTS settle_node (
  node        VARCHAR(64)              NOT NULL PRIMARY KEY,
  epoch       BIGINT                   NOT NULL,
  lease_until TIMESTAMP WITH TIME ZONE NOT NULL
);
-- One row per transaction: who owns it, its one decision (C commit, R roll back), whether it ended,
-- how many records it has (last_seq + 1), and the records themselves (since version 2): each
-- record's LogCodec encoding behind its length (4 bytes, big-endian), in append order.
-- Every append updates this row on condition of ownership and adds its records to it, in one
-- statement, so a transaction costs one row. Pages are left 30 % free so that those updates find
-- room on the row's own page and touch no index (PostgreSQL's heap-only updates): about 10 % more
-- transactions per second at 64 threads. On tables created before, the same takes
-- ALTER TABLE settle_tx SET (fillfactor = 70); it applies to pages filled from then on.
CREATE TABLE IF NOT EXISTS settle_tx (
  tx_id       VARCHAR(64)              NOT NULL PRIMARY KEY,
  protocol    VARCHAR(255)             NOT NULL,
  owner_node  VARCHAR(64)              NOT NULL,
  owner_epoch BIGINT                   NOT NULL,
  decision    CHAR(1),
  ended       BOOLEAN                  NOT NULL,
  last_seq    INTEGER                  NOT NULL,
  began_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at    TIMESTAMP WITH TIME ZONE,
  records     BYTEA                    NOT NULL DEFAULT ''::bytea
) WITH (fillfactor = 70);
-- Takeover and replay look for unfinished transactions by owner.
CREATE INDEX IF NOT EXISTS settle_tx_unfinished ON settle_tx (owner_node, owner_epoch) WHERE ended = FALSE;
-- History cleanup deletes ended transactions oldest first, in bounded batches.
CREATE INDEX IF NOT EXISTS settle_tx_ended_at ON settle_tx (ended_at);
-- Version 1 kept each record in a row of its own here; version 2 only reads the ones a transaction
-- begun before the upgrade still has (before its row's own records), and deletes them with it.
CREATE TABLE IF NOT EXISTS settle_record (
  tx_id VARCHAR(64) NOT NULL,
  seq   INTEGER     NOT NULL,
  body  BYTEA       NOT NULL,
  PRIMARY KEY (tx_id, seq)
);
