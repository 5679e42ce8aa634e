-- The bulk purchase import (repositories/loyalty_import.cc): reads for the
-- re-run check and the caps, id reservations and the multi-row writes that
-- are not plain row copies. Lists travel as one JSON array parameter, so no
-- statement comes near SQLite's variable limit.

-- The purchases holding one of the external ids of the JSON array $1
-- (purchases_external_id). Column order as loyalty_purchase_get.
-- name: loyalty_import_purchases_by_external_ids
SELECT id, contact_id, company_id, lines_json, total_minor, currency, channel, store, occurred_at_us, external_id,
       points_earned, rules_version, refunded_minor, points_reversed, recorded_at_us
FROM purchases
WHERE external_id IN (SELECT value FROM json_each($1)) AND external_id <> '';

-- Which contacts of the JSON array $1 exist, and whom each was merged into.
-- name: loyalty_import_contact_states
SELECT id, merged_into FROM contacts WHERE id IN (SELECT value FROM json_each($1));

-- Member credits of earn postings of the contacts of the JSON array $1
-- occurring in [$2, $3), one row per posting (ledger_transactions_earn).
-- name: loyalty_import_earnings
SELECT ledger_transactions.contact_id, ledger_transactions.occurred_at_us, SUM(ledger_entries.points)
FROM ledger_transactions JOIN ledger_entries ON ledger_entries.transaction_id = ledger_transactions.id
WHERE ledger_transactions.contact_id IN (SELECT value FROM json_each($1)) AND ledger_transactions.kind = 'earn'
  AND ledger_transactions.occurred_at_us >= $2 AND ledger_transactions.occurred_at_us < $3
  AND ledger_entries.account IN ('available', 'pending') AND ledger_entries.points > 0
GROUP BY ledger_transactions.id
ORDER BY ledger_transactions.contact_id, ledger_transactions.occurred_at_us;

-- Under the single writer: the next ids after the largest.
-- name: loyalty_import_reserve_transaction_ids
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
SELECT (SELECT coalesce(max(id), 0) FROM ledger_transactions) + i FROM n ORDER BY i;

-- name: loyalty_import_reserve_lot_ids
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
SELECT (SELECT coalesce(max(id), 0) FROM point_lots) + i FROM n ORDER BY i;

-- Adds the batch's earnings to the members' accounts (created when new). $1:
-- a JSON array of [contact_id, available, pending, earned, last_activity_at_us].
-- name: loyalty_import_accounts_add
INSERT INTO loyalty_accounts (contact_id, available, pending, earned_total, redeemed_total, expired_total,
                              last_activity_at_us)
SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
       json_extract(value, '$[3]'), 0, 0, json_extract(value, '$[4]')
FROM json_each($1)
WHERE true
ON CONFLICT (contact_id) DO UPDATE
SET available = available + excluded.available, pending = pending + excluded.pending,
    earned_total = earned_total + excluded.earned_total,
    last_activity_at_us = max(coalesce(last_activity_at_us, excluded.last_activity_at_us),
                              excluded.last_activity_at_us);

-- One contact event per element of the JSON array $1:
-- [kind, contact_id, occurred_at_us, payload]; $2 recorded_at_us, $3 actor.
-- name: loyalty_import_events
INSERT INTO events (kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload)
SELECT json_extract(value, '$[0]'), 'contact', json_extract(value, '$[1]'), json_extract(value, '$[2]'), $2, $3,
       json_extract(value, '$[3]')
FROM json_each($1)
ORDER BY key;

-- Deferred indexes (sql/deferred_indexes.cc) ----------------------------------

-- The CREATE statement of index $1, when it exists.
-- name: deferred_index_definition
SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1 AND sql IS NOT NULL;

-- name: deferred_index_record
INSERT INTO deferred_indexes (name, definition, deferred_at_us) VALUES ($1, $2, $3);

-- name: deferred_index_next
SELECT name, definition FROM deferred_indexes ORDER BY name LIMIT 1;

-- name: deferred_index_clear
DELETE FROM deferred_indexes WHERE name = $1;
