"""Key epochs (S6, vault/SPEC.md §5): replace a report's envelope — and its reporter events'
envelopes — with ones re-sealed by a coordinator's reviewer app to the current bundle.

The API holds no key, so it checks what it can without one: every new envelope parses;
type, report id, day, manifest commitment and server-sealed flag are the old envelope's;
it names the newest published bundle and carries exactly that bundle's triage stanzas; the
events are exactly the report's reporter events, one each. The header MAC (same K) is
checked by the reviewer app, which opens the new envelope before it grants assignees again.
Then the old envelopes are overwritten (SQLite ``secure_delete`` zeroes freed pages), the
report's stanzas become the new header's, and every grant naming an old header hash —
assignments and event grants — is deleted: grants are issued again on the new headers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault.api import bundle_history
from vault.errors import InvalidReviewerRecord, NoAccess, StaleBundle, VaultError
from vault.format import TYPE_EVENT, TYPE_REPORT, EnvelopeInfo, parse_envelope
from vault.models import Event, Report, Stanza
from vault.reviewer_models import Assignment, EventGrant

KEPT_FIELDS = ("report_id", "day", "manifest_commitment", "server_sealed")


@dataclass(frozen=True)
class Resealed:
    serial: int
    stanzas: int
    events: int
    grants_dropped: int


def _parse(envelope: bytes, what: str) -> EnvelopeInfo:
    try:
        return parse_envelope(envelope)
    except VaultError as exc:
        raise InvalidReviewerRecord(f"the new {what} envelope does not parse: {exc.code}") from None


def _check_same(old: EnvelopeInfo, new: EnvelopeInfo, what: str) -> None:
    if new.type != old.type:
        raise InvalidReviewerRecord(f"the new {what} envelope has another type")
    for name in KEPT_FIELDS:
        if getattr(new, name) != getattr(old, name):
            raise InvalidReviewerRecord(f"the new {what} envelope changes {name}")


def _check_sealed_to(new: EnvelopeInfo, target: tuple[int, bytes, frozenset[str]], what: str
                     ) -> None:
    _serial, sha256, triage = target
    if new.bundle_sha256 != sha256:
        raise StaleBundle(f"the new {what} envelope is not sealed to the current bundle")
    if set(new.stanza_key_ids) != triage or len(new.stanzas) != len(triage):
        raise InvalidReviewerRecord(f"the new {what} envelope's stanzas are not the current "
                                    "bundle's triage set")


def current_target(session: Session) -> tuple[int, bytes, frozenset[str]]:
    """(serial, payload hash, triage key ids) of the newest published bundle."""
    found = bundle_history.published(session)
    if not found:
        raise StaleBundle("no bundle is published")
    payload = json.loads(found[0].document)["bundle"]
    return found[0].serial, bytes.fromhex(found[0].sha256), frozenset(payload["triage"])


def _checked_events(session: Session, report_id: str, sealed: dict[int, bytes],
                    target: tuple[int, bytes, frozenset[str]]) -> list[tuple[Event, bytes]]:
    rows = list(session.scalars(sa.select(Event).where(
        Event.report_id == report_id, Event.direction == "from_reporter").order_by(Event.seq)))
    if set(sealed) != {row.seq for row in rows}:
        raise InvalidReviewerRecord("send exactly one re-sealed envelope per reporter event")
    out = []
    for row in rows:
        old, new = parse_envelope(row.sealed), _parse(sealed[row.seq], f"event {row.seq}")
        if new.type != TYPE_EVENT:
            raise InvalidReviewerRecord(f"the new event {row.seq} envelope is not an event")
        _check_same(old, new, f"event {row.seq}")
        _check_sealed_to(new, target, f"event {row.seq}")
        out.append((row, sealed[row.seq]))
    return out


def reseal(session: Session, report_id: str, envelope: bytes, events: dict[int, bytes]
           ) -> Resealed:
    """Check and store a re-sealed report (see the module docstring)."""
    report = session.get(Report, report_id)
    if report is None:
        raise NoAccess("not visible")
    target = current_target(session)
    old, new = parse_envelope(report.envelope), _parse(envelope, "report")
    if new.type != TYPE_REPORT:
        raise InvalidReviewerRecord("the new envelope is not a report")
    _check_same(old, new, "report")
    _check_sealed_to(new, target, "report")
    checked = _checked_events(session, report_id, events, target)
    report.envelope, report.bundle_serial = envelope, target[0]
    for row, sealed in checked:
        row.sealed = sealed
    session.execute(sa.delete(Stanza).where(Stanza.report_id == report_id))
    for stanza in new.stanzas:
        session.add(Stanza(report_id=report_id, key_id=stanza.key_id.hex(),
                           sealed_key=stanza.sealed_key, epoch=target[0]))
    dropped = session.execute(sa.delete(Assignment).where(Assignment.report_id == report_id))
    dropped_events = session.execute(sa.delete(EventGrant).where(
        EventGrant.report_id == report_id))
    session.flush()
    return Resealed(target[0], len(new.stanzas), len(checked),
                    int(dropped.rowcount) + int(dropped_events.rowcount))  # type: ignore[attr-defined]
