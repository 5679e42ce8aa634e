-- Referral codes and referrals (repositories/referrals.cc).
--
-- Column order the repository reads by position:
--   referrals: id, referrer_id, referred_id, code, referred_at_us, state, purchase_id, rewarded_at_us, actor

-- Codes ------------------------------------------------------------------------

-- No row changed when the contact has a code or the code is held.
-- name: referral_codes_insert
INSERT INTO referral_codes (contact_id, code, created_at_us) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING;

-- name: referral_codes_get
SELECT code FROM referral_codes WHERE contact_id = $1;

-- name: referral_codes_find
SELECT contact_id FROM referral_codes WHERE code = $1;

-- Referrals --------------------------------------------------------------------

-- No row back when the referred contact was already referred (referrals.referred_id is unique).
-- name: referrals_insert
INSERT INTO referrals (referrer_id, referred_id, code, referred_at_us, state, purchase_id, rewarded_at_us, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT DO NOTHING
RETURNING id;

-- name: referrals_get
SELECT id, referrer_id, referred_id, code, referred_at_us, state, purchase_id, rewarded_at_us, actor
FROM referrals
WHERE id = $1;

-- name: referrals_of
SELECT id, referrer_id, referred_id, code, referred_at_us, state, purchase_id, rewarded_at_us, actor
FROM referrals
WHERE referred_id = $1;

-- Newest first strictly below $2 (referrals_referrer).
-- name: referrals_by
SELECT id, referrer_id, referred_id, code, referred_at_us, state, purchase_id, rewarded_at_us, actor
FROM referrals
WHERE referrer_id = $1 AND id < $2
ORDER BY id DESC
LIMIT $3;

-- name: referrals_count_rewarded
SELECT count(*) FROM referrals WHERE referrer_id = $1 AND state = 'rewarded';

-- No row back when it is not pending.
-- name: referrals_mark_rewarded
UPDATE referrals SET state = 'rewarded', purchase_id = $2, rewarded_at_us = $3
WHERE id = $1 AND state = 'pending'
RETURNING id;
