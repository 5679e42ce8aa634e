-- The bulk purchase import (repositories/loyalty_import.cc): reads for the
-- re-run check and the caps, id reservations and the multi-row writes that
-- are not plain row copies (COPY). Lists travel as one JSON array parameter.

-- The purchases holding one of the external ids of the JSON array $1
-- (purchases_external_id). Column order as loyalty_purchase_get.
-- name: loyalty_import_purchases_by_external_ids
SELECT id, contact_id, company_id, lines_json, total_minor, currency, channel, store, occurred_at_us, external_id,
       points_earned, rules_version, refunded_minor, points_reversed, recorded_at_us
FROM purchases
WHERE external_id IN (SELECT value FROM json_array_elements_text($1::json)) AND external_id <> '';

-- Which contacts of the JSON array $1 exist, and whom each was merged into.
-- name: loyalty_import_contact_states
SELECT id, merged_into FROM contacts WHERE id IN (SELECT value::bigint FROM json_array_elements_text($1::json));

-- Member credits of earn postings of the contacts of the JSON array $1
-- occurring in [$2, $3), one row per posting (ledger_transactions_earn).
-- name: loyalty_import_earnings
SELECT ledger_transactions.contact_id, ledger_transactions.occurred_at_us, SUM(ledger_entries.points)::bigint
FROM ledger_transactions JOIN ledger_entries ON ledger_entries.transaction_id = ledger_transactions.id
WHERE ledger_transactions.contact_id IN (SELECT value::bigint FROM json_array_elements_text($1::json))
  AND ledger_transactions.kind = 'earn'
  AND ledger_transactions.occurred_at_us >= $2::bigint AND ledger_transactions.occurred_at_us < $3::bigint
  AND ledger_entries.account IN ('available', 'pending') AND ledger_entries.points > 0
GROUP BY ledger_transactions.id, ledger_transactions.contact_id, ledger_transactions.occurred_at_us
ORDER BY ledger_transactions.contact_id, ledger_transactions.occurred_at_us;

-- name: loyalty_import_reserve_transaction_ids
SELECT nextval(pg_get_serial_sequence('ledger_transactions', 'id')) FROM generate_series(1, $1::bigint);

-- name: loyalty_import_reserve_lot_ids
SELECT nextval(pg_get_serial_sequence('point_lots', 'id')) FROM generate_series(1, $1::bigint);

-- Adds the batch's earnings to the members' accounts (created when new), in
-- contact order so concurrent writers lock rows in one order. $1: a JSON
-- array of [contact_id, available, pending, earned, last_activity_at_us].
-- name: loyalty_import_accounts_add
INSERT INTO loyalty_accounts (contact_id, available, pending, earned_total, redeemed_total, expired_total,
                              last_activity_at_us)
SELECT (value ->> 0)::bigint, (value ->> 1)::bigint, (value ->> 2)::bigint, (value ->> 3)::bigint, 0, 0,
       (value ->> 4)::bigint
FROM json_array_elements($1::json) AS value
ORDER BY (value ->> 0)::bigint
ON CONFLICT (contact_id) DO UPDATE
SET available = loyalty_accounts.available + EXCLUDED.available,
    pending = loyalty_accounts.pending + EXCLUDED.pending,
    earned_total = loyalty_accounts.earned_total + EXCLUDED.earned_total,
    last_activity_at_us = GREATEST(loyalty_accounts.last_activity_at_us, EXCLUDED.last_activity_at_us);

-- One contact event per element of the JSON array $1:
-- [kind, contact_id, occurred_at_us, payload]; $2 recorded_at_us, $3 actor.
-- Through rapport_append_event, which keeps the event ordering contract.
-- name: loyalty_import_events
SELECT rapport_append_event(value ->> 0, 'contact', (value ->> 1)::bigint, (value ->> 2)::bigint, $2::bigint,
                            $3::text, value ->> 3)
FROM json_array_elements($1::json) WITH ORDINALITY AS element(value, position)
ORDER BY position;

-- Deferred indexes (sql/deferred_indexes.cc) ----------------------------------

-- The CREATE statement of index $1 in the current schema, when it exists.
-- name: deferred_index_definition
SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1;

-- name: deferred_index_record
INSERT INTO deferred_indexes (name, definition, deferred_at_us) VALUES ($1, $2, $3);

-- name: deferred_index_next
SELECT name, definition FROM deferred_indexes ORDER BY name LIMIT 1;

-- name: deferred_index_clear
DELETE FROM deferred_indexes WHERE name = $1;
