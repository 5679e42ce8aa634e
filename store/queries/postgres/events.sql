-- The event log (repositories/event_log.cc). The last column of event_read_after
-- says whether the event is released to consumers (see the ordering note in
-- migrations/postgres/0001_foundation.sql); the reader stops at the first one
-- that is not.
-- name: event_append
SELECT rapport_append_event($1, $2, $3, $4, $5, $6, $7);

-- name: event_read_after
SELECT sequence, kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload,
  CASE WHEN horizon_xid <= pg_snapshot_xmin(pg_current_snapshot()) THEN 1 ELSE 0 END
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
WITH first_held AS (
  SELECT min(sequence) AS sequence FROM events
  WHERE horizon_xid > pg_snapshot_xmin(pg_current_snapshot()))
SELECT coalesce(max(events.sequence), 0)
FROM events, first_held
WHERE first_held.sequence IS NULL OR events.sequence < first_held.sequence;

-- The events of several subjects of one type, newest first (ReadSubjects).
-- $2 is a JSON array of subject ids; = ANY lets the planner probe the
-- events_subject index once per id.
-- name: event_read_subjects
SELECT sequence, kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload
FROM events
WHERE subject_type = $1
  AND subject_id = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::bigint))
  AND sequence < $3
ORDER BY sequence DESC
LIMIT $4;

-- As event_read_subjects, only the kinds in the JSON array $5.
-- name: event_read_subjects_of_kinds
SELECT sequence, kind, subject_type, subject_id, occurred_at_us, recorded_at_us, actor, payload
FROM events
WHERE subject_type = $1
  AND subject_id = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::bigint))
  AND sequence < $3
  AND kind = ANY (ARRAY(SELECT jsonb_array_elements_text($5::jsonb)))
ORDER BY sequence DESC
LIMIT $4;
