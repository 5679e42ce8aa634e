-- Users, sessions, API tokens and the audit log (repositories/accounts.cc).
-- Column orders: users: id, email, display_name, role, password_hash,
-- disabled, created_at_us, updated_at_us. sessions: id, token_digest, user_id,
-- csrf_token, created_at_us, last_seen_at_us, expires_at_us, remote,
-- user_agent. api_tokens: id, name, token_digest, role, created_by,
-- created_at_us, last_used_at_us, revoked_at_us. audit_log: sequence, at_us,
-- actor, action, subject_type, subject_id, remote, details_json,
-- previous_hash, hash.
-- name: user_insert
INSERT INTO users (email, display_name, role, password_hash, disabled, created_at_us, updated_at_us)
VALUES ($1, $2, $3, $4, false, $5, $5)
RETURNING id;

-- name: user_find
SELECT id, email, display_name, role, password_hash, disabled::integer, created_at_us, updated_at_us
FROM users WHERE id = $1;

-- name: user_find_by_email
SELECT id, email, display_name, role, password_hash, disabled::integer, created_at_us, updated_at_us
FROM users WHERE email = $1;

-- name: user_list
SELECT id, email, display_name, role, password_hash, disabled::integer, created_at_us, updated_at_us
FROM users ORDER BY id LIMIT $1;

-- name: user_count
SELECT count(*) FROM users;

-- name: user_update
UPDATE users
SET role = coalesce($2::text, role), password_hash = coalesce($3::text, password_hash),
  disabled = coalesce($4::bigint <> 0, disabled), display_name = coalesce($5::text, display_name), updated_at_us = $6
WHERE id = $1;

-- name: session_insert
INSERT INTO sessions (token_digest, user_id, csrf_token, created_at_us, last_seen_at_us, expires_at_us, remote,
                      user_agent)
VALUES ($1, $2, $3, $4, $4, $5, $6, $7)
RETURNING id;

-- name: session_find_by_digest
SELECT id, token_digest, user_id, csrf_token, created_at_us, last_seen_at_us, expires_at_us, remote, user_agent
FROM sessions WHERE token_digest = $1;

-- name: session_touch
UPDATE sessions SET last_seen_at_us = $2 WHERE id = $1;

-- name: session_delete
DELETE FROM sessions WHERE id = $1;

-- name: session_delete_of_user
DELETE FROM sessions WHERE user_id = $1;

-- name: session_delete_oldest_of_user
DELETE FROM sessions
WHERE user_id = $1
  AND id NOT IN (SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at_us DESC, id DESC LIMIT $2);

-- name: session_delete_expired
DELETE FROM sessions WHERE expires_at_us <= $1 OR last_seen_at_us + $2 <= $1;

-- name: token_insert
INSERT INTO api_tokens (name, token_digest, role, created_by, created_at_us)
VALUES ($1, $2, $3, $4::bigint, $5)
RETURNING id;

-- name: token_find
SELECT id, name, token_digest, role, created_by, created_at_us, last_used_at_us, revoked_at_us
FROM api_tokens WHERE id = $1;

-- name: token_find_by_digest
SELECT id, name, token_digest, role, created_by, created_at_us, last_used_at_us, revoked_at_us
FROM api_tokens WHERE token_digest = $1;

-- name: token_find_active_by_name
SELECT id, name, token_digest, role, created_by, created_at_us, last_used_at_us, revoked_at_us
FROM api_tokens WHERE name = $1 AND revoked_at_us IS NULL;

-- name: token_list
SELECT id, name, token_digest, role, created_by, created_at_us, last_used_at_us, revoked_at_us
FROM api_tokens ORDER BY id LIMIT $1;

-- name: token_count
SELECT count(*) FROM api_tokens;

-- name: token_revoke
UPDATE api_tokens SET revoked_at_us = $2 WHERE id = $1 AND revoked_at_us IS NULL;

-- name: token_touch
UPDATE api_tokens SET last_used_at_us = $2 WHERE id = $1;

-- name: audit_head_lock
SELECT sequence, hash FROM audit_head WHERE id = 1 FOR UPDATE;

-- name: audit_head_update
UPDATE audit_head SET sequence = $1, hash = $2 WHERE id = 1;

-- name: audit_insert
INSERT INTO audit_log (sequence, at_us, actor, action, subject_type, subject_id, remote, details_json,
                       previous_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: audit_list
SELECT sequence, at_us, actor, action, subject_type, subject_id, remote, details_json, previous_hash, hash
FROM audit_log
WHERE sequence < $1 AND ($2::text = '' OR starts_with(action, $2::text))
ORDER BY sequence DESC
LIMIT $3::bigint;

-- name: audit_list_by_actor
SELECT sequence, at_us, actor, action, subject_type, subject_id, remote, details_json, previous_hash, hash
FROM audit_log
WHERE actor = $4::text AND sequence < $1 AND ($2::text = '' OR starts_with(action, $2::text))
ORDER BY sequence DESC
LIMIT $3::bigint;

-- name: audit_scan
SELECT sequence, at_us, actor, action, subject_type, subject_id, remote, details_json, previous_hash, hash
FROM audit_log WHERE sequence > $1 ORDER BY sequence LIMIT $2;
