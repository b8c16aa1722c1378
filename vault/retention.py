"""Retention and purge (S6, S20).

Which reports are due: the reviewers' workflow status (new, verified, closed…) lives in
encrypted reviewer records the vault cannot read, so the vault decides from what it stores:

- a ``withdrawn`` report is due ``retention_days["withdrawn"]`` days (0 by default) after
  the day it was withdrawn: withdrawing the whole report means purge (S20);
- an ``active`` report is due when it has not changed (no event, grant, status update —
  ``last_change_day``) for the LONGEST retention of any reviewer status. That is the
  conservative choice: the vault never drops a report a reviewer may still be working on.
  Shorter retention for a status (``closed`` after 90 days) is applied by the reviewer side,
  which knows the status, by asking the vault API to purge that report (``purge_report``).

Replies to the reporter (``to_reporter`` events) go sooner: ``reply_retention_days``
(``[vault]``, 30 by default) after the reporter first fetched them (``vault.reply_store``),
with the chain and the reporter's status kept usable.

``purge_report`` deletes the report row and, with it, its stanzas, events and blob rows;
the blob files are unlinked after the transaction commits (a crash in between leaves files
without rows, which ``vault.blobs.sweep`` removes). An audit entry names the report by
keyed hash only. SQLite runs with ``secure_delete=ON`` and is VACUUMed after a purge
(PostgreSQL: VACUUM), so the ciphertext does not linger in free pages. Copies that survive
elsewhere — old backups, free blocks of the disk, a copy taken earlier — are made unreadable
by key epochs (S6, vault.keys): once the reviewer keys of an epoch are destroyed, no stanza
left anywhere opens the purged report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from vault import audit
from vault.action_signature import NONCE_KEEP_DAYS
from vault.blobs import (
    DEFAULT_SWEEP_GRACE_SECONDS,
    BlobBackend,
    SweepReport,
    delete_blob_files,
    sweep,
)
from vault.canonical import utc_day
from vault.errors import InvalidRecord, UnknownReport
from vault.models import ActionNonce, Blob, Event, PurgeRecord, Report, Stanza
from vault.reply_store import DEFAULT_REPLY_RETENTION_DAYS, RepliesDeleted, delete_fetched_replies
from vault.store import DayLike, as_day, check_report_id
from vault.uploads import sweep_expired_uploads

UNATTACHED_BLOB_DAYS = 2


@dataclass(frozen=True)
class PurgeCandidate:
    report_id: str
    state: str
    last_change_day: dt.date
    due_day: dt.date


@dataclass(frozen=True)
class PurgedReport:
    target: str
    blob_ids: tuple[str, ...]


@dataclass(frozen=True)
class PurgeSummary:
    reports: int
    blobs: int
    unattached_blobs: int
    expired_uploads: int
    swept: SweepReport
    dry_run: bool
    candidates: tuple[PurgeCandidate, ...] = field(default=())
    replies: RepliesDeleted = field(default=RepliesDeleted(0, 0))
    action_nonces: int = 0


def days_for_state(state: str, retention_days: Mapping[str, int]) -> int:
    if state == "withdrawn":
        return int(retention_days.get("withdrawn", 0))
    if state == "active":
        kept = [days for status, days in retention_days.items() if status != "withdrawn"]
        if not kept:
            raise InvalidRecord("retention_days names no status for active reports")
        return max(kept)
    raise InvalidRecord(f"unknown report state {state!r}")


def expired_reports(session: Session, today: DayLike, retention_days: Mapping[str, int]
                    ) -> list[PurgeCandidate]:
    today = as_day(today)
    due: list[PurgeCandidate] = []
    for state in ("withdrawn", "active"):
        keep = dt.timedelta(days=days_for_state(state, retention_days))
        rows = session.execute(
            sa.select(Report.id, Report.last_change_day)
            .where(Report.state == state, Report.last_change_day <= today - keep)
            .order_by(Report.last_change_day, Report.id)
        )
        due.extend(PurgeCandidate(rid, state, day, day + keep) for rid, day in rows)
    return due


def purge_report(
    session: Session, report_id: str, *, audit_key: bytes, day: DayLike, reason: str,
    actor: str = audit.SYSTEM_ACTOR,
) -> PurgedReport:
    """Delete a report and everything of it from the database (files: see module doc)."""
    day = as_day(day)
    report = session.get(Report, check_report_id(report_id))
    if report is None:
        raise UnknownReport("no such report")
    blob_ids = tuple(session.scalars(
        sa.select(Blob.blob_id).where(Blob.report_id == report_id).order_by(Blob.blob_id)))
    target = audit.target_hash(audit_key, report_id)
    session.execute(sa.delete(Event).where(Event.report_id == report_id))
    session.execute(sa.delete(Stanza).where(Stanza.report_id == report_id))
    session.execute(sa.delete(Blob).where(Blob.report_id == report_id))
    session.execute(sa.delete(Report).where(Report.id == report_id))
    session.add(PurgeRecord(day=day, target=target, reason=reason, blob_count=len(blob_ids)))
    audit.append(session, actor=actor, action="report.purge", target=target,
                 detail={"reason": reason, "blobs": len(blob_ids)}, day=day)
    session.flush()
    return PurgedReport(target, blob_ids)


def purge_unattached_blobs(session: Session, today: dt.date,
                           older_than_days: int = UNATTACHED_BLOB_DAYS) -> tuple[str, ...]:
    """Blob rows uploaded but never attached to a report (an abandoned submission)."""
    cutoff = today - dt.timedelta(days=older_than_days)
    blob_ids = tuple(session.scalars(sa.select(Blob.blob_id).where(
        Blob.state == "stored", Blob.report_id.is_(None), Blob.day < cutoff)))
    if blob_ids:
        session.execute(sa.delete(Blob).where(Blob.blob_id.in_(blob_ids)))
    return blob_ids


def purge_fetched_replies(session: Session, today: dt.date, reply_retention_days: int
                          ) -> RepliesDeleted:
    """Replies the reporter read ``reply_retention_days`` ago or more (S6), with one audit
    entry per run holding counts only (no report named, not even by keyed hash)."""
    deleted = delete_fetched_replies(session, today, reply_retention_days)
    audit.append(session, actor=audit.SYSTEM_ACTOR, action="replies.purge", day=today,
                 detail={"replies": deleted.replies, "reports": deleted.reports,
                         "retention_days": reply_retention_days})
    return deleted


def fetched_replies_due(session: Session, today: dt.date, reply_retention_days: int) -> int:
    """How many replies the next run would delete (``--dry-run``)."""
    cutoff = today - dt.timedelta(days=reply_retention_days)
    return int(session.scalar(sa.select(sa.func.count()).select_from(Event).where(
        Event.direction == "to_reporter", Event.fetched_day.is_not(None),
        Event.fetched_day <= cutoff)) or 0)


def prune_action_nonces(session: Session, today: DayLike) -> int:
    """Forget the nonce hashes of signed reviewer actions (S17) older than any statement
    the API still accepts (vault.action_signature.NONCE_KEEP_DAYS)."""
    cutoff = as_day(today) - dt.timedelta(days=NONCE_KEEP_DAYS)
    result = session.execute(sa.delete(ActionNonce).where(ActionNonce.day < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def vacuum(engine: sa.Engine) -> None:
    """Rewrite the database so freed pages holding purged ciphertext are gone."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            driver = raw.driver_connection
            driver.execute("VACUUM")  # type: ignore[union-attr]
            # In WAL mode the old pages sit in the -wal file until a checkpoint.
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
        finally:
            raw.close()
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM")


def run_purge(
    factory: sessionmaker[Session],
    backend: BlobBackend,
    *,
    today: DayLike,
    retention_days: Mapping[str, int],
    audit_key: bytes,
    dry_run: bool = False,
    sweep_grace_seconds: int = 3600,
    reply_retention_days: int = DEFAULT_REPLY_RETENTION_DAYS,
) -> PurgeSummary:
    """What ``haven purge`` does: expired reports, replies the reporter read
    ``reply_retention_days`` ago, abandoned blobs and uploads, orphan files, then VACUUM.
    With ``dry_run`` nothing changes; the candidates are returned."""
    today = as_day(today)
    with factory() as session:
        candidates = tuple(expired_reports(session, today, retention_days))
        replies_due = fetched_replies_due(session, today, reply_retention_days)
    if dry_run:
        return PurgeSummary(len(candidates), 0, 0, 0, SweepReport(0, 0), True, candidates,
                            RepliesDeleted(0, replies_due))
    blob_count = 0
    for candidate in candidates:
        with factory() as session, session.begin():
            purged = purge_report(session, candidate.report_id, audit_key=audit_key,
                                  day=today, reason=f"retention.{candidate.state}")
        blob_count += delete_blob_files(backend, purged.blob_ids)
    with factory() as session, session.begin():
        replies = purge_fetched_replies(session, today, reply_retention_days)
    with factory() as session, session.begin():
        unattached = purge_unattached_blobs(session, today)
        expired_uploads = sweep_expired_uploads(session, backend, today,
                                                sweep_grace_seconds)
    delete_blob_files(backend, unattached)
    with factory() as session, session.begin():
        nonces = prune_action_nonces(session, today)
    with factory() as session:
        swept = sweep(session, backend, sweep_grace_seconds)
    bind = factory.kw["bind"]
    vacuum(bind)
    return PurgeSummary(len(candidates), blob_count, len(unattached), expired_uploads,
                        swept, False, candidates, replies, nonces)


def startup_sweep(factory: sessionmaker[Session], backend: BlobBackend,
                  today: DayLike | None = None,
                  grace_seconds: int = DEFAULT_SWEEP_GRACE_SECONDS) -> SweepReport:
    """What an app runs at start-up: expired uploads, temp files of crashed writes and
    blob files whose row never landed (each older than the grace period)."""
    with factory() as session, session.begin():
        sweep_expired_uploads(session, backend, today or utc_day(), grace_seconds)
    with factory() as session:
        return sweep(session, backend, grace_seconds)
