"""Replies to the reporter after they were read, and burned receipts (S6).

SecureDrop leaves deleting a reply to the source; GlobaLeaks expires the whistleblower's
access after a time. Haven does both, without relying on the reporter to remember:

- **Fetch tracking.** When the intake serves replies (``to_reporter`` events) to the holder
  of the receipt, ``record_replies_fetched`` stamps each reply served for the first time with
  the UTC day (``events.fetched_day``, never a time) and raises
  ``reports.replies_fetched_seq`` to the highest seq served. Both only ever advance.
- **Retention.** ``delete_fetched_replies`` (run by ``haven purge``) deletes the replies
  first served at least ``reply_retention_days`` days ago. A reply is served only with all
  the replies before it, so the deleted ones are always a prefix of the chain and the
  reporter's check of what remains starts at the first reply present (SPEC §6.2).
- **The chain floor.** ``replies_fetched_seq`` is at least the seq of every deleted reply, so
  ``vault.store.next_event_seq`` continues the reply chain above it and ``add_event`` refuses
  a reply at or below it: a deleted seq is never reused.
- **Burn.** ``burn_receipt`` removes the receipt lookup (``lookup_hash`` = NULL), deletes every
  reply, the reporter-sealed status and the reporter's sealed chain head, and raises the
  floor to the last reply: from then on the receipt opens nothing, and answers exactly like
  a receipt that never existed. The report and the reporter's own events stay for the
  reviewers; the reporter's signed ``receipt_burned`` event (SPEC §6.1) tells them the
  channel is closed.
- **The reporter's chain head.** Reporter events are sealed to the reviewers, so a returning
  reporter cannot read their own chain; with each event they send the new head
  ``{"seq", "event_hash"}`` sealed to their own reply key, which the intake keeps in
  ``reports.reporter_head`` (``set_reporter_head``, in the event's own transaction) and serves
  back (``reporter_head``). It lives in the vault, not on an intake host, so a follow-up may
  reach any host behind the same database, backups carry it, a burn clears it and a purge
  deletes it with the report. The server cannot read it; replacing it only breaks the
  reporter's next event, which reviewers would see as a fork.

The reporter's current status survives reply retention: the vault API keeps a copy of the
newest ``status`` reply, sealed to the reporter key, in ``reports.status_sealed``
(``set_reporter_status``), and the intake serves it beside the replies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault.errors import InvalidRecord, UnknownReport
from vault.models import REPORTER_HEAD_MAX_BYTES, Event, Report
from vault.store_records import DayLike, as_day, check_report_id

TO_REPORTER = "to_reporter"
DEFAULT_REPLY_RETENTION_DAYS = 30
MAX_HEAD_BYTES = REPORTER_HEAD_MAX_BYTES


@dataclass(frozen=True)
class RepliesDeleted:
    """What one retention run deleted: counts only (the audit entry holds the same)."""

    reports: int
    replies: int


@dataclass(frozen=True)
class BurnedReceipt:
    report_id: str
    replies_deleted: int


def _report(session: Session, report_id: str, *, lock: bool = False) -> Report:
    report = session.get(Report, check_report_id(report_id), with_for_update=lock)
    if report is None:
        raise UnknownReport("no such report")
    return report


def record_replies_fetched(session: Session, report_id: str, up_to_seq: int,
                           day: DayLike) -> int:
    """The reporter was served the replies up to ``up_to_seq`` on ``day``.

    Stamps the day on each of those replies not served before and raises the report's
    fetched seq; returns how many replies were stamped. Never moves anything back.
    """
    if not isinstance(up_to_seq, int) or isinstance(up_to_seq, bool) or up_to_seq < 0:
        raise InvalidRecord("up_to_seq must be a whole number >= 0")
    day = as_day(day)
    report = _report(session, report_id)
    if up_to_seq == 0:
        return 0
    stamped = session.execute(
        sa.update(Event)
        .where(Event.report_id == report.id, Event.direction == TO_REPORTER,
               Event.seq <= up_to_seq, Event.fetched_day.is_(None))
        .values(fetched_day=day)
        .execution_options(synchronize_session=False)
    )
    if up_to_seq > report.replies_fetched_seq:
        # A conditional UPDATE, so two visits at once cannot move the mark back.
        session.execute(
            sa.update(Report)
            .where(Report.id == report.id, Report.replies_fetched_seq < up_to_seq)
            .values(replies_fetched_seq=up_to_seq)
            .execution_options(synchronize_session=False)
        )
        session.expire(report, ["replies_fetched_seq"])
    session.flush()
    return int(stamped.rowcount)  # type: ignore[attr-defined]


def reply_floor(session: Session, report_id: str) -> int:
    """The seq at or below which no new reply may be stored (deleted replies sat there)."""
    return int(_report(session, report_id).replies_fetched_seq)


def reply_counts(session: Session, report_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Per report: (replies deleted, seq of the last reply ever stored).

    Deleted replies are a prefix of the chain, so every seq from 1 to the last one that has
    no row was deleted (after the reporter read it, or when the receipt was burned).
    """
    if not report_ids:
        return {}
    floors = dict(session.execute(
        sa.select(Report.id, Report.replies_fetched_seq).where(Report.id.in_(report_ids))).all())
    present = {rid: (int(count), int(top or 0)) for rid, count, top in session.execute(
        sa.select(Event.report_id, sa.func.count(), sa.func.max(Event.seq))
        .where(Event.report_id.in_(report_ids), Event.direction == TO_REPORTER)
        .group_by(Event.report_id))}
    out = {}
    for rid in report_ids:
        count, top = present.get(rid, (0, 0))
        last = max(top, int(floors.get(rid) or 0))
        out[rid] = (last - count, last)
    return out


def delete_fetched_replies(session: Session, today: DayLike, retention_days: int
                           ) -> RepliesDeleted:
    """Delete the replies the reporter first fetched ``retention_days`` or more days ago
    (0: every reply already fetched). The reporter's status copy is kept."""
    if not isinstance(retention_days, int) or isinstance(retention_days, bool) \
            or retention_days < 0:
        raise InvalidRecord("reply_retention_days must be a whole number of days >= 0")
    cutoff = as_day(today) - dt.timedelta(days=retention_days)
    due = (Event.direction == TO_REPORTER, Event.fetched_day.is_not(None),
           Event.fetched_day <= cutoff)
    reports = session.scalar(
        sa.select(sa.func.count(sa.distinct(Event.report_id))).where(*due)) or 0
    result = session.execute(
        sa.delete(Event).where(*due).execution_options(synchronize_session=False))
    session.flush()
    return RepliesDeleted(int(reports), int(result.rowcount))  # type: ignore[attr-defined]


def reporter_head(session: Session, report_id: str) -> bytes | None:
    """The reporter's sealed chain head, or None before their first event or after a burn."""
    head = _report(session, report_id).reporter_head
    return bytes(head) if head is not None else None


def set_reporter_head(session: Session, report_id: str, sealed: bytes, day: DayLike) -> None:
    """Keep the reporter's new sealed chain head, in the open unit of work of their event.

    The row is locked and must still have its receipt lookup: a head written beside a burn
    that committed first would outlive the burn, so the event fails instead (as if the
    receipt were unknown, which it now is). ``day`` is the event's day (last change).
    """
    if not isinstance(sealed, (bytes, bytearray)) or not 0 < len(sealed) <= MAX_HEAD_BYTES:
        raise InvalidRecord(f"a reporter head must be 1 to {MAX_HEAD_BYTES} bytes")
    day = as_day(day)
    session.flush()  # then re-read the locked row: a burn may have committed meanwhile
    report = session.get(Report, check_report_id(report_id), with_for_update=True,
                         populate_existing=True)
    if report is None or report.lookup_hash is None:
        raise UnknownReport("no report for this receipt")
    report.reporter_head = bytes(sealed)
    report.last_change_day = max(report.last_change_day, day)
    session.flush()


def burn_receipt(session: Session, report_id: str, day: DayLike) -> BurnedReceipt:
    """Make the receipt useless: no lookup, no replies, no reporter-sealed status or chain
    head.

    The report, its stanzas, blobs and the reporter's own events stay (burning is not a
    withdrawal). The floor rises to the last reply so the reviewers' chain stays whole.
    """
    report = _report(session, report_id, lock=True)
    last = session.scalar(sa.select(sa.func.max(Event.seq)).where(
        Event.report_id == report.id, Event.direction == TO_REPORTER)) or 0
    deleted = session.execute(
        sa.delete(Event).where(Event.report_id == report.id, Event.direction == TO_REPORTER)
        .execution_options(synchronize_session=False))
    report.lookup_hash = None
    report.status_sealed = None
    report.reporter_head = None
    report.replies_fetched_seq = max(report.replies_fetched_seq, int(last))
    report.last_change_day = max(report.last_change_day, as_day(day))
    session.flush()
    return BurnedReceipt(report.id, int(deleted.rowcount))  # type: ignore[attr-defined]
