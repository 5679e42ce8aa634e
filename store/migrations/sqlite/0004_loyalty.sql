-- The loyalty programme (app/loyalty.h): purchases with their lines and
-- refunds, the points ledger (double entry, append-only), lots of points with
-- their expiry, the balances derived from the ledger, the programme's rules
-- (every version kept) and idempotency records. Timestamps are INTEGER UTC
-- microseconds in *_at_us columns; points are INTEGER.

-- lines_json: a JSON array of {sku, category, quantity, unit_price_minor},
-- written and read only by SqlLoyalty. Rows loaded by DirectoryWriter::
-- InsertPurchases (the demo) take the defaults.
ALTER TABLE purchases ADD COLUMN company_id INTEGER REFERENCES companies (id);
ALTER TABLE purchases ADD COLUMN store TEXT NOT NULL DEFAULT '';
ALTER TABLE purchases ADD COLUMN lines_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE purchases ADD COLUMN points_earned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purchases ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purchases ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purchases ADD COLUMN points_reversed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE purchases ADD COLUMN recorded_at_us INTEGER NOT NULL DEFAULT 0;
-- The seller's id; the demo writes '' for every row, so only non-empty ids are unique.
CREATE UNIQUE INDEX purchases_external_id ON purchases (external_id) WHERE external_id <> '';
-- purchases_contact (contact_id, occurred_at_us) stays: a SQLite index ends in
-- the rowid, so it already serves ListPurchases' (occurred_at_us, id) keyset.

CREATE TABLE purchase_refunds (
  id INTEGER PRIMARY KEY,
  purchase_id INTEGER NOT NULL REFERENCES purchases (id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  reason TEXT NOT NULL DEFAULT '',
  external_id TEXT NOT NULL DEFAULT '',  -- '' when none
  occurred_at_us INTEGER NOT NULL,
  points_reversed INTEGER NOT NULL DEFAULT 0,
  points_written_off INTEGER NOT NULL DEFAULT 0,
  recorded_at_us INTEGER NOT NULL
);
CREATE INDEX purchase_refunds_purchase ON purchase_refunds (purchase_id, id);
CREATE UNIQUE INDEX purchase_refunds_external_id ON purchase_refunds (purchase_id, external_id)
WHERE external_id <> '';

-- The ledger: one row per posting, its entries summing to zero.
CREATE TABLE ledger_transactions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL
    CHECK (kind IN ('earn', 'release', 'redeem', 'redeem_cancel', 'expire', 'refund', 'adjust', 'bonus')),
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  purchase_id INTEGER REFERENCES purchases (id),
  refund_id INTEGER REFERENCES purchase_refunds (id),
  occurred_at_us INTEGER NOT NULL,
  recorded_at_us INTEGER NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  explanation_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX ledger_transactions_contact ON ledger_transactions (contact_id, id);
-- EarnedBetween (the caps): a contact's earn postings by time.
CREATE INDEX ledger_transactions_earn ON ledger_transactions (contact_id, occurred_at_us) WHERE kind = 'earn';

-- Lots: points credited together, spent and expired oldest first. `remaining`
-- is the sum of the lot's entries, kept by PostTransaction.
CREATE TABLE point_lots (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
  points INTEGER NOT NULL CHECK (points > 0),
  remaining INTEGER NOT NULL CHECK (remaining >= 0),
  state TEXT NOT NULL CHECK (state IN ('pending', 'available', 'spent', 'expired')),
  earned_at_us INTEGER NOT NULL,
  available_at_us INTEGER NOT NULL,
  expires_at_us INTEGER,
  purchase_id INTEGER REFERENCES purchases (id)
);
CREATE INDEX point_lots_open ON point_lots (contact_id, earned_at_us, id) WHERE remaining > 0;
CREATE INDEX point_lots_due_release ON point_lots (available_at_us) WHERE state = 'pending' AND remaining > 0;
CREATE INDEX point_lots_due_expiry ON point_lots (expires_at_us) WHERE state = 'available' AND remaining > 0;
CREATE INDEX point_lots_purchase ON point_lots (purchase_id) WHERE purchase_id IS NOT NULL;

-- Member accounts (available, pending) name their contact and lot; programme
-- accounts name neither.
CREATE TABLE ledger_entries (
  id INTEGER PRIMARY KEY,
  transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
  account TEXT NOT NULL
    CHECK (account IN ('available', 'pending', 'issued', 'redeemed', 'expired', 'adjustments', 'written_off')),
  contact_id INTEGER REFERENCES contacts (id),
  lot_id INTEGER REFERENCES point_lots (id),
  points INTEGER NOT NULL CHECK (points <> 0),
  CHECK ((account IN ('available', 'pending')) = (contact_id IS NOT NULL AND lot_id IS NOT NULL)),
  CHECK (account IN ('available', 'pending') OR (contact_id IS NULL AND lot_id IS NULL))
);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_lot ON ledger_entries (lot_id) WHERE lot_id IS NOT NULL;
CREATE INDEX ledger_entries_contact ON ledger_entries (contact_id) WHERE contact_id IS NOT NULL;

CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN
  SELECT RAISE(ABORT, 'ledger_transactions is append-only: UPDATE refused');
END;

CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN
  SELECT RAISE(ABORT, 'ledger_transactions is append-only: DELETE refused');
END;

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only: UPDATE refused');
END;

CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only: DELETE refused');
END;

-- A member's balances, derived from the ledger (CheckLedger verifies them).
CREATE TABLE loyalty_accounts (
  contact_id INTEGER PRIMARY KEY REFERENCES contacts (id),
  available INTEGER NOT NULL DEFAULT 0 CHECK (available >= 0),
  pending INTEGER NOT NULL DEFAULT 0 CHECK (pending >= 0),
  earned_total INTEGER NOT NULL DEFAULT 0,
  redeemed_total INTEGER NOT NULL DEFAULT 0,
  expired_total INTEGER NOT NULL DEFAULT 0,
  last_activity_at_us INTEGER
);
CREATE INDEX loyalty_accounts_inactive ON loyalty_accounts (last_activity_at_us) WHERE available > 0;

-- Every version of the rules is kept; the current one is max(version).
CREATE TABLE loyalty_rules (
  version INTEGER PRIMARY KEY,
  rules_json TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  created_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  response_json TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at_us);
