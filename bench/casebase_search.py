"""Case base search at 100,000 synthetic records: p95 latency of casebase.search.search
(full-text + filters + count + page, as the list page and the API run it) against a plain
indexed SQL query (one indexed column, ORDER BY, LIMIT) on the same data, in the same run.

Records come from casebase.synthetic (taxonomy terms and the States of the 2023 report).
They are bulk-loaded with the same columns, term rows and full-text entries ingest writes,
without signatures: this measures search, not ingest. SQLite by default; set
HAVEN_BENCH_CASEBASE_URL to a PostgreSQL URL to measure that backend.

Run: ``python -m bench casebase_search`` or ``python bench/casebase_search.py [N]``.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

RECORDS = 100_000
QUERIES = 200
TODAY = "2026-11-23"
# A reprisal-case workload: words reviewers search for, alone or with filters.
SEARCH_WORDS = ("travel", "passport", "rapporteur", "detention", "smear", "agents", "geneva",
                "registration", "surveillance", "laptops", "relatives", "torture", "lawyer",
                "indigenous", "deregistration", "hacking", "exile", "prosecution")


def _rows(rng: random.Random, count: int):
    from casebase.countries import COUNTRY_REGION, country_name
    from casebase.records import MULTI_VALUED, SURVEILLANCE_ACTS, month_of
    from casebase.synthetic import synthetic_record

    for n in range(count):
        data = synthetic_record(rng)
        record_id = secrets.token_hex(16)
        months = [month_of(e["date"]) for e in data["follow_up"]] + [f"{data['year']}-01"]
        document = "\n".join([data["title"], data["narrative"], country_name(data["country"]),
                              *(e["note"] for e in data["follow_up"])])
        record = {
            "record_id": record_id, "org_id": "bench-org", "version": 1, "tier": "public",
            "state": "published", "publish_after": TODAY, "ingested_on": TODAY,
            "issued_at": TODAY, "release_pk": "A" * 43, "trust_anchor": "A" * 43,
            "package_sha256": "0" * 64, "package_json": "{}", "kind": data["kind"],
            "title": data["title"], "name": None, "country": data["country"],
            "region": COUNTRY_REGION[data["country"]], "year": data["year"], "year_to": None,
            "gender": data["gender"], "role": data["role"], "engagement": data["engagement"],
            "verification": data["verification"], "outcome": data["outcome"],
            "anonymity_requested": data["anonymity_requested"], "named": False,
            "detained": data["detained"],
            "surveillance": bool(set(data["acts"]) & SURVEILLANCE_ACTS),
            "restrictive_law": "restrictive_law" in data["acts"],
            "last_activity": max(months), "search_rowid": n + 1,
        }
        body = {"record_id": record_id, "package_json": "{}", "search_document": document}
        terms = [{"record_id": record_id, "vocabulary": v, "term": t}
                 for v in MULTI_VALUED for t in data[v]]
        yield record, body, terms


def load(engine: sa.Engine, count: int, seed: int = 2023) -> None:
    from casebase.models import Record, RecordDocument, RecordTerm

    rng = random.Random(seed)
    sqlite = engine.dialect.name == "sqlite"
    batch: list = []
    with engine.begin() as conn:
        for row in _rows(rng, count):
            batch.append(row)
            if len(batch) == 2000:  # noqa: PLR2004
                _flush(conn, batch, (Record, RecordDocument, RecordTerm), sqlite)
                batch = []
        if batch:
            _flush(conn, batch, (Record, RecordDocument, RecordTerm), sqlite)
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))


def _flush(conn, batch, models, sqlite: bool) -> None:  # type: ignore[no-untyped-def]
    record_model, document_model, term_model = models
    conn.execute(sa.insert(record_model), [r for r, _, _ in batch])
    conn.execute(sa.insert(document_model), [d for _, d, _ in batch])
    conn.execute(sa.insert(term_model), [t for _, _, terms in batch for t in terms])
    if sqlite:
        conn.execute(sa.text("INSERT INTO records_fts(rowid, document) VALUES (:r, :d)"),
                     [{"r": r["search_rowid"], "d": d["search_document"]} for r, d, _ in batch])


def _workload(rng: random.Random) -> list[MultiDict]:
    from casebase.synthetic import REPORT_2023_STATES

    queries = []
    for i in range(QUERIES):
        args = MultiDict()
        kind = i % 4
        if kind in (0, 1, 3):
            args.add("q", " ".join(rng.sample(SEARCH_WORDS, rng.choice((1, 2)))))
        if kind in (1, 2):
            args.add("country", rng.choice(REPORT_2023_STATES))
        if kind == 2:  # noqa: PLR2004
            args.add("act", rng.choice(("detention", "travel_ban", "smear", "threats")))
        if kind == 3:  # noqa: PLR2004
            args.add("stale", "24")
        queries.append(args)
    return queries


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] * 1000


def measure(url: str, count: int) -> list[dict]:
    from casebase.db import make_engine, migrate, session_factory
    from casebase.search import parse_query, search
    from casebase.synthetic import REPORT_2023_STATES

    engine = make_engine(url)
    migrate(engine)
    started = time.perf_counter()
    load(engine, count)
    load_seconds = time.perf_counter() - started
    rng = random.Random(7)
    haven, plain = [], []
    baseline = sa.text("SELECT record_id, title, year FROM records WHERE country = :c "
                       "ORDER BY year DESC, record_id LIMIT 20")
    with session_factory(engine)() as session:
        for args in _workload(rng):
            query = parse_query(args)
            t0 = time.perf_counter()
            search(session, query, ("public",), TODAY)
            haven.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            session.execute(baseline, {"c": rng.choice(REPORT_2023_STATES)}).all()
            plain.append(time.perf_counter() - t0)
    engine.dispose()
    return [
        {"backend": engine.dialect.name, "records": count, "query": "casebase search",
         "p50_ms": statistics.median(haven) * 1000, "p95_ms": _p95(haven),
         "load_s": load_seconds},
        {"backend": engine.dialect.name, "records": count, "query": "plain indexed SQL",
         "p50_ms": statistics.median(plain) * 1000, "p95_ms": _p95(plain),
         "ratio_p95": _p95(haven) / _p95(plain)},
    ]


def run(count: int = RECORDS) -> list[dict]:
    url = os.environ.get("HAVEN_BENCH_CASEBASE_URL")
    if url:
        return measure(url, count)
    with tempfile.TemporaryDirectory() as folder:
        return measure(f"sqlite:///{Path(folder) / 'bench.db'}", count)


if __name__ == "__main__":
    for row in run(int(sys.argv[1]) if len(sys.argv) > 1 else RECORDS):
        print(row)
