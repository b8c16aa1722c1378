"""The outbox: signed packages wait here until the case base acknowledges them (S20).

A local SQLite file (``<reviewer state dir>/outbox.sqlite3``, mode 0600): the vault API
offers no outbox, and a package must survive the case base being down and this process
restarting. Each row is one signed package (release or tombstone) with its delivery state:

``pending`` -> ``sent`` (the case base answered 200/201) | ``rejected`` (a 4xx that retrying
cannot fix; the code is kept) | ``cancelled`` (consent no longer holds at send time, or a
tombstone superseded it). Failures to reach the case base (network, 5xx) are retried with
exponential back-off: ``base * 2**attempts`` seconds, at most ``max`` seconds.

Releases are re-checked against the reporter's signed consent at send time (S20): that
needs an unlocked reviewer key, so ``deliver_due`` is given a ``consent_check`` by a request
of an unlocked reviewer; without one, releases wait and only tombstones go (they need no
consent and must never wait). The file also keeps the ledger of what this organisation
released (record id, version, tier, the published record) for re-checking k after a
withdrawal, and which report each record came from, so a withdrawal finds its records:
that link exists only on this host (see reviewer/release/README.md).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from vault.canonical import utc_day

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('release', 'tombstone')),
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    report_id TEXT,
    package TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    queued_day TEXT NOT NULL,
    done_day TEXT
);
CREATE INDEX IF NOT EXISTS ix_outbox_due ON outbox (status, next_attempt);
CREATE TABLE IF NOT EXISTS released (
    record_id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    tier TEXT NOT NULL,
    record TEXT NOT NULL,
    level INTEGER NOT NULL DEFAULT 0,
    qi TEXT NOT NULL DEFAULT '{}',
    withdrawn INTEGER NOT NULL DEFAULT 0
);
"""
RETRYABLE = frozenset({408, 425, 429})


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: str
    record_id: str
    version: int
    report_id: str | None
    package: Mapping[str, Any]
    status: str
    attempts: int
    next_attempt: float
    last_error: str | None
    queued_day: str
    done_day: str | None


@dataclass(frozen=True)
class Released:
    record_id: str
    report_id: str
    version: int
    tier: str
    record: Mapping[str, Any]
    level: int
    qi: Mapping[str, Any]  # exact quasi-identifiers, for re-counting at ``level``
    withdrawn: bool


@dataclass(frozen=True)
class Delivery:
    item_id: int
    outcome: str  # sent | retry | rejected | cancelled | waiting
    detail: str


Poster = Callable[[Mapping[str, Any]], requests.Response]
ConsentCheck = Callable[[OutboxItem], "bool | None"]


class Outbox:
    def __init__(self, path: Path, *, retry_base: float = 30, retry_max: float = 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.retry_base, self.retry_max, self._clock = retry_base, retry_max, clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        with self._db() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self.path, timeout=30)
            db.row_factory = sqlite3.Row
            try:
                db.execute("PRAGMA secure_delete = ON")
                yield db
                db.commit()
            finally:
                db.close()

    # --- queueing ----------------------------------------------------------------------

    def enqueue_release(self, signed: Mapping[str, Any], report_id: str, level: int,
                        qi: Mapping[str, Any]) -> int:
        body = signed["package"]
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO outbox (kind, record_id, version, report_id, package, queued_day)"
                " VALUES ('release', ?, ?, ?, ?, ?)",
                (body["record_id"], body["version"], report_id, json.dumps(signed),
                 utc_day()))
            db.execute(
                "INSERT INTO released (record_id, report_id, version, tier, record, level, qi) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET "
                "version = excluded.version, tier = excluded.tier, record = excluded.record, "
                "level = excluded.level, qi = excluded.qi",
                (body["record_id"], report_id, body["version"], body["tier"],
                 json.dumps(body["record"]), level, json.dumps(dict(qi))))
            return int(cursor.lastrowid or 0)

    def enqueue_tombstone(self, signed: Mapping[str, Any], report_id: str | None) -> int:
        """Queue a tombstone; releases of the record still waiting are cancelled."""
        body = signed["package"]
        with self._db() as db:
            db.execute("UPDATE outbox SET status = 'cancelled', last_error = "
                       "'superseded by a tombstone', done_day = ? WHERE record_id = ? AND "
                       "kind = 'release' AND status = 'pending'", (utc_day(), body["record_id"]))
            db.execute("UPDATE released SET withdrawn = 1 WHERE record_id = ?",
                       (body["record_id"],))
            cursor = db.execute(
                "INSERT INTO outbox (kind, record_id, version, report_id, package, queued_day)"
                " VALUES ('tombstone', ?, ?, ?, ?, ?)",
                (body["record_id"], body["version"], report_id, json.dumps(signed),
                 utc_day()))
            return int(cursor.lastrowid or 0)

    # --- reading -----------------------------------------------------------------------

    def items(self, status: str | None = None) -> list[OutboxItem]:
        query, args = "SELECT * FROM outbox", ()
        if status:
            query, args = query + " WHERE status = ?", (status,)
        with self._db() as db:
            return [_item(row) for row in db.execute(query + " ORDER BY id", args)]

    def released(self, report_id: str | None = None) -> list[Released]:
        query, args = "SELECT * FROM released", ()
        if report_id:
            query, args = query + " WHERE report_id = ?", (report_id,)
        with self._db() as db:
            return [Released(r["record_id"], r["report_id"], r["version"], r["tier"],
                             json.loads(r["record"]), r["level"], json.loads(r["qi"]),
                             bool(r["withdrawn"]))
                    for r in db.execute(query + " ORDER BY record_id", args)]

    def has_tombstone(self, record_id: str) -> bool:
        """A tombstone for the record is waiting or was acknowledged by the case base."""
        with self._db() as db:
            row = db.execute("SELECT 1 FROM outbox WHERE record_id = ? AND kind = 'tombstone' "
                             "AND status IN ('pending', 'sent')", (record_id,)).fetchone()
        return row is not None

    def highest_version(self, record_id: str) -> int:
        with self._db() as db:
            row = db.execute("SELECT MAX(version) FROM outbox WHERE record_id = ?",
                             (record_id,)).fetchone()
        return int(row[0] or 0)

    # --- delivering --------------------------------------------------------------------

    def deliver_due(self, post: Poster, *,
                    consent_check: ConsentCheck | None = None) -> list[Delivery]:
        """Try every due package once, oldest first; tombstones never wait for consent."""
        now = self._clock()
        with self._db() as db:
            due = [_item(r) for r in db.execute(
                "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt <= ? "
                "ORDER BY id", (now,))]
        return [self._deliver(item, post, consent_check) for item in due]

    def _deliver(self, item: OutboxItem, post: Poster,
                 consent_check: ConsentCheck | None) -> Delivery:
        if item.kind == "release":
            held = self._consent_hold(item, consent_check)
            if held is not None:
                return held
        try:
            response = post(item.package)
        except requests.RequestException as exc:
            return self._retry(item, f"unreachable ({type(exc).__name__})")
        if response.status_code in (200, 201):
            self._finish(item.id, "sent", None)
            return Delivery(item.id, "sent", str(response.status_code))
        if response.status_code >= 500 or response.status_code in RETRYABLE:  # noqa: PLR2004
            return self._retry(item, f"HTTP {response.status_code}")
        code = _error_code(response)
        self._finish(item.id, "rejected", code)
        return Delivery(item.id, "rejected", code)

    def _consent_hold(self, item: OutboxItem,
                      consent_check: ConsentCheck | None) -> Delivery | None:
        """None when the release may go; otherwise why it waits or was cancelled (S20)."""
        if consent_check is None:
            return Delivery(item.id, "waiting", "consent is re-checked by an unlocked "
                            "reviewer at send time")
        allowed = consent_check(item)
        if allowed is None:
            return Delivery(item.id, "waiting", "this reviewer cannot open the report to "
                            "re-check consent")
        if not allowed:
            self._finish(item.id, "cancelled", "consent no longer holds at send time")
            return Delivery(item.id, "cancelled", "consent no longer holds")
        return None

    def _retry(self, item: OutboxItem, error: str) -> Delivery:
        delay = min(self.retry_base * 2 ** item.attempts, self.retry_max)
        with self._db() as db:
            db.execute("UPDATE outbox SET attempts = attempts + 1, next_attempt = ?, "
                       "last_error = ? WHERE id = ?", (self._clock() + delay, error, item.id))
        return Delivery(item.id, "retry", error)

    def _finish(self, item_id: int, status: str, error: str | None) -> None:
        with self._db() as db:
            db.execute("UPDATE outbox SET status = ?, last_error = ?, done_day = ? "
                       "WHERE id = ?", (status, error, utc_day(), item_id))

    def retry_now(self) -> None:
        """Make every pending package due at once (the outbox page's button)."""
        with self._db() as db:
            db.execute("UPDATE outbox SET next_attempt = 0 WHERE status = 'pending'")


def http_poster(casebase_url: str, timeout: float = 20,
                http: requests.Session | None = None
                ) -> Callable[[Mapping[str, Any]], requests.Response]:
    """POST a signed package to the case base's ingest endpoint."""
    url = casebase_url.rstrip("/") + "/api/v1/ingest"
    session = http or requests.Session()

    def post(package: Mapping[str, Any]) -> requests.Response:
        return session.post(url, json=dict(package), timeout=timeout, allow_redirects=False)

    return post


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json()["error"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(row["id"], row["kind"], row["record_id"], row["version"],
                      row["report_id"], json.loads(row["package"]), row["status"],
                      row["attempts"], row["next_attempt"], row["last_error"],
                      row["queued_day"], row["done_day"])
