-- The rewards catalogue and redemptions (repositories/rewards.cc).
--
-- Column orders the repository reads by position:
--   rewards:     id, name, description, kind, points_price, stock, per_customer_limit, available_from_us,
--                available_until_us, active, created_at_us, updated_at_us
--   redemptions: id, reward_id, contact_id, quantity, points, state, transaction_id, cancel_transaction_id,
--                created_at_us, cancelled_at_us, actor, external_id

-- Rewards ----------------------------------------------------------------------

-- name: rewards_insert
INSERT INTO rewards (name, description, kind, points_price, stock, per_customer_limit, available_from_us,
                     available_until_us, active, created_at_us, updated_at_us)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
RETURNING id;

-- name: rewards_update
UPDATE rewards
SET name = $2, description = $3, kind = $4, points_price = $5, stock = $6, per_customer_limit = $7,
    available_from_us = $8, available_until_us = $9, active = $10, updated_at_us = $11
WHERE id = $1;

-- name: rewards_get
SELECT id, name, description, kind, points_price, stock, per_customer_limit, available_from_us, available_until_us,
       active, created_at_us, updated_at_us
FROM rewards
WHERE id = $1;

-- Ascending ids after $1; $2 = 1: inactive ones too.
-- name: rewards_list
SELECT id, name, description, kind, points_price, stock, per_customer_limit, available_from_us, available_until_us,
       active, created_at_us, updated_at_us
FROM rewards
WHERE id > $1 AND (active = 1 OR $2 = 1)
ORDER BY id
LIMIT $3;

-- The single writer already serialises a member's redemptions; PostgreSQL locks the row.
-- name: rewards_member_ensure
INSERT INTO loyalty_accounts (contact_id) VALUES ($1) ON CONFLICT DO NOTHING;

-- name: rewards_member_lock
SELECT contact_id FROM loyalty_accounts WHERE contact_id = $1;

-- No row back when the stock holds less than $2 (unlimited stock always gives one).
-- name: rewards_take_stock
UPDATE rewards SET stock = CASE WHEN stock IS NULL THEN NULL ELSE stock - $2 END
WHERE id = $1 AND (stock IS NULL OR stock >= $2)
RETURNING id;

-- name: rewards_restore_stock
UPDATE rewards SET stock = stock + $2 WHERE id = $1 AND stock IS NOT NULL;

-- Redemptions ------------------------------------------------------------------

-- No row back when the contact already holds the external id (redemptions_external_id).
-- name: redemptions_insert
INSERT INTO redemptions (reward_id, contact_id, quantity, points, state, transaction_id, created_at_us, actor,
                         external_id)
VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8)
ON CONFLICT DO NOTHING
RETURNING id;

-- name: redemptions_get
SELECT id, reward_id, contact_id, quantity, points, state, transaction_id, cancel_transaction_id, created_at_us,
       cancelled_at_us, actor, external_id
FROM redemptions
WHERE id = $1;

-- Newest first strictly below $2 (redemptions_contact).
-- name: redemptions_list
SELECT id, reward_id, contact_id, quantity, points, state, transaction_id, cancel_transaction_id, created_at_us,
       cancelled_at_us, actor, external_id
FROM redemptions
WHERE contact_id = $1 AND id < $2
ORDER BY id DESC
LIMIT $3;

-- name: redemptions_by_external_id
SELECT id, reward_id, contact_id, quantity, points, state, transaction_id, cancel_transaction_id, created_at_us,
       cancelled_at_us, actor, external_id
FROM redemptions
WHERE contact_id = $1 AND external_id = $2 AND external_id <> '';

-- name: redemptions_active_quantity
SELECT COALESCE(SUM(quantity), 0) FROM redemptions WHERE contact_id = $1 AND reward_id = $2 AND state = 'active';

-- No row back when it is not active.
-- name: redemptions_cancel
UPDATE redemptions SET state = 'cancelled', cancel_transaction_id = $2, cancelled_at_us = $3
WHERE id = $1 AND state = 'active'
RETURNING id;
