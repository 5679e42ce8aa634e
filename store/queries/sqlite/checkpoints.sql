-- Consumer checkpoints (repositories/checkpoints.cc). SQLite has one writer,
-- so the plain SELECT already holds the checkpoint for the transaction.
-- name: checkpoint_create
-- The NOT EXISTS keeps an existing checkpoint from being touched at all, so a
-- row another transaction holds does not make this insert wait for it.
INSERT INTO consumer_checkpoints (consumer, position, updated_at_us)
SELECT $1, 0, $2 WHERE NOT EXISTS (SELECT 1 FROM consumer_checkpoints WHERE consumer = $1)
ON CONFLICT (consumer) DO NOTHING;

-- name: checkpoint_lock
SELECT position FROM consumer_checkpoints WHERE consumer = $1;

-- name: checkpoint_position
SELECT position FROM consumer_checkpoints WHERE consumer = $1;

-- name: checkpoint_advance
UPDATE consumer_checkpoints SET position = $2, updated_at_us = $3 WHERE consumer = $1;

-- name: checkpoint_list
SELECT consumer, position, updated_at_us FROM consumer_checkpoints ORDER BY consumer;
