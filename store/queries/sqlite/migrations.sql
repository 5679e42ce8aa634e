-- Schema bookkeeping used by the migrator (sql/migrator.cc).
-- name: migrations_begin
BEGIN IMMEDIATE;

-- name: migrations_lock
SELECT 1;

-- name: migrations_create_table
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at_us INTEGER NOT NULL
);

-- name: migrations_table_exists
SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';

-- name: migrations_list
SELECT version, name, checksum FROM schema_migrations ORDER BY version;

-- name: migrations_record
INSERT INTO schema_migrations (version, name, checksum, applied_at_us) VALUES ($1, $2, $3, $4);
