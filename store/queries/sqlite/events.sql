-- The event log (repositories/event_log.cc). The last column of event_read_after
-- says whether the event is released to consumers: always on SQLite, whose
-- single writer commits in sequence order.
-- name: event_append
INSERT INTO events (kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING sequence;

-- name: event_read_after
SELECT sequence, kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload, 1
FROM events
WHERE sequence > $1
ORDER BY sequence
LIMIT $2;

-- name: event_read_subject
SELECT sequence, kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload
FROM events
WHERE subject_type = $1 AND subject_id = $2 AND sequence < $3
ORDER BY sequence DESC
LIMIT $4;

-- name: event_last_sequence
SELECT coalesce(max(sequence), 0) FROM events;
