-- Schema bookkeeping used by the migrator (sql/migrator.cc). The advisory lock
-- makes nodes starting together migrate one after another.
-- name: migrations_begin
BEGIN;

-- name: migrations_lock
SELECT pg_advisory_xact_lock(7283110001);

-- name: migrations_create_table
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at_us bigint NOT NULL
);

-- name: migrations_table_exists
SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations';

-- name: migrations_list
SELECT version, name, checksum FROM schema_migrations ORDER BY version;

-- name: migrations_record
INSERT INTO schema_migrations (version, name, checksum, applied_at_us) VALUES ($1, $2, $3, $4);
