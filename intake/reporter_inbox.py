"""What the reporter's inbox shows and does, shared by the no-JS pages (the JS inbox does
the same in the browser with HavenCrypto): open and verify reviewer events, fold them into
a status, and seal the reporter's own events with the receipt-derived key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# The statuses reviewers set (DESIGN.md §5), in words for the reporter, translated.
STATUS_LABELS = {
    "new": _l("Received, not yet reviewed"),
    "triaged": _l("Read by the verifying team"),
    "under_verification": _l("Being verified"),
    "verified": _l("Verified"),
    "release_drafted": _l("A public record is being prepared"),
    "released": _l("Published as agreed"),
    "held": _l("On hold for your safety"),
    "closed": _l("Closed"),
}


@dataclass(frozen=True)
class ShownEvent:
    seq: int
    type: str
    day: str
    text: str
    signer_role: str
    verified: bool


def open_replies(view, keys, bundle) -> list[ShownEvent]:
    """Each reply opened with the reply key and its reviewer signature checked (S1); the
    chain is checked too, and an event that fails either is shown as unverified."""
    from vault.errors import VaultError
    from vault.events import verify_chain
    from vault.reporter_open import open_reviewer_event

    shown, opened = [], []
    for record in view.replies:
        try:
            event = open_reviewer_event(record.sealed, keys, bundle)
        except VaultError:
            shown.append(ShownEvent(record.seq, "unreadable", record.day.isoformat(), "", "",
                                    False))
            continue
        opened.append(event)
        shown.append(ShownEvent(event.seq, event.type, record.day.isoformat(),
                                _text(event.payload), _role(bundle, event.signer_key_id), True))
    if opened:
        first = opened[0]
        try:
            verify_chain(opened, report_id=view.report_id, direction="reviewer",
                         start=(first.seq - 1, first.prev_hash))
        except VaultError:
            shown = [ShownEvent(**{**e.__dict__, "verified": False}) for e in shown]
    return shown


def _text(payload) -> str:
    for key in ("text", "message", "note"):
        if isinstance(payload.get(key), str):
            return payload[key]
    if isinstance(payload.get("status"), str):
        return str(STATUS_LABELS.get(payload["status"], payload["status"]))
    return ""


def _role(bundle, key_id: str | None) -> str:
    for key in bundle.keys:
        if key.id == key_id:
            return key.role
    return ""


def latest_status(events: list[ShownEvent]) -> str:
    for event in reversed(events):
        if event.type == "status" and event.verified:
            return event.text
    return ""


def current_status(view, events: list[ShownEvent], keys, bundle) -> str:
    """The newest verified status: from the replies, or from the status copy the vault keeps
    after the replies the reporter read were deleted (vault/SPEC.md §6.1, S6)."""
    from vault.errors import VaultError
    from vault.reporter_open import open_reviewer_event

    shown = [e for e in events if e.type == "status" and e.verified]
    if view.status:
        try:
            copy = open_reviewer_event(view.status, keys, bundle)
        except VaultError:
            copy = None
        newer = not shown or copy is not None and copy.seq > shown[-1].seq
        if copy is not None and copy.type == "status" and copy.report_id == view.report_id \
                and newer:
            return _text(copy.payload)
    return shown[-1].text if shown else ""


def chain_position(view, keys) -> tuple[int, bytes]:
    """(seq of the next event, hash of the previous one) from the sealed chain head."""
    from nacl.exceptions import CryptoError
    from nacl.public import PrivateKey, SealedBox

    from vault.events import ZERO_HASH

    if view.next_seq == 1:
        return 1, ZERO_HASH
    from flask_babel import gettext as _

    from intake.errors import IntakeError

    if view.head is None:
        raise IntakeError(_("The record of your earlier messages is missing; please contact "
                            "the organisation another way."))
    try:
        head = json.loads(SealedBox(PrivateKey(keys.reply_sk)).decrypt(view.head))
    except (CryptoError, ValueError) as exc:
        raise IntakeError(_("The record of your earlier messages cannot be read.")) from exc
    if head.get("seq") != view.next_seq - 1:
        raise IntakeError(_("The record of your earlier messages is out of date."))
    return view.next_seq, bytes.fromhex(head["event_hash"])


def sealed_head(keys, seq: int, event_hash: bytes) -> bytes:
    from nacl.public import PublicKey, SealedBox

    from vault.canonical import canonical_json

    return SealedBox(PublicKey(keys.reply_pk)).encrypt(
        canonical_json({"seq": seq, "event_hash": event_hash.hex()}))
