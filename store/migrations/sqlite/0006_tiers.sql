-- Tiers and bonuses (app/tiers.h): each member's tier status, the bonuses
-- already paid (once per member and key; the points live in the ledger, in the
-- bonus posting named here) and the index that finds the members whose
-- birthday it is. Timestamps are INTEGER UTC microseconds in *_us columns.

-- One row per member whose status was ever written; tier_key '' = no tier.
CREATE TABLE member_tiers (
  contact_id INTEGER PRIMARY KEY REFERENCES contacts (id),
  tier_key TEXT NOT NULL DEFAULT '',
  since_us INTEGER,
  review_at_us INTEGER,
  grace_until_us INTEGER,  -- set while in grace: the review that moves down
  updated_at_us INTEGER NOT NULL
);
-- DueTierReviews: members with a tier by the instant their review is due
-- (grace_until_us when set, else review_at_us), then contact id.
CREATE INDEX member_tiers_due ON member_tiers (COALESCE(grace_until_us, review_at_us), contact_id)
WHERE tier_key <> '';
-- CountMembersByTier groups members with a tier by key.
CREATE INDEX member_tiers_key ON member_tiers (tier_key) WHERE tier_key <> '';

-- A bonus paid: the primary key refuses a second (contact, key).
CREATE TABLE bonus_awards (
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  key TEXT NOT NULL CHECK (length(key) > 0),
  transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
  awarded_at_us INTEGER NOT NULL,
  PRIMARY KEY (contact_id, key)
) WITHOUT ROWID;

-- BirthdayMembers: live contacts by the birthday's "MM-DD" (birthday is
-- "YYYY-MM-DD"), then id. Deleted contacts are gone; merged ones are left out.
CREATE INDEX contacts_birthday ON contacts (substr(birthday, 6, 5), id)
WHERE merged_into IS NULL AND birthday IS NOT NULL;

-- Qualifier reads a member's purchases in a window through purchases_contact
-- (contact_id, occurred_at_us) of 0001_foundation.
