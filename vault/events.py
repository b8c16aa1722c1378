"""Signed events, chains and consent (vault/SPEC.md §6, S1).

Public API:
- type codes ``REPORTER_TYPES`` / ``REVIEWER_TYPES`` (name → byte) and ``EVENT_TYPE_NAMES``.
- ``build_signed_message(report_id, seq, prev_hash, type_name, payload) -> bytes``.
- ``sign_event(report_id, seq, prev_hash, type_name, payload, *, signing_key) -> bytes``
  (= signature ‖ signed_message, the plaintext of a reporter event envelope).
- ``parse_signed_event(data, verify_key) -> OpenedEvent`` (raises EventSignatureBad /
  EventMalformed).
- frozen ``OpenedEvent(report_id, seq, prev_hash, type, payload, event_hash, signature,
  signed_message, signer)``; ``.direction`` is "reporter" or "reviewer".
- ``verify_chain(events, *, report_id, direction, start=(0, ZERO_HASH))`` (§6.2).
- ``consent_state(events, reporter_signing_pk, *, initial=None) -> ConsentState``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from vault.canonical import canonical_json
from vault.errors import (
    BadPadding,
    EventFork,
    EventMalformed,
    EventReordered,
    EventReplay,
    EventSequenceGap,
    EventSignatureBad,
    FieldsMalformed,
)
from vault.kdf import KEY_BYTES, blake2b
from vault.padding import pad, unpad

EVENT_LABEL = b"haven-event/1\x00"
ZERO_HASH = bytes(32)
SIGNATURE_SIZE = 64
_FIXED = len(EVENT_LABEL) + 16 + 4 + 32 + 1

REPORTER_TYPES = {
    "message": 0x01, "file_added": 0x02, "consent_change": 0x03,
    "withdrawal": 0x04, "reconfirmation": 0x05, "status_ack": 0x06,
    # The reporter burned the receipt: it opens nothing from now on and the replies to the
    # reporter were deleted; reviewers stop replying (SPEC §6.1, S6).
    "receipt_burned": 0x07,
}
REVIEWER_TYPES = {"reply": 0x11, "acknowledgement": 0x12, "status": 0x13, "withdrawal_ack": 0x14}
EVENT_TYPE_NAMES = {code: name for name, code in {**REPORTER_TYPES, **REVIEWER_TYPES}.items()}
CONSENT_GIVERS_WHO_GRANT = frozenset({"victim", "family", "guardian"})
CONSENT_GIVERS = CONSENT_GIVERS_WHO_GRANT | {"not_asked"}


@dataclass(frozen=True)
class OpenedEvent:
    report_id: str
    seq: int
    prev_hash: bytes
    type: str
    payload: Mapping[str, Any]
    event_hash: bytes
    signature: bytes
    signed_message: bytes
    signer: bytes  # Ed25519 public key that signed
    signer_key_id: str | None = None  # reviewer events: the bundle key id

    @property
    def direction(self) -> str:
        return "reporter" if self.type in REPORTER_TYPES else "reviewer"


def build_signed_message(
    report_id: str, seq: int, prev_hash: bytes, type_name: str, payload: Mapping[str, Any]
) -> bytes:
    code = REPORTER_TYPES.get(type_name) or REVIEWER_TYPES.get(type_name)
    if code is None:
        raise ValueError(f"unknown event type {type_name!r}")
    if not 1 <= seq < 2**32 or len(prev_hash) != KEY_BYTES or not isinstance(payload, Mapping):
        raise ValueError("seq ≥ 1, a 32-byte previous hash and a JSON object payload")
    return b"".join(
        [
            EVENT_LABEL,
            uuid.UUID(report_id).bytes,
            seq.to_bytes(4, "big"),
            prev_hash,
            bytes([code]),
            pad(_canonical_payload(payload)),
        ]
    )


def _canonical_payload(payload: Mapping[str, Any]) -> bytes:
    try:
        return canonical_json(dict(payload))
    except (ValueError, TypeError) as exc:  # rfc8785.CanonicalizationError is a ValueError
        raise FieldsMalformed(f"the payload is not representable as RFC 8785 JSON: {exc}") from None


def sign_event(
    report_id: str,
    seq: int,
    prev_hash: bytes,
    type_name: str,
    payload: Mapping[str, Any],
    *,
    signing_key: SigningKey,
) -> bytes:
    message = build_signed_message(report_id, seq, prev_hash, type_name, payload)
    return signing_key.sign(message).signature + message


def parse_signed_event(
    data: bytes, verify_key: VerifyKey, signer_key_id: str | None = None
) -> OpenedEvent:
    """signature ‖ signed_message → OpenedEvent, after checking the signature."""
    if len(data) < SIGNATURE_SIZE + _FIXED:
        raise EventMalformed("an event is shorter than its fixed fields")
    signature, message = data[:SIGNATURE_SIZE], data[SIGNATURE_SIZE:]
    try:
        verify_key.verify(message, signature)
    except (BadSignatureError, ValueError, TypeError):
        raise EventSignatureBad("the event signature does not verify") from None
    return _decode(message, signature, bytes(verify_key), signer_key_id)


def _decode(
    message: bytes, signature: bytes, signer: bytes, signer_key_id: str | None
) -> OpenedEvent:
    if not message.startswith(EVENT_LABEL):
        raise EventMalformed("not a haven-event/1 message")
    pos = len(EVENT_LABEL)
    report_id = str(uuid.UUID(bytes=message[pos : pos + 16]))
    seq = int.from_bytes(message[pos + 16 : pos + 20], "big")
    prev_hash = message[pos + 20 : pos + 52]
    code = message[pos + 52]
    if code not in EVENT_TYPE_NAMES or seq == 0:
        raise EventMalformed(f"unknown event type {code:#04x} or sequence 0")
    try:
        raw = unpad(message[_FIXED:])
        payload = json.loads(raw.decode("utf-8"))
        if not isinstance(payload, dict) or canonical_json(payload) != raw:
            raise ValueError("payload is not a canonical JSON object")
    except BadPadding:
        raise
    except (UnicodeDecodeError, ValueError) as exc:
        raise FieldsMalformed(f"event payload: {exc}") from None
    return OpenedEvent(
        report_id, seq, prev_hash, EVENT_TYPE_NAMES[code], payload,
        blake2b(message), signature, message, signer, signer_key_id,
    )


def verify_chain(
    events: Sequence[OpenedEvent],
    *,
    report_id: str,
    direction: str,
    start: tuple[int, bytes] = (0, ZERO_HASH),
) -> None:
    """Reject replays, forks, reorders and gaps in one chain given in stored order (§6.2)."""
    for event in events:
        if event.report_id != report_id:
            raise EventReplay("an event of another report was replayed here")
        if event.direction != direction:
            raise EventMalformed(f"a {event.direction} event in the {direction} chain")
    hashes = [e.event_hash for e in events]
    if len(set(hashes)) != len(hashes):
        raise EventReplay("the same event appears twice")
    seqs = [e.seq for e in events]
    if len(set(seqs)) != len(seqs):
        raise EventFork("two different events share a sequence number")
    if any(b < a for a, b in zip(seqs, seqs[1:], strict=False)):
        raise EventReordered("events are out of order")
    last_seq, last_hash = start
    for event in events:
        if event.seq != last_seq + 1:
            raise EventSequenceGap(f"sequence jumps from {last_seq} to {event.seq}")
        if event.prev_hash != last_hash:
            raise EventFork(f"event {event.seq} does not follow the previous event")
        last_seq, last_hash = event.seq, event.event_hash


@dataclass(frozen=True)
class ConsentState:
    granted: frozenset[str] = frozenset()
    withdrawn: frozenset[str] = frozenset()
    given_by: str | None = None
    risks_explained: bool = False
    last_day: Mapping[str, str] = field(default_factory=dict)
    report_withdrawn: bool = False
    counted_events: int = 0

    def allows(self, scope: str) -> bool:
        return scope in self.granted and not self.report_withdrawn


def _valid_signature(event: OpenedEvent, reporter_vk: VerifyKey) -> bool:
    try:
        reporter_vk.verify(event.signed_message, event.signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return bytes(reporter_vk) == event.signer


def consent_state(
    events: Iterable[OpenedEvent],
    reporter_signing_pk: bytes,
    *,
    initial: Mapping[str, Any] | None = None,
    scopes: Iterable[str] | None = None,
) -> ConsentState:
    """Fold the initial consent and the consent events whose signature checks (§6.3)."""
    if scopes is None:
        from haven.taxonomy import load_taxonomy

        scopes = load_taxonomy().ids("consent_scopes")
    known = frozenset(scopes)
    reporter_vk = VerifyKey(reporter_signing_pk)
    state = _fold(ConsentState(), initial, known) if initial else ConsentState()
    for event in events:
        if not _valid_signature(event, reporter_vk):
            continue
        if event.type in ("consent_change", "reconfirmation"):
            state = _fold(state, event.payload, known)
        elif event.type == "withdrawal":
            state = ConsentState(
                frozenset(), state.granted | state.withdrawn, state.given_by,
                state.risks_explained, state.last_day, True, state.counted_events + 1,
            )
    return state


def _fold(state: ConsentState, payload: Mapping[str, Any], known: frozenset[str]) -> ConsentState:
    changes = payload.get("scopes")
    given_by = payload.get("given_by")
    day = payload.get("day")
    if not isinstance(changes, dict) or given_by not in CONSENT_GIVERS or not isinstance(day, str):
        return state  # malformed consent counts for nothing
    granted, withdrawn, last_day = set(state.granted), set(state.withdrawn), dict(state.last_day)
    for scope, action in changes.items():
        if scope not in known or action not in ("grant", "withdraw"):
            continue
        if action == "withdraw":
            granted.discard(scope)
            withdrawn.add(scope)
            last_day[scope] = day
        elif given_by in CONSENT_GIVERS_WHO_GRANT:
            granted.add(scope)
            withdrawn.discard(scope)
            last_day[scope] = day
    return ConsentState(
        frozenset(granted), frozenset(withdrawn), given_by,
        bool(payload.get("risks_explained")), last_day, state.report_withdrawn,
        state.counted_events + 1,
    )
