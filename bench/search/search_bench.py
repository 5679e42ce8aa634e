"""Times list and search pages of Rapport against a bare SQLite client.

Rapport's figure is the server time of each request (the Server-Timing
header: the use case, the store read and the JSON rows, without the network);
the peer runs the same page as one SQL query over the same database file with
Python's sqlite3 module and fetches the rows. Each query is run ROUNDS times;
the report prints median and p95 per kind and the ratio of the p95s.
"""
import argparse
import json
import sqlite3
import statistics
import time
import urllib.parse
import urllib.request

ROUNDS = 5
PAGE = 50
PREFIXES = ["ан", "ив", "пет", "ма", "ол", "сми", "an", "iv", "pe", "ma", "jo", "smi", "ale", "ser", "kuz"]
COLUMNS = ("c.id, c.first_name, c.last_name, c.email, c.other_emails, c.phone, c.other_phones, c.address_line1, "
           "c.city, c.country_code, c.birthday, c.gender, c.locale, c.time_zone, c.source, c.owner_user_id, "
           "c.external_id, c.roles, c.custom_json, c.merged_into, c.created_at_us, c.updated_at_us")


def rapport_ms(url, token, path):
    request = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        timing = response.headers["Server-Timing"]
    json.loads(body)
    return float(timing.split("dur=")[1])


def peer_ms(db, sql, params):
    started = time.perf_counter()
    rows = db.execute(sql, params).fetchall()
    ids = [row[0] for row in rows]
    if ids:  # the company links of the page, as the list shows them
        marks = ",".join("?" * len(ids))
        db.execute(f"SELECT contact_id, company_id FROM contact_companies WHERE contact_id IN ({marks})", ids).fetchall()
    return (time.perf_counter() - started) * 1000


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    db = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
    search_sql = (f"SELECT {COLUMNS} FROM contact_search s JOIN contacts c ON c.id = s.rowid "
                  f"WHERE s.contact_search MATCH ? AND c.merged_into IS NULL ORDER BY s.rowid DESC LIMIT {PAGE}")
    kinds = {
        "search prefix": [(f"/api/v1/contacts?limit={PAGE}&q=" + urllib.parse.quote(p), search_sql, (f'"{p}"*',))
                          for p in PREFIXES],
        "search two terms": [(f"/api/v1/contacts?limit={PAGE}&q=" + urllib.parse.quote(a + " " + b), search_sql,
                              (f'"{a}"* AND "{b}"*',)) for a, b in [("ан", "ив"), ("iv", "pe"), ("ma", "smi")]],
        "list newest": [(f"/api/v1/contacts?limit={PAGE}",
                         f"SELECT {COLUMNS} FROM contacts c WHERE c.merged_into IS NULL ORDER BY c.id DESC LIMIT {PAGE}",
                         ())],
        "list by name": [(f"/api/v1/contacts?limit={PAGE}&sort=name",
                          f"SELECT {COLUMNS} FROM contacts c WHERE c.merged_into IS NULL "
                          f"ORDER BY c.sort_name, c.id LIMIT {PAGE}", ())],
        "list role filter": [(f"/api/v1/contacts?limit={PAGE}&role=customer",
                              f"SELECT {COLUMNS} FROM contacts c WHERE c.merged_into IS NULL AND (c.roles & 1) <> 0 "
                              f"ORDER BY c.id DESC LIMIT {PAGE}", ())],
    }
    print(f"{'query kind':<18} {'rapport p50':>11} {'rapport p95':>11} {'sqlite p50':>10} {'sqlite p95':>10} {'p95 ratio':>9}")
    all_rapport = []
    for kind, queries in kinds.items():
        ours, peers = [], []
        for _ in range(ROUNDS):
            for path, sql, params in queries:
                ours.append(rapport_ms(args.url, args.token, path))
                peers.append(peer_ms(db, sql, params))
        all_rapport += ours
        print(f"{kind:<18} {statistics.median(ours):>9.2f}ms {p95(ours):>9.2f}ms "
              f"{statistics.median(peers):>8.2f}ms {p95(peers):>8.2f}ms {p95(ours) / max(p95(peers), 1e-6):>8.2f}x")
    print(f"all requests: p95 server time {p95(all_rapport):.2f} ms over {len(all_rapport)} requests (target 20 ms)")


if __name__ == "__main__":
    main()
