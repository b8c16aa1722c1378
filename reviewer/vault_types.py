"""What the vault API returns, as frozen dataclasses (vault/api/API.md §4).

Each ``from_json`` checks the fields it reads and raises ``BadResponse`` naming the field,
so a malformed or hostile API answer never reaches a template half-parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from vault.canonical import b64decode
from vault.errors import BadEncoding


class BadResponse(Exception):
    """The vault API answered something that does not follow its contract."""

    code = "bad_response"


def _field(data: Any, name: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, Mapping) or name not in data:
        raise BadResponse(f"vault API answer lacks {name!r}")
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadResponse(f"vault API field {name!r} has the wrong type")
    return value


def _optional(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if data.get(name) is None:
        return None
    return _field(data, name, kind)


def _b64(data: Any, name: str) -> bytes:
    try:
        return b64decode(_field(data, name, str))
    except BadEncoding:
        raise BadResponse(f"vault API field {name!r} is not base64url") from None


def _strings(data: Any, name: str) -> tuple[str, ...]:
    values = _field(data, name, list)
    if not all(isinstance(value, str) for value in values):
        raise BadResponse(f"vault API field {name!r} must list strings")
    return tuple(values)


@dataclass(frozen=True)
class Key:
    key_id: str
    x25519_pk: bytes
    ed25519_pk: bytes
    status: str

    @classmethod
    def from_json(cls, data: Any) -> Key:
        return cls(_field(data, "key_id", str), _b64(data, "x25519_pk_b64"),
                   _b64(data, "ed25519_pk_b64"), _field(data, "status", str))


@dataclass(frozen=True)
class WrappedKey:
    key: Key
    wrapped_secret_key: bytes
    kdf_salt: bytes
    kdf_opslimit: int
    kdf_memlimit: int

    @classmethod
    def from_json(cls, data: Any) -> WrappedKey:
        kdf = _field(data, "kdf", dict)
        return cls(Key.from_json(data), _b64(data, "wrapped_secret_key_b64"),
                   _b64(kdf, "salt_b64"), _field(kdf, "opslimit", int),
                   _field(kdf, "memlimit", int))


@dataclass(frozen=True)
class Account:
    account_id: str
    username: str
    roles: tuple[str, ...]
    on_duty: bool
    status: str
    keys: tuple[Key, ...]

    @classmethod
    def from_json(cls, data: Any) -> Account:
        return cls(
            _field(data, "account_id", str), _field(data, "username", str),
            _strings(data, "roles"), bool(_field(data, "on_duty", bool)),
            _field(data, "status", str),
            tuple(Key.from_json(key) for key in _field(data, "keys", list)),
        )


@dataclass(frozen=True)
class TotpEnrolmentNeeded:
    """Password right, TOTP not confirmed yet: a fresh secret to scan, then sign in with a code."""

    totp_secret: str
    provisioning_uri: str

    @classmethod
    def from_json(cls, data: Any) -> TotpEnrolmentNeeded:
        totp = _field(data, "totp", dict)
        return cls(_field(totp, "secret", str), _field(totp, "provisioning_uri", str))


@dataclass(frozen=True)
class LoginResult:
    token: str
    account: Account
    idle_timeout_seconds: int
    absolute_timeout_seconds: int
    recovery_codes_left: int | None

    @classmethod
    def from_json(cls, data: Any) -> LoginResult:
        return cls(_field(data, "token", str), Account.from_json(_field(data, "account", dict)),
                   _field(data, "idle_timeout_seconds", int),
                   _field(data, "absolute_timeout_seconds", int),
                   _optional(data, "recovery_codes_left", int))


@dataclass(frozen=True)
class ReportSummary:
    report_id: str
    day: str
    bundle_serial: int | None
    event_count: int
    blob_count: int
    access: tuple[str, ...]
    assignees: tuple[str, ...]
    recipients: tuple[str, ...]
    state: str = "active"  # "withdrawn" once the reporter withdrew the report
    # Replies deleted after the reporter read them (or burned the receipt), and the seq the
    # reply chain continues from (vault/SPEC.md §6.1).
    replies_deleted: int = 0
    last_reply_seq: int = 0

    @classmethod
    def from_json(cls, data: Any) -> ReportSummary:
        return cls(
            _field(data, "report_id", str), _field(data, "day", str),
            _optional(data, "bundle_serial", int), _field(data, "event_count", int),
            _field(data, "blob_count", int), _strings(data, "access"),
            _strings(data, "assignees"), _strings(data, "recipients"),
            _optional(data, "state", str) or "active",
            _optional(data, "replies_deleted", int) or 0,
            _optional(data, "last_reply_seq", int) or 0,
        )


@dataclass(frozen=True)
class Grant:
    report_id: str
    key_id: str
    account_id: str | None
    reason: str
    day: str | None
    record: Mapping[str, Any] | None  # the signed grant (vault/SPEC.md §5); None for triage
    envelope: str = "report"  # "report" | "event": which envelope the grant names
    header_hash: str | None = None  # hex; None for the header's own triage stanzas

    @classmethod
    def from_json(cls, data: Any) -> Grant:
        envelope = _optional(data, "envelope", str) or "report"
        if envelope not in ("report", "event"):
            raise BadResponse(f"unknown grant envelope {envelope!r}")
        return cls(_field(data, "report_id", str), _field(data, "key_id", str),
                   _optional(data, "account_id", str), _field(data, "reason", str),
                   _optional(data, "day", str), _optional(data, "record", dict),
                   envelope, _optional(data, "header_hash", str))


@dataclass(frozen=True)
class Event:
    report_id: str
    direction: str  # "from_reporter" | "to_reporter"
    seq: int
    sealed: bytes
    day: str
    author: str

    @classmethod
    def from_json(cls, data: Any) -> Event:
        return cls(_field(data, "report_id", str), _field(data, "direction", str),
                   _field(data, "seq", int), _b64(data, "sealed_b64"),
                   _field(data, "day", str), _field(data, "author", str))


@dataclass(frozen=True)
class Blob:
    blob_id: str
    ct_len: int

    @classmethod
    def from_json(cls, data: Any) -> Blob:
        return cls(_field(data, "blob_id", str), _field(data, "ct_len", int))


@dataclass(frozen=True)
class ReportDetail:
    summary: ReportSummary
    envelope: bytes
    grants: tuple[Grant, ...]  # stanzas of the report envelope (triage or assignment)
    events: tuple[Event, ...]
    blobs: tuple[Blob, ...]
    event_grants: tuple[Grant, ...] = ()  # grants naming reporter event envelopes

    @classmethod
    def from_json(cls, data: Any) -> ReportDetail:
        grants = [Grant.from_json(g) for g in _field(data, "grants", list)]
        return cls(
            ReportSummary.from_json(_field(data, "report", dict)), _b64(data, "envelope_b64"),
            tuple(g for g in grants if g.envelope == "report"),
            tuple(Event.from_json(e) for e in _field(data, "events", list)),
            tuple(Blob.from_json(b) for b in _field(data, "blobs", list)),
            tuple(g for g in grants if g.envelope == "event"),
        )


@dataclass(frozen=True)
class Stanza:
    report_id: str
    key_id: str
    stanza: bytes
    grant: Mapping[str, Any] | None
    event_grants: tuple[Mapping[str, Any], ...] = ()  # my grants for reporter events

    @classmethod
    def from_json(cls, data: Any) -> Stanza:
        event_grants = _optional(data, "event_grants", list) or []
        if not all(isinstance(g, dict) for g in event_grants):
            raise BadResponse("event_grants must be a list of signed grants")
        return cls(_field(data, "report_id", str), _field(data, "key_id", str),
                   _b64(data, "stanza_b64"), _optional(data, "grant", dict),
                   tuple(event_grants))


@dataclass(frozen=True)
class Record:
    record_id: str
    kind: str
    report_id: str | None
    case_id: str | None
    author_key_id: str
    author_account_id: str
    day: str
    recipients: tuple[str, ...]
    supersedes: str | None
    ciphertext: bytes
    signature: bytes

    @classmethod
    def from_json(cls, data: Any) -> Record:
        return cls(
            _field(data, "record_id", str), _field(data, "kind", str),
            _optional(data, "report_id", str), _optional(data, "case_id", str),
            _field(data, "author_key_id", str), _field(data, "author_account_id", str),
            _field(data, "day", str), _strings(data, "recipients"),
            _optional(data, "supersedes", str), _b64(data, "ciphertext_b64"),
            _b64(data, "signature_b64"),
        )


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    day: str
    actor: str | None
    action: str
    target: str | None
    entry_hash: str
    signed_by: str | None = None  # the reviewer key that signed the action (S17)

    @classmethod
    def from_json(cls, data: Any) -> AuditEntry:
        return cls(_field(data, "seq", int), _field(data, "day", str),
                   _optional(data, "actor", str), _field(data, "action", str),
                   _optional(data, "target", str), _field(data, "entry_hash", str),
                   _optional(data, "signed_by", str))


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    entries: int
    head: str
    error: str | None

    @classmethod
    def from_json(cls, data: Any) -> AuditVerification:
        return cls(bool(_field(data, "ok", bool)), _field(data, "entries", int),
                   _field(data, "head", str), _optional(data, "error", str))


@dataclass(frozen=True)
class Alert:
    alert_id: str
    day: str
    account_id: str
    kind: str
    count: int

    @classmethod
    def from_json(cls, data: Any) -> Alert:
        return cls(_field(data, "alert_id", str), _field(data, "day", str),
                   _field(data, "account_id", str), _field(data, "kind", str),
                   _field(data, "count", int))


@dataclass(frozen=True)
class Reviewer:
    account_id: str
    username: str
    roles: tuple[str, ...]
    on_duty: bool
    key_ids: tuple[str, ...]

    @classmethod
    def from_json(cls, data: Any) -> Reviewer:
        return cls(_field(data, "account_id", str), _field(data, "username", str),
                   _strings(data, "roles"), bool(_field(data, "on_duty", bool)),
                   _strings(data, "key_ids"))


@dataclass(frozen=True)
class Enrolment:
    """A new account's (or reset) TOTP secret and recovery codes, shown once."""

    account: Account | None
    totp_secret: str
    provisioning_uri: str
    recovery_codes: tuple[str, ...]

    @classmethod
    def from_json(cls, data: Any) -> Enrolment:
        totp = _field(data, "totp", dict)
        account = data.get("account") if isinstance(data, Mapping) else None
        return cls(Account.from_json(account) if account is not None else None,
                   _field(totp, "secret", str), _field(totp, "provisioning_uri", str),
                   _strings(data, "recovery_codes"))
