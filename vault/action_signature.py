"""Reviewer actions signed with the reviewer's own key (S17, vault/SPEC.md §14).

A reviewer app sends, with every stanza request (the decrypt) and every client-reported
action (``POST /audit``), a statement signed with the Ed25519 key of the reviewer's active
key, purpose ``audit-action``::

    {"action", "report" (hex SHA-256 of "haven-audit-report/1\\n" ‖ report id, or null),
     "account_id", "key_id", "day", "nonce" (16 random bytes, b64)}

sent as the header ``Haven-Action-Signature: b64(JCS(statement)) "." b64(signature)``.
The vault checks it against the caller's registered key and keeps the statement in the
audit entry (``detail``) and the signature in ``actor_signature``, so the Merkle leaf commits
to both and anyone holding the recorded bundles can re-check it later — even after the report
was purged, because the statement names the report by digest, never by id.

This module is plain Python (no database, no Flask): the reviewer app signs with it, the
API and ``haven audit verify`` check with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey, VerifyKey

from vault.canonical import b64decode, b64encode, canonical_json, sign, utc_day, verify
from vault.errors import ActionSignatureBad, ActionSignatureError, BadEncoding, BadSignature

PURPOSE = "audit-action"
HEADER = "Haven-Action-Signature"
REPORT_LABEL = b"haven-audit-report/1\n"
NONCE_BYTES = 16
SIGNATURE_BYTES = 64
MAX_HEADER_CHARS = 1024
KEY_REQUEST = "key_request"
CLIENT_ACTIONS = ("export", "raw_download", "scrubbed_download", "release_draft",
                  "release_approve", "reseal")
SIGNED_ACTIONS = frozenset({KEY_REQUEST, *CLIENT_ACTIONS})
# A statement is accepted on its day or the next (a request crossing midnight UTC); the
# vault keeps nonce hashes this many days, longer than any statement is accepted.
NONCE_KEEP_DAYS = 3
FIELDS = frozenset({"action", "report", "account_id", "key_id", "day", "nonce"})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KEY_ID = re.compile(r"^[0-9a-f]{1,64}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ActionStatement:
    action: str
    report: str | None
    account_id: str
    key_id: str
    day: str
    nonce: str

    def payload(self) -> dict[str, Any]:
        return {"action": self.action, "report": self.report, "account_id": self.account_id,
                "key_id": self.key_id, "day": self.day, "nonce": self.nonce}

    def encoded(self) -> bytes:
        return canonical_json(self.payload())

    def sha256(self) -> str:
        return hashlib.sha256(self.encoded()).hexdigest()

    def nonce_hash(self) -> bytes:
        """What the vault stores to refuse a replay (never the nonce itself)."""
        return hashlib.sha256(b"haven-action-nonce/1\n" + b64decode(self.nonce)).digest()

    @property
    def day_value(self) -> dt.date:
        return dt.date.fromisoformat(self.day)


@dataclass(frozen=True)
class SignedAction:
    statement: ActionStatement
    signature: bytes

    def header_value(self) -> str:
        return f"{b64encode(self.statement.encoded())}.{b64encode(self.signature)}"

    def audit_detail(self) -> dict[str, Any]:
        """What the audit entry's ``detail`` keeps (the signature goes to actor_signature)."""
        return {"key_id": self.statement.key_id, "statement": self.statement.payload(),
                "statement_sha256": self.statement.sha256()}


def report_digest(report_id: str | None) -> str | None:
    if report_id is None:
        return None
    return hashlib.sha256(REPORT_LABEL + report_id.encode("utf-8")).hexdigest()


def sign_action(action: str, report_id: str | None, *, account_id: str, key_id: str,
                signing_key: SigningKey, day: str | None = None,
                nonce: bytes | None = None) -> SignedAction:
    """The reviewer app's side: a fresh statement for one request, signed."""
    statement = ActionStatement(
        action=action, report=report_digest(report_id), account_id=account_id, key_id=key_id,
        day=day or utc_day(), nonce=b64encode(nonce or secrets.token_bytes(NONCE_BYTES)))
    checked = statement_from_payload(statement.payload())
    return SignedAction(checked, sign(PURPOSE, checked.payload(), signing_key))


def statement_from_payload(payload: Any) -> ActionStatement:
    """Check the shape of a statement; ActionSignatureError names what is wrong."""
    if not isinstance(payload, Mapping) or set(payload) != FIELDS:
        raise ActionSignatureError(f"a statement has exactly the fields {sorted(FIELDS)}")
    action, report = payload["action"], payload["report"]
    account_id, key_id = payload["account_id"], payload["key_id"]
    day, nonce = payload["day"], payload["nonce"]
    if action not in SIGNED_ACTIONS:
        raise ActionSignatureError(f"action is one of {', '.join(sorted(SIGNED_ACTIONS))}")
    if report is not None and not (isinstance(report, str) and _HEX64.match(report)):
        raise ActionSignatureError("report is null or a 64-digit lowercase hex digest")
    if not isinstance(account_id, str) or not 0 < len(account_id) <= 128:  # noqa: PLR2004
        raise ActionSignatureError("account_id is the signer's account id")
    if not isinstance(key_id, str) or not _KEY_ID.match(key_id):
        raise ActionSignatureError("key_id is a lowercase hex key id")
    if not isinstance(day, str) or not _DAY.match(day):
        raise ActionSignatureError("day is a UTC day YYYY-MM-DD")
    try:
        dt.date.fromisoformat(day)
        if len(b64decode(nonce)) != NONCE_BYTES:
            raise ValueError("size")
    except (ValueError, BadEncoding):
        raise ActionSignatureError("day is a real date and nonce 16 bytes in base64url"
                                   ) from None
    return ActionStatement(action, report, account_id, key_id, day, nonce)


def parse_header(value: str) -> SignedAction:
    """``b64(JCS(statement)).b64(signature)`` -> SignedAction (signature not yet checked).
    The statement must be exactly its canonical encoding, so one statement has one hash."""
    import json

    if not isinstance(value, str) or len(value) > MAX_HEADER_CHARS or value.count(".") != 1:
        raise ActionSignatureError(f"{HEADER} is b64(statement).b64(signature)")
    encoded_part, signature_part = value.strip().split(".")
    try:
        encoded, signature = b64decode(encoded_part), b64decode(signature_part)
        payload = json.loads(encoded.decode("utf-8"))
    except (BadEncoding, UnicodeDecodeError, ValueError):
        raise ActionSignatureError(f"{HEADER} does not decode") from None
    statement = statement_from_payload(payload)
    if statement.encoded() != encoded:
        raise ActionSignatureError("the statement is not in canonical JSON (RFC 8785)")
    if len(signature) != SIGNATURE_BYTES:
        raise ActionSignatureError("the signature is 64 bytes")
    return SignedAction(statement, signature)


def verify_action(signed: SignedAction, verify_key: VerifyKey) -> None:
    try:
        verify(PURPOSE, signed.statement.payload(), signed.signature, verify_key)
    except BadSignature:
        raise ActionSignatureBad(
            f"the statement is not signed by key {signed.statement.key_id}") from None
