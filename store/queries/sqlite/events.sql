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

-- The events of several subjects of one type, newest first (ReadSubjects).
-- $2 is a JSON array of subject ids; the IN list lets the planner probe the
-- events_subject index once per id.
-- name: event_read_subjects
SELECT sequence, kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload
FROM events
WHERE subject_type = $1 AND subject_id IN (SELECT value FROM json_each($2)) AND sequence < $3
ORDER BY sequence DESC
LIMIT $4;

-- As event_read_subjects, only the kinds in the JSON array $5.
-- name: event_read_subjects_of_kinds
SELECT sequence, kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload
FROM events
WHERE subject_type = $1 AND subject_id IN (SELECT value FROM json_each($2)) AND sequence < $3
  AND kind IN (SELECT value FROM json_each($5))
ORDER BY sequence DESC
LIMIT $4;
