-- Settle TCC fence table for H2. One row per (transaction, branch).
-- state: T tried, C confirmed, X cancelled, B cancelled before try (the late Try is refused).
CREATE TABLE IF NOT EXISTS settle_tcc_fence (
  tx_id       VARCHAR(64) NOT NULL,
  branch_id   VARCHAR(64) NOT NULL,
  state       CHAR(1)     NOT NULL,
  deadline_ms BIGINT      NOT NULL,
  updated_ms  BIGINT      NOT NULL,
  PRIMARY KEY (tx_id, branch_id)
);
-- Cleanup scans by deadline in bounded batches.
CREATE INDEX IF NOT EXISTS settle_tcc_fence_deadline ON settle_tcc_fence (deadline_ms);
