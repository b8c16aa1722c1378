"""The vault store: reports, access stanzas, events, reporter status (bundles: vault.bundle_store).

Everything here is opaque ciphertext plus the plaintext metadata listed in
``vault.models`` (S7). Functions take a SQLAlchemy ``Session`` and never commit: the
caller owns the unit of work (``with vault.db.transaction(factory) as session:``), so a
request's writes land together or not at all. Functions that can fail half-way work
inside a savepoint, so a rejected call leaves the caller's session usable and nothing
half-written. Errors are the specific ``vault.errors`` classes. The boundary records and
validators live in ``vault.store_records`` and are importable from here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vault.errors import (
    BlobAlreadyAttached,
    BlobIncomplete,
    DuplicateLookup,
    DuplicateReport,
    EventConflict,
    InvalidRecord,
    ReportNotActive,
    StaleStatus,
    UnknownBlob,
    UnknownReport,
)
from vault.models import EVENT_DIRECTIONS, REPORT_STATES, Blob, Event, Report, Stanza
from vault.store_records import (
    DEFAULT_PAGE_SIZE,
    LOOKUP_HASH_LENGTH,
    MAX_PAGE_SIZE,
    DayLike,
    EventRecord,
    ReportRecord,
    ReportSummary,
    StanzaRecord,
    as_day,
    check_blob_id,
    check_bytes,
    check_key_id,
    check_report_id,
)


def _report(session: Session, report_id: str) -> Report:
    report = session.get(Report, check_report_id(report_id))
    if report is None:
        raise UnknownReport("no such report")
    return report


def _touch(report: Report, day: dt.date) -> None:
    report.last_change_day = max(report.last_change_day, day)


# --- reports -----------------------------------------------------------------------


def add_report(
    session: Session,
    *,
    report_id: str,
    day: DayLike,
    envelope: bytes,
    bundle_serial: int,
    server_sealed: bool,
    lookup_hash: bytes,
    stanzas: Mapping[str, bytes],
    blob_ids: Sequence[str] = (),
    epoch: int = 0,
) -> ReportRecord:
    """Store a report, its stanzas and attach its complete blobs, all or nothing."""
    day = as_day(day)
    check_report_id(report_id)
    check_bytes("envelope", envelope)
    check_bytes("lookup hash", lookup_hash, exact=LOOKUP_HASH_LENGTH)
    if not stanzas:
        raise InvalidRecord("a report needs at least one stanza")
    for key_id, sealed_key in stanzas.items():
        check_key_id(key_id)
        check_bytes("sealed key", sealed_key)
    if len(set(blob_ids)) != len(blob_ids):
        raise InvalidRecord("a blob is listed twice")
    for blob_id in blob_ids:
        check_blob_id(blob_id)
    if session.get(Report, report_id) is not None:
        raise DuplicateReport("a report with this id exists")
    if session.scalar(sa.select(Report.id).where(Report.lookup_hash == lookup_hash)):
        raise DuplicateLookup("this receipt is already in use")
    try:
        with session.begin_nested():
            report = Report(
                id=report_id, day=day, envelope=envelope, bundle_serial=bundle_serial,
                server_sealed=server_sealed, lookup_hash=lookup_hash, state="active",
                status_sealed=None, status_epoch=0, last_change_day=day,
            )
            session.add(report)
            session.flush()
            for key_id, sealed_key in stanzas.items():
                session.add(Stanza(report_id=report_id, key_id=key_id,
                                   sealed_key=sealed_key, epoch=epoch))
            _attach_blobs(session, report_id, blob_ids)
            session.flush()
    except IntegrityError as exc:
        raise _duplicate_from(exc) from None
    return _record(report, tuple(blob_ids))


def _attach_blobs(session: Session, report_id: str, blob_ids: Sequence[str]) -> None:
    for blob_id in blob_ids:
        blob = session.get(Blob, blob_id, with_for_update=True)
        if blob is None:
            raise UnknownBlob(f"blob {blob_id[:12]}… was never uploaded or is gone")
        if blob.state == "attached" or blob.report_id is not None:
            raise BlobAlreadyAttached(f"blob {blob_id[:12]}… belongs to another report")
        if blob.state != "stored":
            raise BlobIncomplete(f"blob {blob_id[:12]}… is not complete")
        blob.report_id = report_id
        blob.state = "attached"


def _duplicate_from(exc: IntegrityError) -> Exception:
    text = str(exc.orig).lower()
    if "lookup_hash" in text:
        return DuplicateLookup("this receipt is already in use")
    return DuplicateReport("a report with this id exists")


def _record(report: Report, blob_ids: tuple[str, ...]) -> ReportRecord:
    return ReportRecord(
        id=report.id, day=report.day, envelope=report.envelope,
        bundle_serial=report.bundle_serial, server_sealed=report.server_sealed,
        state=report.state, status_sealed=report.status_sealed,
        status_epoch=report.status_epoch, last_change_day=report.last_change_day,
        blob_ids=blob_ids, replies_fetched_seq=report.replies_fetched_seq,
        receipt_live=report.lookup_hash is not None,
    )


def get_report(session: Session, report_id: str) -> ReportRecord:
    report = _report(session, report_id)
    return _record(report, report_blob_ids(session, report_id))


def report_blob_ids(session: Session, report_id: str) -> tuple[str, ...]:
    rows = session.scalars(
        sa.select(Blob.blob_id).where(Blob.report_id == report_id).order_by(Blob.blob_id)
    )
    return tuple(rows)


def find_report_by_lookup(session: Session, lookup_hash: bytes) -> ReportRecord | None:
    """The report whose receipt lookup hash this is, or None (callers rate-limit misses)."""
    if not isinstance(lookup_hash, bytes) or len(lookup_hash) != LOOKUP_HASH_LENGTH:
        return None
    report = session.scalar(sa.select(Report).where(Report.lookup_hash == lookup_hash))
    if report is None:
        return None
    return _record(report, report_blob_ids(session, report.id))


def mark_withdrawn(session: Session, report_id: str, day: DayLike) -> None:
    """The reporter withdrew the whole report: it is purged at the next ``haven purge``
    (``retention.withdrawn`` days later, 0 by default, S20)."""
    report = _report(session, report_id)
    report.state = "withdrawn"
    report.last_change_day = as_day(day)
    session.flush()


def set_reporter_status(
    session: Session, report_id: str, status_sealed: bytes, epoch: int, day: DayLike
) -> None:
    """Replace the status shown to the reporter (sealed to the reporter key, S7).

    ``epoch`` must grow, so a delayed or replayed update never overwrites a newer one.
    """
    check_bytes("sealed status", status_sealed)
    report = _report(session, report_id)
    if epoch <= report.status_epoch and report.status_sealed is not None:
        raise StaleStatus(f"status epoch {epoch} is not above {report.status_epoch}")
    report.status_sealed = status_sealed
    report.status_epoch = epoch
    _touch(report, as_day(day))
    session.flush()


def touch_report(session: Session, report_id: str, day: DayLike) -> None:
    """Record activity on a report (its retention clock restarts from ``day``)."""
    _touch(_report(session, report_id), as_day(day))
    session.flush()


def list_reports(
    session: Session,
    *,
    key_id: str | None = None,
    state: str | None = None,
    since_day: DayLike | None = None,
    until_day: DayLike | None = None,
    bundle_serial: int | None = None,
    after_id: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> list[ReportSummary]:
    """Report metadata, ordered by (day, id), keyset-paginated with ``after_id``.

    ``key_id`` keeps only reports that key holds a stanza for (what a reviewer can open).
    """
    if state is not None and state not in REPORT_STATES:
        raise InvalidRecord(f"unknown report state {state!r}")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidRecord(f"limit must be 1..{MAX_PAGE_SIZE}")
    query = sa.select(Report.id, Report.day, Report.bundle_serial, Report.state,
                      Report.last_change_day)
    if key_id is not None:
        query = query.join(Stanza, Stanza.report_id == Report.id).where(
            Stanza.key_id == check_key_id(key_id)
        )
    if state is not None:
        query = query.where(Report.state == state)
    if since_day is not None:
        query = query.where(Report.day >= as_day(since_day))
    if until_day is not None:
        query = query.where(Report.day <= as_day(until_day))
    if bundle_serial is not None:
        query = query.where(Report.bundle_serial == bundle_serial)
    if after_id is not None:
        anchor = _report(session, after_id)
        query = query.where(
            sa.or_(Report.day > anchor.day, sa.and_(Report.day == anchor.day,
                                                    Report.id > anchor.id))
        )
    rows = session.execute(query.order_by(Report.day, Report.id).limit(limit))
    return [ReportSummary(*row) for row in rows]


# --- access: stanzas ---------------------------------------------------------------


def grant_access(
    session: Session, report_id: str, key_id: str, sealed_key: bytes, *, epoch: int,
    day: DayLike,
) -> None:
    """Seal the report key to one more reviewer key, or replace that key's stanza (re-seal
    on rotation, S6/S14)."""
    check_key_id(key_id)
    check_bytes("sealed key", sealed_key)
    report = _report(session, report_id)
    if report.state != "active":
        raise ReportNotActive("access cannot be granted to a withdrawn report")
    stanza = session.scalar(
        sa.select(Stanza).where(Stanza.report_id == report_id, Stanza.key_id == key_id)
    )
    if stanza is None:
        session.add(Stanza(report_id=report_id, key_id=key_id, sealed_key=sealed_key,
                           epoch=epoch))
    else:
        stanza.sealed_key = sealed_key
        stanza.epoch = epoch
    _touch(report, as_day(day))
    session.flush()


def revoke_access(session: Session, report_id: str, key_id: str) -> bool:
    """Delete the stanza (the key can no longer open the report); True if one existed."""
    result = session.execute(
        sa.delete(Stanza).where(Stanza.report_id == check_report_id(report_id),
                                Stanza.key_id == check_key_id(key_id))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_key_everywhere(session: Session, key_id: str) -> int:
    """Offboarding (S6): delete every stanza of a key; returns how many were deleted."""
    result = session.execute(sa.delete(Stanza).where(Stanza.key_id == check_key_id(key_id)))
    return int(result.rowcount)  # type: ignore[attr-defined]


def stanzas_for(session: Session, key_id: str, report_id: str | None = None
                ) -> list[StanzaRecord]:
    """The stanzas one reviewer key holds (optionally for one report)."""
    query = sa.select(Stanza).where(Stanza.key_id == check_key_id(key_id))
    if report_id is not None:
        query = query.where(Stanza.report_id == check_report_id(report_id))
    rows = session.scalars(query.order_by(Stanza.report_id))
    return [StanzaRecord(s.report_id, s.key_id, s.sealed_key, s.epoch) for s in rows]


def report_stanzas(session: Session, report_id: str) -> list[StanzaRecord]:
    rows = session.scalars(
        sa.select(Stanza).where(Stanza.report_id == check_report_id(report_id))
        .order_by(Stanza.key_id)
    )
    return [StanzaRecord(s.report_id, s.key_id, s.sealed_key, s.epoch) for s in rows]


def reader_count(session: Session, report_id: str) -> int:
    """How many reviewer keys can open the report (shown to the reporter, S14)."""
    return int(session.scalar(
        sa.select(sa.func.count()).select_from(Stanza)
        .where(Stanza.report_id == check_report_id(report_id))
    ) or 0)


# --- events ------------------------------------------------------------------------


def add_event(  # noqa: PLR0917  (the signature other modules code against)
    session: Session, report_id: str, direction: str, seq: int, sealed: bytes, day: DayLike,
    *, blob_ids: Sequence[str] = (),
) -> EventRecord:
    """Append a sealed event; a second event with the same (direction, seq) is refused.

    ``blob_ids`` (a reporter's ``file_added`` event) attach those complete, unattached blobs
    to the report together with the event row, all or nothing: the reporter's signature and
    the event chain bind each file to the report (SPEC §4.2, §6; S1/S2).
    """
    if blob_ids and direction != "from_reporter":
        raise InvalidRecord("only a reporter's event adds files")
    if len(set(blob_ids)) != len(blob_ids):
        raise InvalidRecord("a blob is listed twice")
    for blob_id in blob_ids:
        check_blob_id(blob_id)
    if direction not in EVENT_DIRECTIONS:
        raise InvalidRecord(f"direction must be one of {EVENT_DIRECTIONS}")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise InvalidRecord("seq must be a whole number >= 0")
    check_bytes("sealed event", sealed)
    day = as_day(day)
    report = _report(session, report_id)
    exists = session.scalar(sa.select(Event.id).where(
        Event.report_id == report_id, Event.direction == direction, Event.seq == seq))
    below_floor = direction == "to_reporter" and 0 < seq <= report.replies_fetched_seq
    if exists is not None or below_floor:
        # A reply at or below the floor would reuse the seq of a deleted reply (S6).
        raise EventConflict(f"event {direction} #{seq} exists already")
    try:
        with session.begin_nested():
            session.add(Event(report_id=report_id, direction=direction, seq=seq,
                              sealed=sealed, day=day))
            _attach_blobs(session, report_id, blob_ids)
            _touch(report, day)
            session.flush()
    except IntegrityError:
        raise EventConflict(f"event {direction} #{seq} exists already") from None
    return EventRecord(report_id, direction, seq, sealed, day)


def list_events(
    session: Session, report_id: str, direction: str | None = None,
    after_seq: int | None = None,
) -> list[EventRecord]:
    if direction is not None and direction not in EVENT_DIRECTIONS:
        raise InvalidRecord(f"direction must be one of {EVENT_DIRECTIONS}")
    _report(session, report_id)
    query = sa.select(Event).where(Event.report_id == report_id)
    if direction is not None:
        query = query.where(Event.direction == direction)
    if after_seq is not None:
        query = query.where(Event.seq > after_seq)
    rows = session.scalars(query.order_by(Event.direction, Event.seq))
    return [EventRecord(e.report_id, e.direction, e.seq, e.sealed, e.day) for e in rows]


def next_event_seq(session: Session, report_id: str, direction: str) -> int:
    if direction not in EVENT_DIRECTIONS:
        raise InvalidRecord(f"direction must be one of {EVENT_DIRECTIONS}")
    highest = session.scalar(sa.select(sa.func.max(Event.seq)).where(
        Event.report_id == report_id, Event.direction == direction))
    if direction == "to_reporter":
        # Replies the reporter read may have been deleted (vault.reply_store): the chain
        # continues above the highest seq ever fetched.
        floor = session.scalar(sa.select(Report.replies_fetched_seq).where(
            Report.id == report_id)) or 0
        highest = max(int(highest or 0), int(floor)) or None
    return 0 if highest is None else int(highest) + 1
