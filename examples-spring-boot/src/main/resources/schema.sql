-- Two banks in one database, one schema each. Amounts in cents. balance and reserved are the
-- bank's money (reserved: held by a debit whose transfer has not ended); incoming is a credit
-- announced by a Try and applied by its Confirm.
CREATE SCHEMA IF NOT EXISTS north;
CREATE SCHEMA IF NOT EXISTS south;

CREATE TABLE IF NOT EXISTS north.accounts (
  id       VARCHAR(32) PRIMARY KEY,
  balance  BIGINT NOT NULL CHECK (balance >= 0),
  reserved BIGINT NOT NULL CHECK (reserved >= 0),
  incoming BIGINT NOT NULL CHECK (incoming >= 0)
);

CREATE TABLE IF NOT EXISTS south.accounts (
  id       VARCHAR(32) PRIMARY KEY,
  balance  BIGINT NOT NULL CHECK (balance >= 0),
  reserved BIGINT NOT NULL CHECK (reserved >= 0),
  incoming BIGINT NOT NULL CHECK (incoming >= 0)
);
