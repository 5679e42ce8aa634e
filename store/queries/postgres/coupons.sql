-- Coupons and their uses (repositories/coupons.cc).
--
-- Column orders the repository reads by position:
--   coupons:     id, code, name, kind, points, percent_off, amount_off_minor, currency, contact_id, valid_from_us,
--                valid_until_us, max_uses, max_uses_per_member, uses, active, created_at_us, created_by
--   coupon_uses: id, coupon_id, contact_id, purchase_id, transaction_id, used_at_us

-- Coupons ----------------------------------------------------------------------

-- No row back when the code is held (coupons.code is unique).
-- name: coupons_insert
INSERT INTO coupons (code, name, kind, points, percent_off, amount_off_minor, currency, contact_id, valid_from_us,
                     valid_until_us, max_uses, max_uses_per_member, uses, active, created_at_us, created_by)
VALUES ($1, $2, $3, $4::bigint, $5::bigint, $6::bigint, $7, $8::bigint, $9::bigint, $10::bigint, $11::bigint,
        $12::bigint, 0, $13::bigint, $14::bigint, $15)
ON CONFLICT DO NOTHING
RETURNING id;

-- No row changed when the id is unknown, max_uses $4 is below the uses taken, or
-- valid_until $3 is not after valid_from.
-- name: coupons_update
UPDATE coupons SET active = $2::bigint, valid_until_us = $3::bigint, max_uses = $4::bigint
WHERE id = $1::bigint AND ($4::bigint IS NULL OR uses <= $4::bigint)
  AND ($3::bigint IS NULL OR valid_from_us IS NULL OR valid_from_us < $3::bigint);

-- No row back when the coupon is used up (unlimited ones always give one). The
-- update takes the row lock: a concurrent taker waits, then re-checks the
-- condition against the committed count (READ COMMITTED).
-- name: coupons_take_use
UPDATE coupons SET uses = uses + 1
WHERE id = $1::bigint AND (max_uses IS NULL OR uses < max_uses)
RETURNING id;

-- name: coupons_get
SELECT id, code, name, kind, points, percent_off, amount_off_minor, currency, contact_id, valid_from_us,
       valid_until_us, max_uses, max_uses_per_member, uses, active, created_at_us, created_by
FROM coupons
WHERE id = $1::bigint;

-- name: coupons_by_code
SELECT id, code, name, kind, points, percent_off, amount_off_minor, currency, contact_id, valid_from_us,
       valid_until_us, max_uses, max_uses_per_member, uses, active, created_at_us, created_by
FROM coupons
WHERE code = $1;

-- Newest first strictly below $1; $2 = 1: inactive ones too.
-- name: coupons_list
SELECT id, code, name, kind, points, percent_off, amount_off_minor, currency, contact_id, valid_from_us,
       valid_until_us, max_uses, max_uses_per_member, uses, active, created_at_us, created_by
FROM coupons
WHERE id < $1::bigint AND (active = 1 OR $2::bigint = 1)
ORDER BY id DESC
LIMIT $3::bigint;

-- The personal coupons of contact $1, newest first strictly below $2 (coupons_contact).
-- name: coupons_list_personal
SELECT id, code, name, kind, points, percent_off, amount_off_minor, currency, contact_id, valid_from_us,
       valid_until_us, max_uses, max_uses_per_member, uses, active, created_at_us, created_by
FROM coupons
WHERE contact_id = $1::bigint AND id < $2::bigint AND (active = 1 OR $3::bigint = 1)
ORDER BY id DESC
LIMIT $4::bigint;

-- Uses -------------------------------------------------------------------------

-- name: coupon_uses_insert
INSERT INTO coupon_uses (coupon_id, contact_id, purchase_id, transaction_id, used_at_us)
VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::bigint)
RETURNING id;

-- name: coupon_uses_count
SELECT count(*)::bigint FROM coupon_uses WHERE coupon_id = $1::bigint AND contact_id = $2::bigint;

-- Newest first (coupon_uses_contact).
-- name: coupon_uses_list
SELECT id, coupon_id, contact_id, purchase_id, transaction_id, used_at_us
FROM coupon_uses
WHERE contact_id = $1::bigint
ORDER BY id DESC
LIMIT $2::bigint;
