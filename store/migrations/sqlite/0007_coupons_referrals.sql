-- Coupons and referrals (app/coupons.h, app/referrals.h). A points coupon's
-- bonus and a referral's bonuses live in the ledger: a coupon use names the
-- posting. Timestamps are INTEGER UTC microseconds in *_us columns; points and
-- money are INTEGER.

-- Codes are stored upper-case (the app normalises them). `uses` is kept by
-- TakeCouponUse's conditional UPDATE, never above max_uses.
CREATE TABLE coupons (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE CHECK (length(code) > 0),
  name TEXT NOT NULL CHECK (length(name) > 0),
  kind TEXT NOT NULL CHECK (kind IN ('points', 'percent_off', 'amount_off')),
  points INTEGER NOT NULL DEFAULT 0,
  percent_off INTEGER NOT NULL DEFAULT 0,
  amount_off_minor INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT '',             -- ISO 4217 for amount_off, '' otherwise
  contact_id INTEGER REFERENCES contacts (id),   -- a personal coupon; NULL: anyone's
  valid_from_us INTEGER,                         -- NULL: open
  valid_until_us INTEGER,                        -- NULL: open
  max_uses INTEGER CHECK (max_uses > 0),         -- NULL: unlimited
  max_uses_per_member INTEGER NOT NULL DEFAULT 1 CHECK (max_uses_per_member > 0),
  uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at_us INTEGER NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  CHECK (max_uses IS NULL OR uses <= max_uses),
  CHECK (valid_from_us IS NULL OR valid_until_us IS NULL OR valid_from_us < valid_until_us),
  CHECK ((kind = 'points' AND points > 0 AND percent_off = 0 AND amount_off_minor = 0 AND currency = '')
         OR (kind = 'percent_off' AND percent_off BETWEEN 1 AND 100 AND points = 0 AND amount_off_minor = 0
             AND currency = '')
         OR (kind = 'amount_off' AND amount_off_minor > 0 AND length(currency) = 3 AND points = 0
             AND percent_off = 0))
);
-- ListCoupons of one contact: their personal coupons newest first.
CREATE INDEX coupons_contact ON coupons (contact_id, id) WHERE contact_id IS NOT NULL;

CREATE TABLE coupon_uses (
  id INTEGER PRIMARY KEY,
  coupon_id INTEGER NOT NULL REFERENCES coupons (id),
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  purchase_id INTEGER REFERENCES purchases (id),
  transaction_id INTEGER REFERENCES ledger_transactions (id),  -- the bonus posting of a points coupon
  used_at_us INTEGER NOT NULL
);
-- CountCouponUses: a member's uses of one coupon.
CREATE INDEX coupon_uses_coupon ON coupon_uses (coupon_id, contact_id);
-- ListCouponUses: a member's uses newest first.
CREATE INDEX coupon_uses_contact ON coupon_uses (contact_id, id);

-- One code per contact, one contact per code.
CREATE TABLE referral_codes (
  contact_id INTEGER PRIMARY KEY REFERENCES contacts (id),
  code TEXT NOT NULL UNIQUE CHECK (length(code) > 0),
  created_at_us INTEGER NOT NULL
);

-- A contact is referred once; a referral moves once, pending → rewarded.
CREATE TABLE referrals (
  id INTEGER PRIMARY KEY,
  referrer_id INTEGER NOT NULL REFERENCES contacts (id),
  referred_id INTEGER NOT NULL UNIQUE REFERENCES contacts (id),
  code TEXT NOT NULL,
  referred_at_us INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'rewarded')),
  purchase_id INTEGER REFERENCES purchases (id),
  rewarded_at_us INTEGER,
  actor TEXT NOT NULL DEFAULT '',
  CHECK (referrer_id <> referred_id),
  CHECK ((state = 'pending' AND purchase_id IS NULL AND rewarded_at_us IS NULL)
         OR (state = 'rewarded' AND purchase_id IS NOT NULL AND rewarded_at_us IS NOT NULL))
);
-- ListReferralsBy and CountRewardedReferrals: a referrer's referrals newest first.
CREATE INDEX referrals_referrer ON referrals (referrer_id, id);
