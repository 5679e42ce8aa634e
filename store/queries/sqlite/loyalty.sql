-- The loyalty programme (repositories/loyalty.cc): purchases, refunds, the
-- ledger, lots, balances, rules and idempotency records. Lists of ids travel
-- as one JSON array parameter (json_each). A contact parameter of 0 in the
-- ledger checks means every contact.
--
-- Column orders the repository reads by position:
--   purchases: id, contact_id, company_id, lines_json, total_minor, currency, channel, store, occurred_at_us,
--              external_id, points_earned, rules_version, refunded_minor, points_reversed, recorded_at_us
--   lots:      id, contact_id, transaction_id, points, remaining, state, earned_at_us, available_at_us,
--              expires_at_us, purchase_id
--   refunds:   id, purchase_id, amount_minor, reason, external_id, occurred_at_us, points_reversed,
--              points_written_off, recorded_at_us

-- Purchases and refunds ------------------------------------------------------

-- No row back when the external id is held (purchases_external_id).
-- name: loyalty_purchase_insert
INSERT INTO purchases (contact_id, company_id, lines_json, total_minor, currency, channel, store, occurred_at_us,
                       external_id, points_earned, rules_version, refunded_minor, points_reversed, recorded_at_us)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, 0, $12)
ON CONFLICT DO NOTHING
RETURNING id;

-- name: loyalty_purchase_get
SELECT id, contact_id, company_id, lines_json, total_minor, currency, channel, store, occurred_at_us, external_id,
       points_earned, rules_version, refunded_minor, points_reversed, recorded_at_us
FROM purchases
WHERE id = $1;

-- name: loyalty_purchase_by_external_id
SELECT id, contact_id, company_id, lines_json, total_minor, currency, channel, store, occurred_at_us, external_id,
       points_earned, rules_version, refunded_minor, points_reversed, recorded_at_us
FROM purchases
WHERE external_id = $1 AND external_id <> '';

-- Newest first strictly below the keyset ($2 occurred_at_us, $3 id) (purchases_contact).
-- name: loyalty_purchase_list
SELECT id, contact_id, company_id, lines_json, total_minor, currency, channel, store, occurred_at_us, external_id,
       points_earned, rules_version, refunded_minor, points_reversed, recorded_at_us
FROM purchases
WHERE contact_id = $1 AND (occurred_at_us, id) < ($2, $3)
ORDER BY occurred_at_us DESC, id DESC
LIMIT $4;

-- Adds a refund to its purchase unless the refunds would exceed the total;
-- changes no row then. The row lock it takes orders concurrent refunds.
-- name: loyalty_purchase_add_refund
UPDATE purchases
SET refunded_minor = refunded_minor + $2, points_reversed = points_reversed + $3
WHERE id = $1 AND refunded_minor + $2 <= total_minor;

-- name: loyalty_refund_insert
INSERT INTO purchase_refunds (purchase_id, amount_minor, reason, external_id, occurred_at_us, points_reversed,
                              points_written_off, recorded_at_us)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT DO NOTHING
RETURNING id;

-- name: loyalty_refund_list
SELECT id, purchase_id, amount_minor, reason, external_id, occurred_at_us, points_reversed, points_written_off,
       recorded_at_us
FROM purchase_refunds
WHERE purchase_id = $1
ORDER BY id
LIMIT $2;

-- name: loyalty_refund_by_external_id
SELECT id, purchase_id, amount_minor, reason, external_id, occurred_at_us, points_reversed, points_written_off,
       recorded_at_us
FROM purchase_refunds
WHERE purchase_id = $1 AND external_id = $2 AND external_id <> '';

-- Accounts -------------------------------------------------------------------

-- name: loyalty_account_get
SELECT contact_id, available, pending, earned_total, redeemed_total, expired_total, last_activity_at_us
FROM loyalty_accounts
WHERE contact_id = $1;

-- name: loyalty_account_ensure
INSERT INTO loyalty_accounts (contact_id) VALUES ($1) ON CONFLICT DO NOTHING;

-- The single writer already serialises postings; PostgreSQL locks the row.
-- name: loyalty_account_lock
SELECT contact_id, available, pending, earned_total, redeemed_total, expired_total, last_activity_at_us
FROM loyalty_accounts
WHERE contact_id = $1;

-- name: loyalty_account_set
UPDATE loyalty_accounts
SET available = $2, pending = $3, earned_total = $4, redeemed_total = $5, expired_total = $6,
    last_activity_at_us = $7
WHERE contact_id = $1;

-- Lots -----------------------------------------------------------------------

-- The lots of the JSON array $1, by id (PostgreSQL locks them).
-- name: loyalty_lots_lock
SELECT id, contact_id, transaction_id, points, remaining, state, earned_at_us, available_at_us, expires_at_us,
       purchase_id
FROM point_lots
WHERE id IN (SELECT value FROM json_each($1))
ORDER BY id;

-- name: loyalty_lot_insert
INSERT INTO point_lots (contact_id, transaction_id, points, remaining, state, earned_at_us, available_at_us,
                        expires_at_us, purchase_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: loyalty_lot_set
UPDATE point_lots SET remaining = $2, state = $3 WHERE id = $1;

-- Oldest earned first (point_lots_open).
-- name: loyalty_lots_open
SELECT id, contact_id, transaction_id, points, remaining, state, earned_at_us, available_at_us, expires_at_us,
       purchase_id
FROM point_lots
WHERE contact_id = $1 AND remaining > 0
ORDER BY earned_at_us, id
LIMIT $2;

-- name: loyalty_lots_of_purchase
SELECT id, contact_id, transaction_id, points, remaining, state, earned_at_us, available_at_us, expires_at_us,
       purchase_id
FROM point_lots
WHERE purchase_id = $1
ORDER BY id;

-- name: loyalty_due_releases
SELECT id, contact_id, transaction_id, points, remaining, state, earned_at_us, available_at_us, expires_at_us,
       purchase_id
FROM point_lots
WHERE state = 'pending' AND remaining > 0 AND available_at_us <= $1
ORDER BY available_at_us, id
LIMIT $2;

-- name: loyalty_due_expiries
SELECT id, contact_id, transaction_id, points, remaining, state, earned_at_us, available_at_us, expires_at_us,
       purchase_id
FROM point_lots
WHERE state = 'available' AND remaining > 0 AND expires_at_us <= $1
ORDER BY expires_at_us, id
LIMIT $2;

-- name: loyalty_inactive_members
SELECT contact_id
FROM loyalty_accounts
WHERE available > 0 AND last_activity_at_us <= $1
ORDER BY last_activity_at_us, contact_id
LIMIT $2;

-- The ledger -----------------------------------------------------------------

-- name: loyalty_transaction_insert
INSERT INTO ledger_transactions (kind, contact_id, purchase_id, refund_id, occurred_at_us, recorded_at_us, actor,
                                 reason, explanation_json)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- Newest first strictly below $2 (ledger_transactions_contact).
-- name: loyalty_ledger_list
SELECT id, kind, contact_id, purchase_id, refund_id, occurred_at_us, recorded_at_us, actor, reason, explanation_json
FROM ledger_transactions
WHERE contact_id = $1 AND id < $2
ORDER BY id DESC
LIMIT $3;

-- The entries of contact $1's transactions with ids in [$2, $3]: one page of
-- loyalty_ledger_list is such a range.
-- name: loyalty_ledger_entries
SELECT ledger_entries.id, ledger_entries.transaction_id, ledger_entries.account, ledger_entries.contact_id,
       ledger_entries.lot_id, ledger_entries.points
FROM ledger_transactions JOIN ledger_entries ON ledger_entries.transaction_id = ledger_transactions.id
WHERE ledger_transactions.contact_id = $1 AND ledger_transactions.id BETWEEN $2 AND $3
ORDER BY ledger_entries.transaction_id, ledger_entries.id;

-- Member credits of earn postings occurring in [$2, $3) (ledger_transactions_earn).
-- name: loyalty_earned_between
SELECT COALESCE(SUM(ledger_entries.points), 0)
FROM ledger_transactions JOIN ledger_entries ON ledger_entries.transaction_id = ledger_transactions.id
WHERE ledger_transactions.contact_id = $1 AND ledger_transactions.kind = 'earn'
  AND ledger_transactions.occurred_at_us >= $2 AND ledger_transactions.occurred_at_us < $3
  AND ledger_entries.account IN ('available', 'pending') AND ledger_entries.points > 0;

-- Ledger checks (CheckLedger) --------------------------------------------------

-- Transactions, entries and the issued account's balance.
-- name: loyalty_check_totals
SELECT (SELECT COUNT(*) FROM ledger_transactions WHERE $1 = 0 OR contact_id = $1),
       (SELECT COUNT(*)
        FROM ledger_transactions JOIN ledger_entries ON ledger_entries.transaction_id = ledger_transactions.id
        WHERE $1 = 0 OR ledger_transactions.contact_id = $1),
       (SELECT COALESCE(SUM(ledger_entries.points), 0)
        FROM ledger_transactions JOIN ledger_entries ON ledger_entries.transaction_id = ledger_transactions.id
        WHERE ledger_entries.account = 'issued' AND ($1 = 0 OR ledger_transactions.contact_id = $1));

-- Transactions whose entries do not sum to zero or that have fewer than two.
-- name: loyalty_check_transactions
SELECT ledger_transactions.id, COALESCE(SUM(ledger_entries.points), 0), COUNT(ledger_entries.id)
FROM ledger_transactions LEFT JOIN ledger_entries ON ledger_entries.transaction_id = ledger_transactions.id
WHERE $1 = 0 OR ledger_transactions.contact_id = $1
GROUP BY ledger_transactions.id
HAVING COALESCE(SUM(ledger_entries.points), 0) <> 0 OR COUNT(ledger_entries.id) < 2
ORDER BY ledger_transactions.id
LIMIT $2;

-- Lots whose remaining is not the sum of their entries, is negative, or does
-- not match their state.
-- name: loyalty_check_lots
SELECT point_lots.id, point_lots.remaining, point_lots.state, COALESCE(SUM(ledger_entries.points), 0)
FROM point_lots LEFT JOIN ledger_entries ON ledger_entries.lot_id = point_lots.id
WHERE $1 = 0 OR point_lots.contact_id = $1
GROUP BY point_lots.id, point_lots.remaining, point_lots.state
HAVING point_lots.remaining <> COALESCE(SUM(ledger_entries.points), 0) OR point_lots.remaining < 0
    OR (point_lots.remaining = 0 AND point_lots.state IN ('pending', 'available'))
    OR (point_lots.remaining > 0 AND point_lots.state IN ('spent', 'expired'))
ORDER BY point_lots.id
LIMIT $2;

-- Members whose balances are not the sums of their entries (or negative), and
-- members with entries but no account row (available/pending NULL).
-- name: loyalty_check_accounts
WITH sums AS (
  SELECT contact_id,
         SUM(CASE WHEN account = 'available' THEN points ELSE 0 END) AS available,
         SUM(CASE WHEN account = 'pending' THEN points ELSE 0 END) AS pending
  FROM ledger_entries
  WHERE contact_id IS NOT NULL AND ($1 = 0 OR contact_id = $1)
  GROUP BY contact_id
),
members AS (
  SELECT contact_id FROM sums
  UNION
  SELECT contact_id FROM loyalty_accounts WHERE $1 = 0 OR contact_id = $1
)
SELECT members.contact_id, loyalty_accounts.available, loyalty_accounts.pending, COALESCE(sums.available, 0),
       COALESCE(sums.pending, 0)
FROM members
LEFT JOIN loyalty_accounts ON loyalty_accounts.contact_id = members.contact_id
LEFT JOIN sums ON sums.contact_id = members.contact_id
WHERE loyalty_accounts.contact_id IS NULL
   OR loyalty_accounts.available <> COALESCE(sums.available, 0)
   OR loyalty_accounts.pending <> COALESCE(sums.pending, 0)
   OR loyalty_accounts.available < 0 OR loyalty_accounts.pending < 0
ORDER BY members.contact_id
LIMIT $2;

-- Rules ----------------------------------------------------------------------

-- name: loyalty_rules_current
SELECT version, rules_json, created_at_us, created_by FROM loyalty_rules ORDER BY version DESC LIMIT 1;

-- name: loyalty_rules_version
SELECT version, rules_json, created_at_us, created_by FROM loyalty_rules WHERE version = $1;

-- No row back when the version was taken in between.
-- name: loyalty_rules_insert
INSERT INTO loyalty_rules (version, rules_json, created_at_us, created_by)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
RETURNING version;

-- Idempotency ----------------------------------------------------------------

-- name: loyalty_idempotency_get
SELECT scope, key, request_hash, status_code, response_json, created_at_us
FROM idempotency_keys
WHERE scope = $1 AND key = $2;

-- name: loyalty_idempotency_insert
INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_json, created_at_us)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING;

-- The oldest records created before $1, at most $2 (idempotency_keys_created).
-- name: loyalty_idempotency_prune
DELETE FROM idempotency_keys
WHERE (scope, key) IN (
  SELECT scope, key FROM idempotency_keys WHERE created_at_us < $1 ORDER BY created_at_us LIMIT $2
);
