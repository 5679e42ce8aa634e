-- The card's details (repositories/card_details.cc): notes and their search
-- index, tasks, the consent history, interests, merges and the row moves of a
-- merge. Lists of ids travel as one JSON array parameter (jsonb).
-- Parameters that may be NULL carry a cast so their type never depends on
-- inference.

-- Notes ----------------------------------------------------------------------

-- name: note_insert
INSERT INTO notes (contact_id, body, author, created_at_us, updated_at_us)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: note_update
UPDATE notes SET body = $2, updated_at_us = $3 WHERE id = $1;

-- name: note_delete
DELETE FROM notes WHERE id = $1;

-- The search document of note $1: domain::FoldForSearch(body), kept in
-- notes.search_text under the GIN index notes_search.
-- name: note_search_set
UPDATE notes SET search_text = $2 WHERE id = $1;

-- name: note_search_delete
UPDATE notes SET search_text = '' WHERE id = $1;

-- name: note_get
SELECT id, contact_id, body, author, created_at_us, updated_at_us FROM notes WHERE id = $1;

-- Newest first below the keyset $2 (notes_contact index).
-- name: note_list
SELECT id, contact_id, body, author, created_at_us, updated_at_us
FROM notes
WHERE contact_id = $1 AND id < $2
ORDER BY id DESC
LIMIT $3;

-- Contacts with a note matching the tsquery $1 ('t1:* & t2:*'); the
-- expression matches the GIN index's.
-- name: note_search_contacts
SELECT DISTINCT contact_id
FROM notes
WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', $1) AND contact_id < $2
ORDER BY contact_id DESC
LIMIT $3;

-- Tasks ----------------------------------------------------------------------

-- name: task_insert
INSERT INTO tasks (contact_id, title, details, assignee_user_id, due_at_us, remind_at_us, done, done_at_us,
                   created_by, created_at_us, updated_at_us)
VALUES ($1, $2, $3, $4::bigint, $5::bigint, $6::bigint, $7, $8::bigint, $9, $10, $11)
RETURNING id;

-- name: task_update
UPDATE tasks
SET title = $2, details = $3, assignee_user_id = $4::bigint, due_at_us = $5::bigint, remind_at_us = $6::bigint,
    done = $7, done_at_us = $8::bigint,
    updated_at_us = $9
WHERE id = $1;

-- name: task_get
SELECT id, contact_id, title, details, assignee_user_id, due_at_us, remind_at_us, done, done_at_us, created_by,
       created_at_us, updated_at_us
FROM tasks WHERE id = $1;

-- Due date ascending with undated tasks last (a NULL due date sorts as the
-- largest int64), then id; the keyset is the last row's (due date, id). The
-- highest `done` value listed is 0 for open tasks only, 1 for all. One query
-- per filter, so each uses its index (tasks_contact, tasks_assignee) instead
-- of an OR with a parameter that the planner cannot see through.
-- name: task_list_contact
SELECT id, contact_id, title, details, assignee_user_id, due_at_us, remind_at_us, done, done_at_us, created_by,
       created_at_us, updated_at_us
FROM tasks
WHERE contact_id = $1
  AND ($2::bigint IS NULL OR assignee_user_id = $2::bigint)
  AND done BETWEEN 0 AND $3::bigint
  AND (coalesce(due_at_us, 9223372036854775807), id) > ($4::bigint, $5::bigint)
ORDER BY coalesce(due_at_us, 9223372036854775807), id
LIMIT $6;

-- name: task_list_assignee
SELECT id, contact_id, title, details, assignee_user_id, due_at_us, remind_at_us, done, done_at_us, created_by,
       created_at_us, updated_at_us
FROM tasks
WHERE assignee_user_id = $1
  AND done BETWEEN 0 AND $2::bigint
  AND (coalesce(due_at_us, 9223372036854775807), id) > ($3::bigint, $4::bigint)
ORDER BY coalesce(due_at_us, 9223372036854775807), id
LIMIT $5;

-- name: task_list_all
SELECT id, contact_id, title, details, assignee_user_id, due_at_us, remind_at_us, done, done_at_us, created_by,
       created_at_us, updated_at_us
FROM tasks
WHERE done BETWEEN 0 AND $1::bigint
  AND (coalesce(due_at_us, 9223372036854775807), id) > ($2::bigint, $3::bigint)
ORDER BY coalesce(due_at_us, 9223372036854775807), id
LIMIT $4;

-- Consents -------------------------------------------------------------------

-- name: consent_append
INSERT INTO consent_history (contact_id, channel, purpose, status, recorded_at_us, method, proof, actor, created_at_us)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- The newest entry per (channel, purpose).
-- name: consent_current
SELECT id, contact_id, channel, purpose, status, recorded_at_us, method, proof, actor
FROM consent_history
WHERE id IN (SELECT max(id) FROM consent_history WHERE contact_id = $1 GROUP BY channel, purpose)
ORDER BY channel, purpose;

-- name: consent_history
SELECT id, contact_id, channel, purpose, status, recorded_at_us, method, proof, actor
FROM consent_history
WHERE contact_id = $1 AND id < $2
ORDER BY id DESC
LIMIT $3;

-- Interests ------------------------------------------------------------------

-- name: interest_category_upsert
INSERT INTO interest_categories (key, name) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET name = excluded.name
RETURNING id;

-- name: interest_category_list
SELECT id, key, name FROM interest_categories ORDER BY key;

-- No row comes back when the key belongs to another category.
-- name: interest_upsert
INSERT INTO interests (category_id, key, name) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET name = excluded.name WHERE interests.category_id = excluded.category_id
RETURNING id;

-- name: interest_find
SELECT id, category_id FROM interests WHERE key = $1;

-- name: interest_count
SELECT count(*) FROM interests;

-- name: interest_list
SELECT interests.id, interests.category_id, interests.key, interests.name
FROM interests JOIN interest_categories ON interest_categories.id = interests.category_id
ORDER BY interest_categories.key, interests.key;

-- name: contact_interest_set
INSERT INTO contact_interests (contact_id, interest_id, source, strength, updated_at_us)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (contact_id, interest_id, source) DO UPDATE
SET strength = excluded.strength, updated_at_us = excluded.updated_at_us;

-- name: contact_interest_remove
DELETE FROM contact_interests WHERE contact_id = $1 AND interest_id = $2 AND source = $3;

-- Strongest first.
-- name: contact_interest_list
SELECT contact_interests.interest_id, interests.key, interests.name, interest_categories.key,
       contact_interests.source, contact_interests.strength, contact_interests.updated_at_us
FROM contact_interests
JOIN interests ON interests.id = contact_interests.interest_id
JOIN interest_categories ON interest_categories.id = interests.category_id
WHERE contact_interests.contact_id = $1
ORDER BY contact_interests.strength DESC, interests.key, contact_interests.source;

-- Merges ---------------------------------------------------------------------

-- name: merge_insert
INSERT INTO contact_merges (survivor_id, merged_id, survivor_before_json, moved_json, actor, merged_at_us)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: merge_mark_undone
UPDATE contact_merges SET undone_at_us = $2 WHERE id = $1 AND undone_at_us IS NULL;

-- name: merge_get
SELECT id, survivor_id, merged_id, survivor_before_json, moved_json, actor, merged_at_us, undone_at_us
FROM contact_merges WHERE id = $1;

-- name: merge_list_into
SELECT id, survivor_id, merged_id, survivor_before_json, moved_json, actor, merged_at_us, undone_at_us
FROM contact_merges WHERE survivor_id = $1
ORDER BY id DESC;

-- Every contact merged into $1 through merges not undone. UNION (not UNION
-- ALL) drops rows already found, so a cycle ends; $2 bounds the answer.
-- name: merge_merged_contacts
WITH RECURSIVE merged (id) AS (
  SELECT merged_id FROM contact_merges WHERE survivor_id = $1 AND undone_at_us IS NULL
  UNION
  SELECT contact_merges.merged_id
  FROM contact_merges JOIN merged ON contact_merges.survivor_id = merged.id
  WHERE contact_merges.undone_at_us IS NULL
)
SELECT id FROM merged WHERE id <> $1 LIMIT $2;

-- Moving a contact's rows (merge) and back (undo) ------------------------------

-- The rows a move of contact $1 to $2 would touch.
-- name: merge_count_rows
SELECT (SELECT count(*) FROM notes WHERE contact_id = $1)
     + (SELECT count(*) FROM tasks WHERE contact_id = $1)
     + (SELECT count(*) FROM consent_history WHERE contact_id = $1)
     + (SELECT count(*) FROM purchases WHERE contact_id = $1)
     + (SELECT count(*) FROM coupons WHERE contact_id = $1)
     + (SELECT count(*) FROM coupon_uses WHERE contact_id = $1)
     + (SELECT count(*) FROM referrals WHERE referrer_id = $1 OR referred_id = $1)
     + (SELECT count(*) FROM contact_companies AS source_links WHERE source_links.contact_id = $1
          AND NOT EXISTS (SELECT 1 FROM contact_companies AS target_links
                          WHERE target_links.contact_id = $2 AND target_links.company_id = source_links.company_id))
     + (SELECT count(*) FROM contact_interests AS source_interests WHERE source_interests.contact_id = $1
          AND NOT EXISTS (SELECT 1 FROM contact_interests AS target_interests
                          WHERE target_interests.contact_id = $2
                            AND target_interests.interest_id = source_interests.interest_id
                            AND target_interests.source = source_interests.source));

-- name: merge_move_notes
UPDATE notes SET contact_id = $2 WHERE contact_id = $1 RETURNING id;

-- name: merge_move_tasks
UPDATE tasks SET contact_id = $2 WHERE contact_id = $1 RETURNING id;

-- name: merge_move_consents
UPDATE consent_history SET contact_id = $2 WHERE contact_id = $1 RETURNING id;

-- name: merge_move_purchases
UPDATE purchases SET contact_id = $2 WHERE contact_id = $1 RETURNING id;

-- name: merge_move_coupons
UPDATE coupons SET contact_id = $2 WHERE contact_id = $1 RETURNING id;

-- name: merge_move_coupon_uses
UPDATE coupon_uses SET contact_id = $2 WHERE contact_id = $1 RETURNING id;

-- The referrals $1 made, but not that of $2 itself (nobody refers themselves).
-- name: merge_move_referrals_made
UPDATE referrals SET referrer_id = $2 WHERE referrer_id = $1 AND referred_id <> $2 RETURNING id;

-- The referral that brought $1, when nobody brought $2 and $2 was not the referrer.
-- name: merge_move_referral_of
UPDATE referrals SET referred_id = $2
WHERE referred_id = $1 AND referrer_id <> $2
  AND NOT EXISTS (SELECT 1 FROM referrals AS held WHERE held.referred_id = $2)
RETURNING id;

-- $1's referral code, when $2 has none.
-- name: merge_move_referral_code
UPDATE referral_codes SET contact_id = $2
WHERE contact_id = $1 AND NOT EXISTS (SELECT 1 FROM referral_codes AS held WHERE held.contact_id = $2)
RETURNING $1;

-- Links of $1 to companies $2 lacks, copied to $2 (never as its primary).
-- name: merge_copy_company_links
INSERT INTO contact_companies (contact_id, company_id, job_title, is_primary, linked_at_us)
SELECT $2, source_links.company_id, source_links.job_title, 0, $3
FROM contact_companies AS source_links
WHERE source_links.contact_id = $1
  AND NOT EXISTS (SELECT 1 FROM contact_companies AS target_links
                  WHERE target_links.contact_id = $2 AND target_links.company_id = source_links.company_id)
RETURNING company_id;

-- Interests of $1 per (interest, source) that $2 lacks, copied to $2.
-- name: merge_copy_interests
INSERT INTO contact_interests (contact_id, interest_id, source, strength, updated_at_us)
SELECT $2, source_interests.interest_id, source_interests.source, source_interests.strength,
       source_interests.updated_at_us
FROM contact_interests AS source_interests
WHERE source_interests.contact_id = $1
  AND NOT EXISTS (SELECT 1 FROM contact_interests AS target_interests
                  WHERE target_interests.contact_id = $2
                    AND target_interests.interest_id = source_interests.interest_id
                    AND target_interests.source = source_interests.source)
RETURNING interest_id, source;

-- Undo: rows of $1 whose ids are in the JSON array $3 go back to $2.
-- name: merge_restore_notes
UPDATE notes SET contact_id = $2 WHERE contact_id = $1
  AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint));

-- name: merge_restore_tasks
UPDATE tasks SET contact_id = $2 WHERE contact_id = $1
  AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint));

-- name: merge_restore_consents
UPDATE consent_history SET contact_id = $2 WHERE contact_id = $1
  AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint));

-- name: merge_restore_purchases
UPDATE purchases SET contact_id = $2 WHERE contact_id = $1
  AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint));

-- name: merge_restore_coupons
UPDATE coupons SET contact_id = $2 WHERE contact_id = $1
  AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint));

-- name: merge_restore_coupon_uses
UPDATE coupon_uses SET contact_id = $2 WHERE contact_id = $1
  AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint));

-- name: merge_restore_referrals_made
UPDATE referrals SET referrer_id = $2 WHERE referrer_id = $1
  AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint));

-- name: merge_restore_referral_of
UPDATE referrals SET referred_id = $2 WHERE referred_id = $1
  AND id = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint));

-- name: merge_restore_referral_code
UPDATE referral_codes SET contact_id = $2 WHERE contact_id = $1;

-- Copied links the survivor has not since made its primary.
-- name: merge_remove_company_links
DELETE FROM contact_companies
WHERE contact_id = $1 AND is_primary = 0
  AND company_id = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::bigint));

-- name: merge_remove_interest
DELETE FROM contact_interests WHERE contact_id = $1 AND interest_id = $2 AND source = $3;
