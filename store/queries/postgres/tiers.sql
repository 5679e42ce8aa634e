-- Tier statuses, qualification, due reviews, bonus awards and birthdays
-- (repositories/tiers.cc).
--
-- Column orders the repository reads by position:
--   member_tiers: contact_id, tier_key, since_us, review_at_us, grace_until_us, updated_at_us
--   bonus_awards: contact_id, key, transaction_id, awarded_at_us

-- Tier statuses -----------------------------------------------------------------

-- name: tiers_get
SELECT contact_id, tier_key, since_us, review_at_us, grace_until_us, updated_at_us
FROM member_tiers
WHERE contact_id = $1::bigint;

-- name: tiers_put
INSERT INTO member_tiers (contact_id, tier_key, since_us, review_at_us, grace_until_us, updated_at_us)
VALUES ($1::bigint, $2, $3::bigint, $4::bigint, $5::bigint, $6::bigint)
ON CONFLICT (contact_id) DO UPDATE
SET tier_key = excluded.tier_key, since_us = excluded.since_us, review_at_us = excluded.review_at_us,
    grace_until_us = excluded.grace_until_us, updated_at_us = excluded.updated_at_us;

-- Due at or before $1, oldest due first, at most $2 (member_tiers_due: the
-- expression and the tier_key term must match the index's).
-- name: tiers_due_reviews
SELECT contact_id, tier_key, since_us, review_at_us, grace_until_us, updated_at_us
FROM member_tiers
WHERE tier_key <> '' AND COALESCE(grace_until_us, review_at_us) <= $1::bigint
ORDER BY COALESCE(grace_until_us, review_at_us), contact_id
LIMIT $2::bigint;

-- Contact $1's purchases with $3 <= occurred_at_us < $4 (purchases_contact): net
-- spend in currency $2, and purchases not wholly refunded in any currency.
-- name: tiers_qualifier
SELECT COALESCE(SUM(CASE WHEN currency = $2::text THEN total_minor - refunded_minor ELSE 0 END), 0)::bigint,
       COUNT(*) FILTER (WHERE refunded_minor < total_minor)
FROM purchases
WHERE contact_id = $1::bigint AND occurred_at_us >= $3::bigint AND occurred_at_us < $4::bigint;

-- name: tiers_count_by_tier
SELECT tier_key, COUNT(*) FROM member_tiers WHERE tier_key <> '' GROUP BY tier_key ORDER BY tier_key;

-- Bonus awards ------------------------------------------------------------------

-- No row changed when (contact, key) was already awarded: ON CONFLICT keeps the
-- transaction usable, where a unique violation would abort it.
-- name: tiers_bonus_insert
INSERT INTO bonus_awards (contact_id, key, transaction_id, awarded_at_us)
VALUES ($1::bigint, $2, $3::bigint, $4::bigint)
ON CONFLICT DO NOTHING;

-- name: tiers_bonus_get
SELECT contact_id, key, transaction_id, awarded_at_us
FROM bonus_awards
WHERE contact_id = $1::bigint AND key = $2::text;

-- Birthdays ---------------------------------------------------------------------

-- Live contacts born on one of the month-days in $1 (a JSON array of "MM-DD"),
-- ids ascending after $2, at most $3. contacts_birthday serves it: = ANY over
-- the array is an index condition on the expression.
-- name: tiers_birthday_members
SELECT id
FROM contacts
WHERE substr(birthday, 6, 5) = ANY (ARRAY(SELECT json_array_elements_text($1::json)))
  AND merged_into IS NULL AND birthday IS NOT NULL AND id > $2::bigint
ORDER BY id
LIMIT $3::bigint;
