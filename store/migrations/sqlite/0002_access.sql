-- Access control: users, their sign-in sessions, API tokens and the audit log
-- (app/accounts.h). Timestamps are INTEGER UTC microseconds in *_at_us columns.
-- Roles are stored by their domain name (domain::RoleName) without a CHECK, so
-- a later role needs no table rebuild; the store refuses to read back a name it
-- does not know (kDataLoss).
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
);

-- Sessions and tokens hold only the SHA-256 digest of the secret the client presents.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_digest TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  last_seen_at_us INTEGER NOT NULL,
  expires_at_us INTEGER NOT NULL,
  remote TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id, created_at_us);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_digest TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at_us INTEGER NOT NULL,
  last_used_at_us INTEGER,
  revoked_at_us INTEGER
);
-- A name is unique among the tokens still in force; a revoked name may be reused.
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at_us IS NULL;

-- The hash-chained audit log (app/audit_chain.h). Append-only: the triggers
-- below refuse every UPDATE and DELETE, so only someone who drops them (and
-- then breaks the chain, which `audit verify` reports) can change history.
CREATE TABLE audit_log (
  sequence INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id INTEGER NOT NULL,
  remote TEXT NOT NULL,
  details_json TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, sequence DESC);
CREATE INDEX audit_log_action ON audit_log (action, sequence DESC);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
END;

-- The chain head: the last sequence and hash, one row. Every append reads and
-- rewrites it in the same transaction; on SQLite the single writer already
-- serialises appends.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  sequence INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, sequence, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
