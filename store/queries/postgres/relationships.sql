-- Contacts, companies, links, custom fields, duplicates and import mappings
-- (repositories/relationships.cc). JSON array parameters (ids, keys) are
-- expanded with json_array_elements_text.
-- The contact list filters take the same eight parameters everywhere:
--   $1 role bit (0 = any), $2 company id (0 = any), $3 owner user id (0 = any),
--   $4 locale ('' = any), $5 source ('' = any), $6 created from (inclusive),
--   $7 created to (exclusive), $8 include merged (0 or 1).

-- name: contact_reserve_ids
SELECT nextval(pg_get_serial_sequence('contacts', 'id')) FROM generate_series(1, $1::bigint);

-- name: contact_search_write
-- The search document: contacts.search_text (GIN tsvector) on PostgreSQL.
UPDATE contacts SET search_text = $2::text WHERE id = $1::bigint;

-- name: contact_search_delete
-- Nothing to do: the document lives in the row.
SELECT 1 WHERE $1::bigint IS NULL;

-- name: contact_update
-- Replaces the profile: $1 id, then the columns in order, $24 updated_at_us.
UPDATE contacts SET first_name = $2, last_name = $3, email = $4, other_emails = $5, phone = $6, other_phones = $7,
  address_line1 = $8, address_line2 = $9, city = $10, region = $11, postal_code = $12, country_code = $13,
  birthday = $14, gender = $15, locale = $16, time_zone = $17, source = $18, owner_user_id = $19::bigint,
  external_id = $20, roles = $21::bigint, custom_json = $22, sort_name = $23, updated_at_us = $24::bigint
WHERE id = $1::bigint;

-- name: contact_identities_delete
DELETE FROM contact_identities WHERE contact_id = $1::bigint;

-- name: contact_identity_insert
INSERT INTO contact_identities (kind, value, contact_id) VALUES ($1, $2, $3::bigint) ON CONFLICT DO NOTHING;

-- name: contact_set_merged_into
UPDATE contacts SET merged_into = $2::bigint, updated_at_us = $3::bigint WHERE id = $1::bigint;

-- name: contact_get_many
-- Contacts by id ($1: JSON array), any order.
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contacts c WHERE c.id IN (SELECT value::bigint FROM json_array_elements_text($1::json));

-- name: contact_companies_of
-- The company links of several contacts ($1: JSON array of ids), primary first, then by name.
SELECT l.contact_id, l.company_id, co.name, l.job_title, l.is_primary
FROM contact_companies l JOIN companies co ON co.id = l.company_id
WHERE l.contact_id IN (SELECT value::bigint FROM json_array_elements_text($1::json))
ORDER BY l.contact_id, l.is_primary DESC, co.name, co.id;

-- name: contact_find_by_email
-- Unmerged contacts holding one of the primary e-mails ($1: JSON array).
SELECT lower(c.email), c.id FROM contacts c
WHERE lower(c.email) IN (SELECT value FROM json_array_elements_text($1::json)) AND c.merged_into IS NULL ORDER BY c.id;

-- name: contact_find_by_phone
SELECT c.phone, c.id FROM contacts c
WHERE c.phone IN (SELECT value FROM json_array_elements_text($1::json)) AND c.phone <> '' AND c.merged_into IS NULL ORDER BY c.id;

-- name: contact_find_by_external_id
SELECT c.external_id, c.id FROM contacts c
WHERE c.external_id IN (SELECT value FROM json_array_elements_text($1::json)) AND c.merged_into IS NULL ORDER BY c.id;

-- name: contact_external_id_holders
-- Any contact (merged too) holding one of the external ids: the clash check of inserts.
SELECT c.external_id, c.id FROM contacts c WHERE c.external_id IN (SELECT value FROM json_array_elements_text($1::json));

-- name: contact_list_newest
-- Newest first; $9 the id the previous page ended at, $10 the limit.
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contacts c
WHERE c.id < $9::bigint
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.id DESC LIMIT $10::bigint;

-- name: contact_list_name
-- By sort name; $9/$10 the (sort_name, id) the previous page ended at, $11 the limit.
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contacts c
WHERE (c.sort_name, c.id) > ($9::text, $10::bigint)
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.sort_name, c.id LIMIT $11::bigint;

-- name: contact_list_updated
-- Recently updated first; $9/$10 the (updated_at_us, id) of the previous page end, $11 the limit.
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contacts c
WHERE (c.updated_at_us, c.id) < ($9::bigint, $10::bigint)
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.updated_at_us DESC, c.id DESC LIMIT $11::bigint;

-- name: contact_list_company_newest
-- The lists of one company ($2 set): driven by its links, then sorted.
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contact_companies l JOIN contacts c ON c.id = l.contact_id
WHERE l.company_id = $2::bigint AND c.id < $9::bigint
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.id DESC LIMIT $10::bigint;

-- name: contact_list_company_name
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contact_companies l JOIN contacts c ON c.id = l.contact_id
WHERE l.company_id = $2::bigint AND (c.sort_name, c.id) > ($9::text, $10::bigint)
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.sort_name, c.id LIMIT $11::bigint;

-- name: contact_list_company_updated
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contact_companies l JOIN contacts c ON c.id = l.contact_id
WHERE l.company_id = $2::bigint AND (c.updated_at_us, c.id) < ($9::bigint, $10::bigint)
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.updated_at_us DESC, c.id DESC LIMIT $11::bigint;

-- name: contact_list_search
-- Full-text search, newest first: $9 the query (a tsquery of prefixes),
-- $10 the id the previous page ended at, $11 the limit.
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contacts c
WHERE to_tsvector('simple', c.search_text) @@ to_tsquery('simple', $9::text) AND c.id < $10::bigint
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.id DESC LIMIT $11::bigint;

-- name: contact_scan
-- Ascending ids after $9, at most $10 (exports, counts in pages).
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contacts c
WHERE c.id > $9::bigint
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.id LIMIT $10::bigint;

-- name: contact_scan_search
SELECT c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones,
  c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.country_code, c.birthday, c.gender,
  c.locale, c.time_zone, c.source, c.owner_user_id, c.external_id, c.roles, c.custom_json, c.merged_into,
  c.created_at_us, c.updated_at_us, c.sort_name
FROM contacts c
WHERE to_tsvector('simple', c.search_text) @@ to_tsquery('simple', $9::text) AND c.id > $10::bigint
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL)
ORDER BY c.id LIMIT $11::bigint;

-- name: contact_count
SELECT count(*) FROM contacts c
WHERE ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL);

-- name: contact_count_search
SELECT count(*) FROM contacts c
WHERE to_tsvector('simple', c.search_text) @@ to_tsquery('simple', $9::text)
  AND ($1::bigint = 0 OR (c.roles & $1::bigint) <> 0)
  AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM contact_companies f WHERE f.contact_id = c.id AND f.company_id = $2::bigint))
  AND ($3::bigint = 0 OR c.owner_user_id = $3::bigint)
  AND ($4::text = '' OR c.locale = $4::text)
  AND ($5::text = '' OR c.source = $5::text)
  AND c.created_at_us >= $6::bigint AND c.created_at_us < $7::bigint
  AND ($8::bigint = 1 OR c.merged_into IS NULL);

-- name: contact_exists_for_update
SELECT count(*) FROM contacts WHERE id = $1::bigint;

-- name: company_exists
SELECT count(*) FROM companies WHERE id = $1::bigint;

-- name: contact_company_count
-- Links of one contact, other than to company $2.
SELECT count(*) FROM contact_companies WHERE contact_id = $1::bigint AND company_id <> $2::bigint;

-- name: contact_company_clear_primary
-- Only one link of a contact is primary.
UPDATE contact_companies SET is_primary = 0 WHERE contact_id = $1::bigint AND company_id <> $2::bigint AND is_primary = 1;

-- name: contact_company_upsert
INSERT INTO contact_companies (contact_id, company_id, job_title, is_primary, linked_at_us)
VALUES ($1::bigint, $2::bigint, $3, $4::bigint, $5::bigint)
ON CONFLICT (contact_id, company_id) DO UPDATE SET job_title = excluded.job_title, is_primary = excluded.is_primary;

-- name: contact_company_delete
DELETE FROM contact_companies WHERE contact_id = $1::bigint AND company_id = $2::bigint;

-- name: contact_company_delete_all
DELETE FROM contact_companies WHERE contact_id = $1::bigint;

-- name: contact_sync_primary_company
-- contacts.company_id mirrors the primary link.
UPDATE contacts SET company_id = (SELECT l.company_id FROM contact_companies l
                                  WHERE l.contact_id = contacts.id AND l.is_primary = 1 LIMIT 1)
WHERE id = $1::bigint;

-- name: contact_references
-- What still refers to a contact, by kind (non-zero counts block a delete).
SELECT 'notes', (SELECT count(*) FROM notes WHERE contact_id = $1::bigint)
UNION ALL SELECT 'tasks', (SELECT count(*) FROM tasks WHERE contact_id = $1::bigint)
UNION ALL SELECT 'consents', (SELECT count(*) FROM consent_history WHERE contact_id = $1::bigint)
UNION ALL SELECT 'interests', (SELECT count(*) FROM contact_interests WHERE contact_id = $1::bigint)
UNION ALL SELECT 'purchases', (SELECT count(*) FROM purchases WHERE contact_id = $1::bigint)
UNION ALL SELECT 'points ledger entries', (SELECT count(*) FROM ledger_transactions WHERE contact_id = $1::bigint)
UNION ALL SELECT 'redemptions', (SELECT count(*) FROM redemptions WHERE contact_id = $1::bigint)
UNION ALL SELECT 'bonuses', (SELECT count(*) FROM bonus_awards WHERE contact_id = $1::bigint)
UNION ALL SELECT 'personal coupons', (SELECT count(*) FROM coupons WHERE contact_id = $1::bigint)
UNION ALL SELECT 'coupon uses', (SELECT count(*) FROM coupon_uses WHERE contact_id = $1::bigint)
UNION ALL SELECT 'referrals', (SELECT count(*) FROM referrals WHERE referrer_id = $1::bigint OR referred_id = $1::bigint)
UNION ALL SELECT 'merges', (SELECT count(*) FROM contact_merges WHERE survivor_id = $1::bigint OR merged_id = $1::bigint)
UNION ALL SELECT 'merged contacts', (SELECT count(*) FROM contacts WHERE merged_into = $1::bigint)
UNION ALL SELECT 'duplicate candidates', (SELECT count(*) FROM duplicate_candidates
                                           WHERE first_contact_id = $1::bigint OR second_contact_id = $1::bigint);

-- name: contact_loyalty_state_delete
-- What the loyalty programme derived for a contact without history (an empty
-- account row, a tier status, an unused referral code): removed with it.
DELETE FROM loyalty_accounts WHERE contact_id = $1::bigint;

-- name: contact_tier_delete
DELETE FROM member_tiers WHERE contact_id = $1::bigint;

-- name: contact_referral_code_delete
DELETE FROM referral_codes WHERE contact_id = $1::bigint;

-- name: contact_delete
DELETE FROM contacts WHERE id = $1::bigint;

-- name: company_insert
-- $1..$16: the profile columns in order, $17 search_name, $18 created_at_us.
INSERT INTO companies (name, country_code, website, email, phone, address_line1, address_line2, city, region,
  postal_code, roles, owner_user_id, external_id, custom_json, search_name, created_at_us, updated_at_us)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bigint, $12::bigint, $13, $14, $15, $16::bigint, $16::bigint)
RETURNING id;

-- name: company_update
UPDATE companies SET name = $2, country_code = $3, website = $4, email = $5, phone = $6, address_line1 = $7,
  address_line2 = $8, city = $9, region = $10, postal_code = $11, roles = $12::bigint, owner_user_id = $13::bigint,
  external_id = $14, custom_json = $15, search_name = $16, updated_at_us = $17::bigint
WHERE id = $1::bigint;

-- name: company_get
-- One company with the number of contacts linked to it.
SELECT co.id, co.name, co.country_code, co.website, co.email, co.phone, co.address_line1, co.address_line2,
  co.city, co.region, co.postal_code, co.roles, co.owner_user_id, co.external_id, co.custom_json,
  co.created_at_us, co.updated_at_us, co.search_name,
  (SELECT count(*) FROM contact_companies l WHERE l.company_id = co.id)
FROM companies co WHERE co.id = $1::bigint;

-- name: company_find_by_name
-- Case-insensitive through the companies_name index (lower() folds ASCII only on SQLite).
SELECT co.id FROM companies co WHERE lower(co.name) = lower($1::text) ORDER BY co.id LIMIT 1;

-- name: company_find_by_search_name
-- The fallback of company_find_by_name for letters lower() does not fold.
SELECT co.id FROM companies co WHERE co.search_name = $1::text ORDER BY co.id LIMIT 1;

-- name: company_find_by_external_id
SELECT co.id FROM companies co WHERE co.external_id = $1::text ORDER BY co.id LIMIT 1;

-- name: company_list
-- By (search_name, id) after ($2, $3); $1 role bit (0 = any); $4..$11 folded prefixes
-- ('' = unused), each a prefix of a word of the name; $12 the limit.
SELECT co.id, co.name, co.country_code, co.website, co.email, co.phone, co.address_line1, co.address_line2,
  co.city, co.region, co.postal_code, co.roles, co.owner_user_id, co.external_id, co.custom_json,
  co.created_at_us, co.updated_at_us, co.search_name, 0
FROM companies co
WHERE (co.search_name, co.id) > ($2::text, $3::bigint)
  AND ($1::bigint = 0 OR (co.roles & $1::bigint) <> 0)
  AND ($4::text = '' OR co.search_name LIKE $4::text || '%' OR co.search_name LIKE '% ' || $4::text || '%')
  AND ($5::text = '' OR co.search_name LIKE $5::text || '%' OR co.search_name LIKE '% ' || $5::text || '%')
  AND ($6::text = '' OR co.search_name LIKE $6::text || '%' OR co.search_name LIKE '% ' || $6::text || '%')
  AND ($7::text = '' OR co.search_name LIKE $7::text || '%' OR co.search_name LIKE '% ' || $7::text || '%')
  AND ($8::text = '' OR co.search_name LIKE $8::text || '%' OR co.search_name LIKE '% ' || $8::text || '%')
  AND ($9::text = '' OR co.search_name LIKE $9::text || '%' OR co.search_name LIKE '% ' || $9::text || '%')
  AND ($10::text = '' OR co.search_name LIKE $10::text || '%' OR co.search_name LIKE '% ' || $10::text || '%')
  AND ($11::text = '' OR co.search_name LIKE $11::text || '%' OR co.search_name LIKE '% ' || $11::text || '%')
ORDER BY co.search_name, co.id LIMIT $12::bigint;

-- name: custom_field_insert
INSERT INTO custom_fields (key, label, type, choices_json, required, applies_to, created_at_us)
VALUES ($1, $2, $3, $4, $5::bigint, $6, $7::bigint) RETURNING id;

-- name: custom_field_update
UPDATE custom_fields SET label = $2, choices_json = $3, required = $4::bigint WHERE id = $1::bigint;

-- name: custom_field_count
SELECT count(*) FROM custom_fields;

-- name: custom_field_list
SELECT id, key, label, type, choices_json, required, applies_to, created_at_us FROM custom_fields ORDER BY key;

-- name: duplicate_upsert
-- A new pair, or new score and rules for a pair still open; a decided pair stays as it is.
INSERT INTO duplicate_candidates (first_contact_id, second_contact_id, score, rules, status, found_at_us)
VALUES ($1::bigint, $2::bigint, $3::bigint, $4, 'open', $5::bigint)
ON CONFLICT (first_contact_id, second_contact_id) DO UPDATE SET score = excluded.score, rules = excluded.rules
WHERE duplicate_candidates.status = 'open';

-- name: duplicate_id_of_pair
SELECT id FROM duplicate_candidates WHERE first_contact_id = $1::bigint AND second_contact_id = $2::bigint;

-- name: duplicate_decide
UPDATE duplicate_candidates SET status = $2, decided_at_us = $3::bigint WHERE id = $1::bigint;

-- name: duplicate_get
SELECT id, first_contact_id, second_contact_id, score, rules, status, found_at_us, decided_at_us FROM duplicate_candidates WHERE id = $1::bigint;

-- name: duplicate_list
-- Highest score first, then id; after ($2 score, $3 id); $4 the limit.
SELECT id, first_contact_id, second_contact_id, score, rules, status, found_at_us, decided_at_us FROM duplicate_candidates
WHERE status = $1 AND (score < $2::bigint OR (score = $2::bigint AND id > $3::bigint))
ORDER BY score DESC, id LIMIT $4::bigint;

-- name: duplicate_probes_after
-- Unmerged contacts after $1, ascending, at most $2.
SELECT c.id, c.email, c.other_emails, c.phone, c.other_phones, c.sort_name, c.birthday FROM contacts c
WHERE c.id > $1::bigint AND c.merged_into IS NULL ORDER BY c.id LIMIT $2::bigint;

-- name: contact_company_ids_of
-- Company ids of several contacts ($1: JSON array).
SELECT l.contact_id, l.company_id FROM contact_companies l
WHERE l.contact_id IN (SELECT value::bigint FROM json_array_elements_text($1::json)) ORDER BY l.contact_id, l.company_id;

-- name: duplicate_neighbours
-- Contacts that may duplicate $1: sharing an e-mail of $2 (JSON array) or a phone of $3
-- (primary or further), or with a sort name in [$4, $5) and a company of $6 (JSON array) or the birthday $7.
-- Unmerged, $1 excluded, at most $8.
SELECT c.id, c.email, c.other_emails, c.phone, c.other_phones, c.sort_name, c.birthday FROM contacts c
WHERE c.id IN (
    SELECT e.id FROM contacts e WHERE lower(e.email) IN (SELECT value FROM json_array_elements_text($2::json))
    UNION SELECT i.contact_id FROM contact_identities i WHERE i.kind = 'email' AND i.value IN (SELECT value FROM json_array_elements_text($2::json))
    UNION SELECT p.id FROM contacts p WHERE p.phone IN (SELECT value FROM json_array_elements_text($3::json)) AND p.phone <> ''
    UNION SELECT i.contact_id FROM contact_identities i WHERE i.kind = 'phone' AND i.value IN (SELECT value FROM json_array_elements_text($3::json))
    UNION SELECT n.id FROM contacts n
      WHERE $4::text <> '' AND n.sort_name >= $4::text AND n.sort_name < $5::text
        AND (n.birthday = $7::text
             OR EXISTS (SELECT 1 FROM contact_companies l
                        WHERE l.contact_id = n.id AND l.company_id IN (SELECT value::bigint FROM json_array_elements_text($6::json)))))
  AND c.id <> $1::bigint AND c.merged_into IS NULL
ORDER BY c.id LIMIT $8::bigint;

-- name: import_mapping_save
INSERT INTO import_mappings (name, mapping_json, created_at_us, updated_at_us) VALUES ($1, $2, $3::bigint, $3::bigint)
ON CONFLICT (name) DO UPDATE SET mapping_json = excluded.mapping_json, updated_at_us = excluded.updated_at_us
RETURNING id;

-- name: import_mapping_get
SELECT id, name, mapping_json, updated_at_us FROM import_mappings WHERE name = $1::text;

-- name: import_mapping_list
SELECT id, name, mapping_json, updated_at_us FROM import_mappings ORDER BY name;

-- name: import_mapping_delete
DELETE FROM import_mappings WHERE name = $1::text;
