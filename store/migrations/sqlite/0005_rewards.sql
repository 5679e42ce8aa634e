-- The rewards catalogue and redemptions (app/rewards.h). A redemption's points
-- live in the ledger: it names the posting that spent them and, once
-- cancelled, the one that gave them back. Timestamps are INTEGER UTC
-- microseconds in *_at_us columns; points are INTEGER.

CREATE TABLE rewards (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) > 0),
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('goods', 'discount')),
  points_price INTEGER NOT NULL CHECK (points_price > 0),
  stock INTEGER CHECK (stock >= 0),                            -- NULL: unlimited
  per_customer_limit INTEGER CHECK (per_customer_limit > 0),  -- NULL: none
  available_from_us INTEGER,
  available_until_us INTEGER,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
);
CREATE INDEX rewards_active ON rewards (id) WHERE active = 1;

CREATE TABLE redemptions (
  id INTEGER PRIMARY KEY,
  reward_id INTEGER NOT NULL REFERENCES rewards (id),
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  points INTEGER NOT NULL CHECK (points > 0),
  state TEXT NOT NULL CHECK (state IN ('active', 'cancelled')),
  transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
  cancel_transaction_id INTEGER REFERENCES ledger_transactions (id),
  created_at_us INTEGER NOT NULL,
  cancelled_at_us INTEGER,
  actor TEXT NOT NULL DEFAULT '',
  external_id TEXT NOT NULL DEFAULT ''  -- '' when none
);
CREATE INDEX redemptions_contact ON redemptions (contact_id, id);
-- ActiveQuantity: a member's active redemptions of a reward.
CREATE INDEX redemptions_active ON redemptions (contact_id, reward_id) WHERE state = 'active';
CREATE UNIQUE INDEX redemptions_external_id ON redemptions (contact_id, external_id) WHERE external_id <> '';
