"""Follow-up events added by partners, signed by their organisation (S19).

A partner may add only the fixed coarse fields (month or year, event id, government
stance, short note) to a record it can see; the event is signed (purpose ``follow-up``) by
a release key on the trust list for the partner's organisation, and kept with its
signature so anyone can check who said what.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from nacl.signing import SigningKey, VerifyKey
from sqlalchemy.orm import Session

from casebase.errors import InvalidPackage, NotFound, OrgMismatch
from casebase.models import FollowUp, Partner, Record
from casebase.records import refresh_derived
from casebase.search import visible
from casebase.trust import check_release_key
from haven.taxonomy import load_taxonomy
from vault.canonical import b64decode, b64encode, canonical_json, sign, verify
from vault.errors import VaultError

EVENT_FIELDS = frozenset({"record_id", "org_id", "date", "event", "stance", "note"})
_DATE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2]))?")


def sign_follow_up(event: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    return {"event": event, "pk": b64encode(bytes(key.verify_key)),
            "signature": b64encode(sign("follow-up", event, key))}


def check_event(event: Any, record_id: str, today: str) -> dict[str, Any]:
    if not isinstance(event, dict) or not set(event) <= EVENT_FIELDS:
        raise InvalidPackage(f"a follow-up event has only the fields {sorted(EVENT_FIELDS)}",
                             "invalid_follow_up")
    taxonomy = load_taxonomy()
    problems = []
    if event.get("record_id") != record_id:
        problems.append("record_id does not match the URL")
    date = event.get("date")
    if not isinstance(date, str) or not _DATE.fullmatch(date) or date > today[: len(date)]:
        problems.append("date must be YYYY or YYYY-MM, not in the future")
    if event.get("event") not in taxonomy.vocabulary("follow_up_events"):
        problems.append("event must be a follow_up_events id")
    if event.get("stance") not in (None, *taxonomy.ids("government_stances")):
        problems.append("stance must be a government_stances id")
    note = event.get("note", "")
    if not isinstance(note, str) or len(note) > 1000:  # noqa: PLR2004
        problems.append("note must be text of at most 1000 characters")
    if problems:
        raise InvalidPackage("; ".join(problems), "invalid_follow_up")
    return event


def add_partner_follow_up(session: Session, record_id: str, partner: Partner,
                          body: Any, today: str) -> FollowUp:
    record = session.scalar(sa.select(Record).where(
        Record.record_id == record_id, visible(("public", "partner"), today)))
    if record is None:
        raise NotFound("no such case")
    if not isinstance(body, dict):
        raise InvalidPackage("body must be {event, pk, signature}", "invalid_follow_up")
    event = check_event(body.get("event"), record_id, today)
    if event.get("org_id") != partner.org_id:
        raise OrgMismatch("the event must name the partner's own organisation")
    try:
        verify("follow-up", event, b64decode(str(body.get("signature"))),
               VerifyKey(b64decode(str(body.get("pk")))))
    except (VaultError, ValueError, TypeError):
        raise InvalidPackage("the follow-up signature does not verify",
                             "bad_follow_up_signature") from None
    check_release_key(session, partner.org_id, str(body["pk"]), today)  # a listed key only
    duplicate = session.scalar(sa.select(FollowUp).where(
        FollowUp.record_id == record_id, FollowUp.signature == body["signature"]))
    if duplicate is not None:
        return duplicate
    row = FollowUp(record_id=record_id, date=event["date"], event=event["event"],
                   stance=event.get("stance"), note=event.get("note", ""), source="partner",
                   org_id=partner.org_id, signed_event=canonical_json(event).decode("utf-8"),
                   signature=body["signature"], signer_pk=body["pk"], added_on=today)
    session.add(row)
    session.flush()
    refresh_derived(session, record)
    return row
