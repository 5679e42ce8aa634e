"""The purchases benchmark's peer: the same durable writes a purchase makes
(the purchase row, its ledger transaction, two entries, a lot, the balance and
the idempotency record) as one SQLite transaction per purchase from THREADS
threads, each with its own connection: SQLite without group commit, with the
same WAL mode and synchronous setting. Prints purchases per second.

usage: autocommit_peer.py DATABASE SECONDS THREADS SYNCHRONOUS
"""
import random
import sqlite3
import sys
import threading
import time

database, seconds, threads, synchronous = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

setup = sqlite3.connect(database)
setup.executescript("""
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS purchases (id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL, total_minor INTEGER NOT NULL,
  currency TEXT NOT NULL, channel TEXT NOT NULL, occurred_at_us INTEGER NOT NULL, external_id TEXT NOT NULL,
  lines_json TEXT NOT NULL, points_earned INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS purchases_external ON purchases (external_id);
CREATE INDEX IF NOT EXISTS purchases_contact ON purchases (contact_id, occurred_at_us);
CREATE TABLE IF NOT EXISTS ledger_transactions (id INTEGER PRIMARY KEY, kind TEXT, contact_id INTEGER, purchase_id INTEGER,
  occurred_at_us INTEGER, explanation_json TEXT);
CREATE INDEX IF NOT EXISTS ledger_transactions_contact ON ledger_transactions (contact_id, id);
CREATE TABLE IF NOT EXISTS ledger_entries (id INTEGER PRIMARY KEY, transaction_id INTEGER, account TEXT, contact_id INTEGER,
  lot_id INTEGER, points INTEGER);
CREATE INDEX IF NOT EXISTS ledger_entries_transaction ON ledger_entries (transaction_id);
CREATE TABLE IF NOT EXISTS point_lots (id INTEGER PRIMARY KEY, contact_id INTEGER, points INTEGER, remaining INTEGER,
  earned_at_us INTEGER);
CREATE TABLE IF NOT EXISTS loyalty_accounts (contact_id INTEGER PRIMARY KEY, available INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency_keys (scope TEXT, key TEXT, response TEXT, PRIMARY KEY (scope, key));
""")
setup.close()

deadline = time.monotonic() + seconds
counts = [0] * threads


def client(number):
    connection = sqlite3.connect(database, isolation_level=None, timeout=60)
    connection.execute("PRAGMA synchronous=" + synchronous)
    count = 0
    while time.monotonic() < deadline:
        contact = random.randint(1, 1000)
        total = random.randint(1000, 10000)
        points = total // 100
        external = "peer-%d-%d-%d" % (number, count, time.monotonic_ns())
        connection.execute("BEGIN IMMEDIATE")
        purchase = connection.execute(
            "INSERT INTO purchases (contact_id, total_minor, currency, channel, occurred_at_us, external_id, lines_json,"
            " points_earned) VALUES (?, ?, 'EUR', 'web', 0, ?, '[]', ?)", (contact, total, external, points)).lastrowid
        transaction = connection.execute(
            "INSERT INTO ledger_transactions (kind, contact_id, purchase_id, occurred_at_us, explanation_json)"
            " VALUES ('earn', ?, ?, 0, '{}')", (contact, purchase)).lastrowid
        lot = connection.execute("INSERT INTO point_lots (contact_id, points, remaining, earned_at_us) VALUES (?, ?, ?, 0)",
                                 (contact, points, points)).lastrowid
        connection.execute("INSERT INTO ledger_entries (transaction_id, account, points) VALUES (?, 'issued', ?)",
                           (transaction, -points))
        connection.execute("INSERT INTO ledger_entries (transaction_id, account, contact_id, lot_id, points)"
                           " VALUES (?, 'available', ?, ?, ?)", (transaction, contact, lot, points))
        connection.execute("INSERT INTO loyalty_accounts (contact_id, available) VALUES (?, ?) ON CONFLICT (contact_id)"
                           " DO UPDATE SET available = available + excluded.available", (contact, points))
        connection.execute("INSERT INTO idempotency_keys VALUES ('bench', ?, '{}')", (external,))
        connection.execute("COMMIT")
        count += 1
    counts[number] = count


workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
started = time.monotonic()
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print("%.0f" % (sum(counts) / (time.monotonic() - started)))
