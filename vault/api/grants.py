"""Assignment (re-seal) and revocation of access to a report (S14, vault/SPEC.md §5).

A grant names one envelope by its header hash: the report's, or one reporter event's (an
assignee outside the triage set needs one per event; the report grant must come first).

The coordinator's reviewer app opens the report key, seals it to the assignee's key from
the verified bundle and signs a grant record; the API checks that record against what it
knows (report, header hash, keys, day, signature) and stores it beside the stanza.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from nacl.signing import VerifyKey
from sqlalchemy.orm import Session

from vault import store
from vault.canonical import b64decode, canonical_json, verify
from vault.errors import BadEncoding, InvalidReviewerRecord, KeyStateError, NoAccess
from vault.format import parse_envelope
from vault.models import Report
from vault.reviewer_models import Account, Assignment, EventGrant, ReviewerKey
from vault.reviewer_store import AccountView
from vault.unwrap import GRANT_FIELDS, GRANT_VERSION

SEALED_KEY_BYTES = 80  # crypto_box_seal of a 32-byte report key


def _grant_payload(document: Any, report_id: str) -> tuple[dict, bytes, bytes]:
    if not isinstance(document, dict) or set(document) != {"grant", "signature"}:
        raise InvalidReviewerRecord("a grant is {\"grant\": G, \"signature\": b64}")
    grant = document["grant"]
    if not isinstance(grant, dict) or set(grant) != GRANT_FIELDS:
        raise InvalidReviewerRecord(f"a grant has exactly the fields {sorted(GRANT_FIELDS)}")
    if not all(isinstance(grant[f], str) for f in GRANT_FIELDS):
        raise InvalidReviewerRecord("every grant field is a string")
    if grant["version"] != GRANT_VERSION:
        raise InvalidReviewerRecord(f"grant version must be {GRANT_VERSION}")
    if grant["report_id"] != report_id:
        raise InvalidReviewerRecord("the grant names another report")
    try:
        sealed_key = b64decode(grant["sealed_key"])
        signature = b64decode(document["signature"])
    except (BadEncoding, TypeError):
        raise BadEncoding("sealed_key and signature are unpadded base64url") from None
    if len(sealed_key) != SEALED_KEY_BYTES:
        raise BadEncoding(f"sealed_key must be {SEALED_KEY_BYTES} bytes")
    return grant, sealed_key, signature


def _active_key(session: Session, key_id: str, what: str) -> tuple[ReviewerKey, Account]:
    key = session.get(ReviewerKey, key_id)
    account = session.get(Account, key.account_id) if key is not None else None
    if key is None or account is None or key.state != "active" or account.state != "active":
        raise KeyStateError(f"the {what} key is not an active reviewer key")
    return key, account


@dataclass(frozen=True)
class Stored:
    """What a grant upload stored: the report envelope's grant or one event envelope's."""

    key_id: str
    header_hash: str
    envelope: str  # "report" | "event"


def assign(session: Session, caller: AccountView, report_id: str, document: Any,
           today: dt.date) -> Stored:
    """Store a signed grant for the report envelope (the stanza for the assignee plus the
    record it came in) or for one of its reporter event envelopes (vault/SPEC.md §5)."""
    grant, sealed_key, signature = _grant_payload(document, report_id)
    report = session.get(Report, report_id)
    if report is None:
        raise NoAccess("not visible")
    if grant["day"] != today.isoformat():
        raise InvalidReviewerRecord("the grant's day must be today (UTC)")
    granter, _ = _active_key(session, grant["granted_by"], "granting")
    if granter.account_id != caller.account_id:
        raise InvalidReviewerRecord("granted_by must be one of your own active keys")
    grantee, grantee_account = _active_key(session, grant["key_id"], "grantee")
    verify("reviewer-record", grant, signature, VerifyKey(granter.ed25519_pk))
    text = canonical_json(document).decode("utf-8")
    if grant["header_hash"] != parse_envelope(report.envelope).header_hash.hex():
        _store_event_grant(session, caller, report_id, header_hash=grant["header_hash"],
                           grantee=(grantee, grantee_account), text=text, today=today)
        return Stored(grantee.key_id, grant["header_hash"], "event")
    _store_report_grant(session, caller, report_id, sealed_key=sealed_key,
                        grantee_pair=(grantee, grantee_account), text=text, today=today)
    return Stored(grantee.key_id, grant["header_hash"], "report")


def _event_header_hashes(session: Session, report_id: str) -> set[str]:
    return {parse_envelope(e.sealed).header_hash.hex()
            for e in store.list_events(session, report_id, "from_reporter")}


def _store_event_grant(session: Session, caller: AccountView, report_id: str, *,
                       header_hash: str, grantee: tuple[ReviewerKey, Account], text: str,
                       today: dt.date) -> None:
    key, account = grantee
    if header_hash not in _event_header_hashes(session, report_id):
        raise InvalidReviewerRecord("the grant's header_hash is neither this report's header "
                                    "nor one of its reporter events")
    if not store.stanzas_for(session, key.key_id, report_id):
        raise KeyStateError("grant the report envelope to this key before its events")
    row = session.get(EventGrant, (report_id, key.key_id, header_hash))
    if row is None:
        session.add(EventGrant(report_id=report_id, key_id=key.key_id, header_hash=header_hash,
                               account_id=account.id, assigned_by=caller.account_id,
                               day=today, grant_document=text))
    else:
        row.assigned_by, row.day, row.grant_document = caller.account_id, today, text
    session.flush()


def _store_report_grant(session: Session, caller: AccountView, report_id: str, *,
                        sealed_key: bytes, grantee_pair: tuple[ReviewerKey, Account],
                        text: str, today: dt.date) -> None:
    grantee, grantee_account = grantee_pair
    store.grant_access(session, report_id, grantee.key_id, sealed_key, epoch=0, day=today)
    row = session.get(Assignment, (report_id, grantee.key_id))
    if row is None:
        row = Assignment(report_id=report_id, key_id=grantee.key_id,
                         account_id=grantee_account.id, assigned_by=caller.account_id,
                         day=today, grant_document=text)
        session.add(row)
    else:
        row.assigned_by, row.day, row.grant_document = caller.account_id, today, text
    session.flush()


def revoke(session: Session, report_id: str, key_id: str) -> None:
    """Delete the key's stanza for the report, the assignment that made it and the key's
    grants for the report's events."""
    row = session.get(Assignment, (report_id, key_id))
    if row is not None:
        session.delete(row)
    session.execute(sa.delete(EventGrant).where(EventGrant.report_id == report_id,
                                                EventGrant.key_id == key_id))
    if not store.revoke_access(session, report_id, key_id) and row is None:
        raise NoAccess("no such grant")
    session.flush()
