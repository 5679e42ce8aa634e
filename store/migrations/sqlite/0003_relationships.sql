-- The client card (app/relationships.h, app/card_details.h): the contact and
-- company profiles, the links between them, full-text search, custom field
-- definitions, duplicate candidates, saved import mappings, notes, tasks,
-- consents (append-only history), interests and merges. Timestamps are
-- INTEGER UTC microseconds in *_at_us columns; text columns are NOT NULL
-- DEFAULT '' unless said.

ALTER TABLE contacts ADD COLUMN other_emails TEXT NOT NULL DEFAULT '[]';  -- JSON array of strings
ALTER TABLE contacts ADD COLUMN other_phones TEXT NOT NULL DEFAULT '[]';
ALTER TABLE contacts ADD COLUMN address_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN address_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN country_code TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN gender TEXT CHECK (gender IN ('female', 'male', 'other'));
ALTER TABLE contacts ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN owner_user_id INTEGER REFERENCES users (id);
ALTER TABLE contacts ADD COLUMN external_id TEXT;  -- NULL when the contact has none
ALTER TABLE contacts ADD COLUMN roles INTEGER NOT NULL DEFAULT 1;  -- domain::RelationshipRoleSet; old rows are customers
ALTER TABLE contacts ADD COLUMN custom_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';  -- domain::SortName
ALTER TABLE contacts ADD COLUMN merged_into INTEGER REFERENCES contacts (id);

UPDATE contacts SET sort_name = lower(last_name || ' ' || first_name);

CREATE INDEX contacts_phone ON contacts (phone) WHERE phone <> '';
CREATE UNIQUE INDEX contacts_external_id ON contacts (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX contacts_sort_name ON contacts (sort_name, id);
CREATE INDEX contacts_updated ON contacts (updated_at_us, id);
CREATE INDEX contacts_owner ON contacts (owner_user_id, id) WHERE owner_user_id IS NOT NULL;
CREATE INDEX contacts_merged ON contacts (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX contacts_created ON contacts (created_at_us, id);

-- Full-text search over domain::ContactSearchDocument (already folded by the
-- app): rowid = contact id. Prefix indexes of 2 and 3 characters serve
-- search-as-you-type; detail=none keeps the index small (queries are ANDs of
-- prefixes, never phrases). The measurements are in store/README.md.
CREATE VIRTUAL TABLE contact_search USING fts5 (
  doc, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3', detail = none
);
-- Rows made before search existed get an approximation of the document.
INSERT INTO contact_search (rowid, doc)
SELECT id, lower(first_name || ' ' || last_name || ' ' || email || ' ' || phone) FROM contacts;

-- Further e-mails and phones (contacts.other_emails/other_phones), for key and
-- duplicate lookups. The primary e-mail and phone are the contacts columns.
CREATE TABLE contact_identities (
  kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
  value TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  PRIMARY KEY (kind, value, contact_id)
) WITHOUT ROWID;
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

ALTER TABLE companies ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN address_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN address_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN roles INTEGER NOT NULL DEFAULT 1;
ALTER TABLE companies ADD COLUMN owner_user_id INTEGER REFERENCES users (id);
ALTER TABLE companies ADD COLUMN external_id TEXT;
ALTER TABLE companies ADD COLUMN custom_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE companies ADD COLUMN updated_at_us INTEGER NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN search_name TEXT NOT NULL DEFAULT '';  -- domain::FoldForSearch(name)
UPDATE companies SET updated_at_us = created_at_us, search_name = lower(name);
CREATE UNIQUE INDEX companies_external_id ON companies (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX companies_search_name ON companies (search_name, id);
CREATE INDEX companies_name ON companies (lower(name));

-- contacts.company_id mirrors the link marked primary (at most one per contact).
CREATE TABLE contact_companies (
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  company_id INTEGER NOT NULL REFERENCES companies (id),
  job_title TEXT NOT NULL DEFAULT '',
  is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
  linked_at_us INTEGER NOT NULL,
  PRIMARY KEY (contact_id, company_id)
) WITHOUT ROWID;
CREATE INDEX contact_companies_company ON contact_companies (company_id, contact_id);
INSERT INTO contact_companies (contact_id, company_id, job_title, is_primary, linked_at_us)
SELECT id, company_id, '', 1, created_at_us FROM contacts WHERE company_id IS NOT NULL;

CREATE TABLE custom_fields (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
  choices_json TEXT NOT NULL DEFAULT '[]',
  required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
  applies_to TEXT NOT NULL CHECK (applies_to IN ('contact', 'company')),
  created_at_us INTEGER NOT NULL
);

-- Pairs found by the duplicate detector, lower id first; rules are
-- comma-separated domain::DuplicateRuleName values.
CREATE TABLE duplicate_candidates (
  id INTEGER PRIMARY KEY,
  first_contact_id INTEGER NOT NULL REFERENCES contacts (id),
  second_contact_id INTEGER NOT NULL REFERENCES contacts (id),
  score INTEGER NOT NULL,
  rules TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('open', 'merged', 'dismissed')),
  found_at_us INTEGER NOT NULL,
  decided_at_us INTEGER NOT NULL DEFAULT 0,
  UNIQUE (first_contact_id, second_contact_id),
  CHECK (first_contact_id < second_contact_id)
);
CREATE INDEX duplicate_candidates_status ON duplicate_candidates (status, score DESC, id);
CREATE INDEX duplicate_candidates_second ON duplicate_candidates (second_contact_id);

CREATE TABLE import_mappings (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  mapping_json TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
);

CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  body TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
);
CREATE INDEX notes_contact ON notes (contact_id, id);
-- rowid = note id, doc = domain::FoldForSearch(body), written by the store.
CREATE VIRTUAL TABLE note_search USING fts5 (
  doc, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3', detail = none
);

CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  title TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '',
  assignee_user_id INTEGER REFERENCES users (id),
  due_at_us INTEGER,
  remind_at_us INTEGER,
  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  done_at_us INTEGER,
  created_by TEXT NOT NULL DEFAULT '',
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
);
CREATE INDEX tasks_contact ON tasks (contact_id, done, due_at_us);
CREATE INDEX tasks_assignee ON tasks (assignee_user_id, done, due_at_us);

-- The history of consents, append-only like audit_log: a row is never
-- changed or deleted. The one exception is contact_id, which a merge moves to
-- the survivor (and an undo moves back).
CREATE TABLE consent_history (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  channel TEXT NOT NULL,
  purpose TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('granted', 'withdrawn')),
  recorded_at_us INTEGER NOT NULL,
  method TEXT NOT NULL DEFAULT '',
  proof TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  created_at_us INTEGER NOT NULL
);
CREATE INDEX consent_history_contact ON consent_history (contact_id, channel, purpose, id);

CREATE TRIGGER consent_history_no_update
BEFORE UPDATE OF id, channel, purpose, status, recorded_at_us, method, proof, actor, created_at_us ON consent_history
BEGIN
  SELECT RAISE(ABORT, 'consent_history is append-only: UPDATE refused');
END;

CREATE TRIGGER consent_history_no_delete BEFORE DELETE ON consent_history
BEGIN
  SELECT RAISE(ABORT, 'consent_history is append-only: DELETE refused');
END;

CREATE TABLE interest_categories (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE interests (
  id INTEGER PRIMARY KEY,
  category_id INTEGER NOT NULL REFERENCES interest_categories (id),
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contact_interests (
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  interest_id INTEGER NOT NULL REFERENCES interests (id),
  source TEXT NOT NULL,
  strength INTEGER NOT NULL CHECK (strength BETWEEN 1 AND 100),
  updated_at_us INTEGER NOT NULL,
  PRIMARY KEY (contact_id, interest_id, source)
) WITHOUT ROWID;
CREATE INDEX contact_interests_interest ON contact_interests (interest_id, contact_id);

-- A merge, recorded so it can be undone: the survivor's profile before the
-- merge and every row moved to it (app JSON).
CREATE TABLE contact_merges (
  id INTEGER PRIMARY KEY,
  survivor_id INTEGER NOT NULL REFERENCES contacts (id),
  merged_id INTEGER NOT NULL REFERENCES contacts (id),
  survivor_before_json TEXT NOT NULL,
  moved_json TEXT NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  merged_at_us INTEGER NOT NULL,
  undone_at_us INTEGER
);
CREATE INDEX contact_merges_survivor ON contact_merges (survivor_id, id);
CREATE INDEX contact_merges_merged ON contact_merges (merged_id);
