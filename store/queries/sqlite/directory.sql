-- Companies and purchases (repositories/directory.cc). Bulk inserts
-- reserve ids first, then load rows with explicit ids (COPY on PostgreSQL).
-- name: company_reserve_ids
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
SELECT (SELECT coalesce(max(id), 0) FROM companies) + i FROM n ORDER BY i;

-- name: purchase_reserve_ids
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
SELECT (SELECT coalesce(max(id), 0) FROM purchases) + i FROM n ORDER BY i;

-- name: directory_counts
SELECT (SELECT count(*) FROM companies), (SELECT count(*) FROM contacts), (SELECT count(*) FROM purchases);

-- name: contact_exists
SELECT count(*) FROM contacts WHERE id = $1;

-- name: ping
SELECT 1;
