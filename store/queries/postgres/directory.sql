-- Companies and purchases (repositories/directory.cc). Bulk inserts
-- reserve ids first, then load rows with explicit ids (COPY on PostgreSQL).
-- name: company_reserve_ids
SELECT nextval(pg_get_serial_sequence('companies', 'id')) FROM generate_series(1, $1::bigint);

-- name: purchase_reserve_ids
SELECT nextval(pg_get_serial_sequence('purchases', 'id')) FROM generate_series(1, $1::bigint);

-- name: directory_counts
SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM contacts), (SELECT count(*) FROM purchases);

-- name: contact_exists
SELECT count(*) FROM contacts WHERE id = $1;

-- name: ping
SELECT 1;
