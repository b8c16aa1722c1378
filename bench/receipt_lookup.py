"""Receipt lookup time at 1,000 and at 100,000 stored reports (it must stay flat).

What the inbox does for a receipt (S4): the keyed hash of the lookup id (BLAKE2b under the
instance pepper), then ``vault.store.find_report_by_lookup`` — one query on the unique
``lookup_hash`` index of the vault database (migrated by Alembic, SQLite by default;
``HAVEN_BENCH_VAULT_URL`` names a fresh, empty PostgreSQL database to measure that
instead). Reports are bulk-inserted with random 1 KiB envelopes (the lookup never reads them);
lookups mix hits and misses (a wrong receipt costs the same). argon2id of the receipt runs in
the reporter's browser, so it is not part of the server's lookup time.

``run() -> list[dict]``; ``python -m bench receipt_lookup``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

SIZES = (1_000, 100_000)
LOOKUPS = 400
BATCH = 5_000


def _fill(engine: sa.Engine, pepper: bytes, count: int, start: int) -> list[bytes]:
    """Insert reports up to ``count`` in all; returns the lookup ids of the new ones."""
    from vault.models import Report
    from vault.receipts import lookup_hash

    day = dt.date(2026, 1, 1)
    lookups: list[bytes] = []
    with engine.begin() as conn:
        for first in range(start, count, BATCH):
            rows = []
            for _ in range(first, min(first + BATCH, count)):
                lookup = secrets.token_bytes(32)
                lookups.append(lookup)
                rows.append({"id": str(uuid.uuid4()), "day": day,
                             "envelope": secrets.token_bytes(1024), "bundle_serial": 1,
                             "server_sealed": False, "lookup_hash": lookup_hash(pepper, lookup),
                             "state": "active", "status_epoch": 0, "last_change_day": day})
            conn.execute(sa.insert(Report.__table__), rows)
    return lookups


def _measure(sessions, pepper: bytes, known: list[bytes]) -> tuple[float, float]:
    from vault import store
    from vault.receipts import lookup_hash

    rng = secrets.SystemRandom()
    probes = [rng.choice(known) for _ in range(LOOKUPS * 3 // 4)]
    probes += [secrets.token_bytes(32) for _ in range(LOOKUPS - len(probes))]
    rng.shuffle(probes)
    timings = []
    with sessions() as session:
        for lookup in probes:
            started = time.perf_counter()
            store.find_report_by_lookup(session, lookup_hash(pepper, lookup))
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1]


def measure(url: str) -> list[dict]:
    from vault.db import make_engine, migrate, session_factory

    migrate(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    pepper = secrets.token_bytes(32)
    known: list[bytes] = []
    rows = []
    try:
        for size in SIZES:
            known += _fill(engine, pepper, size, len(known))
            median, p95 = _measure(sessions, pepper, known)
            rows.append({"case": f"receipt lookup at {size:,} reports", "n": LOOKUPS,
                         "median_ms": 1000 * median, "p95_ms": 1000 * p95})
    finally:
        engine.dispose()
    rows.append({"case": "100,000 vs 1,000 (flat = 1)", "n": LOOKUPS,
                 "median_ms": rows[1]["median_ms"] / rows[0]["median_ms"],
                 "p95_ms": rows[1]["p95_ms"] / rows[0]["p95_ms"]})
    return rows


def run() -> list[dict]:
    url = os.environ.get("HAVEN_BENCH_VAULT_URL")
    if url:
        return measure(url)
    with tempfile.TemporaryDirectory() as folder:
        return measure(f"sqlite:///{Path(folder) / 'vault.db'}")


if __name__ == "__main__":
    from bench.__main__ import main

    main(["receipt_lookup"])
