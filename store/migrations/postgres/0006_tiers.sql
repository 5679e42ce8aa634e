-- Tiers and bonuses (app/tiers.h): each member's tier status, the bonuses
-- already paid (once per member and key; the points live in the ledger, in the
-- bonus posting named here) and the index that finds the members whose
-- birthday it is. Timestamps are bigint UTC microseconds in *_us columns.

-- One row per member whose status was ever written; tier_key '' = no tier.
CREATE TABLE member_tiers (
  contact_id bigint PRIMARY KEY REFERENCES contacts (id),
  tier_key text NOT NULL DEFAULT '',
  since_us bigint,
  review_at_us bigint,
  grace_until_us bigint,  -- set while in grace: the review that moves down
  updated_at_us bigint NOT NULL
);
-- DueTierReviews (tiers_due_reviews): members with a tier by the instant their
-- review is due (grace_until_us when set, else review_at_us), then contact id.
CREATE INDEX member_tiers_due ON member_tiers ((COALESCE(grace_until_us, review_at_us)), contact_id)
WHERE tier_key <> '';
-- CountMembersByTier groups members with a tier by key.
CREATE INDEX member_tiers_key ON member_tiers (tier_key) WHERE tier_key <> '';

-- A bonus paid: the primary key refuses a second (contact, key).
CREATE TABLE bonus_awards (
  contact_id bigint NOT NULL REFERENCES contacts (id),
  key text NOT NULL CHECK (length(key) > 0),
  transaction_id bigint NOT NULL REFERENCES ledger_transactions (id),
  awarded_at_us bigint NOT NULL,
  PRIMARY KEY (contact_id, key)
);

-- BirthdayMembers (tiers_birthday_members): live contacts by the birthday's
-- "MM-DD" (birthday is "YYYY-MM-DD"), then id. Deleted contacts are gone;
-- merged ones are left out.
CREATE INDEX contacts_birthday ON contacts ((substr(birthday, 6, 5)), id)
WHERE merged_into IS NULL AND birthday IS NOT NULL;

-- Qualifier (tiers_qualifier) reads a member's purchases in a window through
-- purchases_contact (contact_id, occurred_at_us, id) of 0004_loyalty.
