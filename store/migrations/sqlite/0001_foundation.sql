-- The foundation schema: event log, consumer checkpoints, job queue and the
-- directory (companies, contacts, purchases). Timestamps are INTEGER UTC
-- microseconds in columns named *_at_us.
CREATE TABLE events (
  sequence INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id INTEGER NOT NULL,
  occurred_at_us INTEGER NOT NULL,
  recorded_at_us INTEGER NOT NULL,
  actor TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX events_subject ON events (subject_type, subject_id, sequence);

CREATE TABLE consumer_checkpoints (
  consumer TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ready', 'running', 'done', 'dead')),
  attempts INTEGER NOT NULL,
  attempts_max INTEGER NOT NULL,
  run_at_us INTEGER NOT NULL,
  created_at_us INTEGER NOT NULL,
  finished_at_us INTEGER,
  locked_by TEXT NOT NULL DEFAULT '',
  locked_until_us INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  dedupe_key TEXT UNIQUE
);
CREATE INDEX jobs_state_run_at ON jobs (state, run_at_us);

CREATE TABLE companies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country_code TEXT NOT NULL,
  created_at_us INTEGER NOT NULL
);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  birthday TEXT,
  locale TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  company_id INTEGER REFERENCES companies (id),
  created_at_us INTEGER NOT NULL,
  updated_at_us INTEGER NOT NULL
);
CREATE INDEX contacts_email ON contacts (lower(email));

CREATE TABLE purchases (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts (id),
  total_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  channel TEXT NOT NULL,
  occurred_at_us INTEGER NOT NULL,
  external_id TEXT NOT NULL
);
CREATE INDEX purchases_contact ON purchases (contact_id, occurred_at_us);
