#!/usr/bin/env python3
"""Writes PURCHASES purchases of CONTACTS members (contact ids 1..CONTACTS) as
NDJSON (one POST /api/v1/purchases body per line) or CSV, over the two years
before 2026-11-01, seeded so every run gets the same file.

    generate.py CONTACTS PURCHASES OUT [ndjson|csv]
"""
import random
import sys
from datetime import datetime, timedelta, timezone


def main() -> None:
    contacts, purchases, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    fmt = sys.argv[4] if len(sys.argv) > 4 else "ndjson"
    rng = random.Random(7)
    start = datetime(2024, 11, 1, tzinfo=timezone.utc)
    span = 2 * 365 * 24 * 3600
    channels = ("web", "store", "app")
    stores = ("", "berlin-1", "moscow-2", "london-3")
    with open(out, "w", buffering=1 << 20) as f:
        if fmt == "csv":
            f.write("contact_id,external_id,occurred_at,total_minor,currency,channel,store\n")
        lines = []
        for n in range(1, purchases + 1):
            at = (start + timedelta(seconds=rng.randrange(span))).strftime("%Y-%m-%dT%H:%M:%SZ")
            contact = rng.randrange(1, contacts + 1)
            total = rng.randrange(100, 50_000)
            channel = channels[n % 3]
            store = stores[n % 4]
            if fmt == "csv":
                lines.append(f"{contact},b-{n},{at},{total},EUR,{channel},{store}\n")
            else:
                lines.append(
                    f'{{"contact_id":{contact},"total_minor":{total},"currency":"EUR","channel":"{channel}",'
                    f'"store":"{store}","occurred_at":"{at}","external_id":"b-{n}"}}\n'
                )
            if len(lines) >= 100_000:
                f.write("".join(lines))
                lines.clear()
        f.write("".join(lines))


if __name__ == "__main__":
    main()
