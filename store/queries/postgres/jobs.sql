-- The durable job queue (repositories/job_queue.cc). Column order of every
-- job-returning query: id, kind, payload, state, attempts, attempts_max, run_at_us, created_at_us, finished_at_us, locked_by, locked_until_us, last_error, dedupe_key.
-- name: job_enqueue
INSERT INTO jobs (kind, payload, state, attempts, attempts_max, run_at_us, created_at_us, dedupe_key)
VALUES ($1, $2, 'ready', 0, $3, $4, $5, $6::text)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id;

-- name: job_find_by_dedupe_key
SELECT id FROM jobs WHERE dedupe_key = $1;

-- name: job_bury_expired
UPDATE jobs
SET state = 'dead', finished_at_us = $1, locked_by = '', locked_until_us = NULL,
  last_error = 'lease expired during the last attempt'
WHERE state = 'running' AND locked_until_us <= $1 AND attempts >= attempts_max;

-- name: job_claim
UPDATE jobs AS j
SET state = 'running', attempts = j.attempts + 1, locked_by = $1, locked_until_us = $2
FROM (
  SELECT id FROM jobs
  WHERE (state = 'ready' AND run_at_us <= $3)
     OR (state = 'running' AND locked_until_us <= $3 AND attempts < attempts_max)
  ORDER BY run_at_us, id
  LIMIT $4
  FOR UPDATE SKIP LOCKED) AS due
WHERE j.id = due.id
RETURNING j.id, j.kind, j.payload, j.state, j.attempts, j.attempts_max, j.run_at_us, j.created_at_us,
  j.finished_at_us, j.locked_by, j.locked_until_us, j.last_error, j.dedupe_key;

-- name: job_renew
UPDATE jobs SET locked_until_us = $3 WHERE id = $1 AND locked_by = $2 AND state = 'running';

-- name: job_complete
UPDATE jobs SET state = 'done', finished_at_us = $3, locked_by = '', locked_until_us = NULL
WHERE id = $1 AND locked_by = $2 AND state = 'running';

-- name: job_fail
UPDATE jobs
SET state = CASE WHEN $5::bigint IS NULL OR attempts >= attempts_max THEN 'dead' ELSE 'ready' END,
  run_at_us = coalesce($5::bigint, run_at_us),
  finished_at_us = CASE WHEN $5::bigint IS NULL OR attempts >= attempts_max THEN $3::bigint ELSE NULL END,
  last_error = $4, locked_by = '', locked_until_us = NULL
WHERE id = $1 AND locked_by = $2 AND state = 'running';

-- name: job_find
SELECT id, kind, payload, state, attempts, attempts_max, run_at_us, created_at_us, finished_at_us, locked_by, locked_until_us, last_error, dedupe_key FROM jobs WHERE id = $1;

-- name: job_list
SELECT id, kind, payload, state, attempts, attempts_max, run_at_us, created_at_us, finished_at_us, locked_by, locked_until_us, last_error, dedupe_key FROM jobs WHERE state = $1 AND id < $2 ORDER BY id DESC LIMIT $3;

-- name: job_counts
SELECT
  coalesce(sum(CASE WHEN state = 'ready' THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN state = 'ready' AND run_at_us <= $1 THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN state = 'done' THEN 1 ELSE 0 END), 0),
  coalesce(sum(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0)
FROM jobs;

-- name: job_prune_done
DELETE FROM jobs WHERE id IN (
  SELECT id FROM jobs WHERE state = 'done' AND finished_at_us < $1 ORDER BY id LIMIT $2);
