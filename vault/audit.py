"""The audit log (S17): an append-only Merkle log with signed tree heads.

Each entry ``{seq, day, actor, action, target, detail, actor_signature}`` is a leaf
(RFC 9162 hashing, vault.merkle) over its canonical JSON. ``target`` names a report by
keyed hash, BLAKE2b(key = audit-target key, report id), so a purged report leaves no id
behind and its entries still verify. ``detail`` is small JSON with no report content and no
IP address (refused). Each row also keeps its leaf hash, so a naive edit is pinpointed to
its row; an edit that recomputes hashes is caught by the signed heads and located between
the last head that still matches and the first that does not.

Signed heads ``{size, root, day}`` are signed with the checkpoint subkey
(``vault.canonical.sign("checkpoint", ...)``), stored, and exported as JSON to outside
witnesses (a partner, a file the coordinators keep). ``verify_log`` recomputes everything,
checks every stored head and consistency with a head saved earlier. Entries appended after
the newest head are only as trustworthy as the database until the next head is signed:
sign heads often (``haven audit export-head`` does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from nacl.signing import SigningKey, VerifyKey
from sqlalchemy.orm import Session

from vault import merkle
from vault.canonical import b64decode, b64encode, canonical_json, sign, utc_day, verify
from vault.errors import (
    AuditError,
    AuditHeadForged,
    AuditTampered,
    BadEncoding,
    BadSignature,
    InvalidRecord,
)
from vault.models import AuditEntry, AuditHead
from vault.store import DayLike, as_day

HEAD_VERSION = "haven-checkpoint/1"
SYSTEM_ACTOR = "system"
MAX_DETAIL_BYTES = 2048
AUDIT_KEY_BYTES = 32
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_ACTION = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    day: dt.date
    actor: str
    action: str
    target: str | None
    detail: Mapping[str, Any]
    actor_signature: bytes | None

    def leaf_data(self) -> bytes:
        return canonical_json({
            "seq": self.seq, "day": self.day.isoformat(), "actor": self.actor,
            "action": self.action, "target": self.target, "detail": dict(self.detail),
            "actor_signature": None if self.actor_signature is None
            else b64encode(self.actor_signature),
        })

    def leaf_hash(self) -> bytes:
        return merkle.leaf_hash(self.leaf_data())


@dataclass(frozen=True)
class SignedHead:
    size: int
    root: bytes
    day: dt.date
    signature: bytes

    def payload(self) -> dict[str, Any]:
        return {"size": self.size, "root": b64encode(self.root), "day": self.day.isoformat()}

    def to_json(self) -> dict[str, Any]:
        return {"version": HEAD_VERSION, **self.payload(), "signature": b64encode(self.signature)}

    def verify(self, checkpoint_vk: VerifyKey) -> None:
        try:
            verify("checkpoint", self.payload(), self.signature, checkpoint_vk)
        except BadSignature:
            raise AuditHeadForged(f"the head of size {self.size} is not signed by the "
                                  "checkpoint key", head_size=self.size) from None


@dataclass(frozen=True)
class LogState:
    size: int
    root: bytes
    heads_checked: int


def head_from_json(doc: Any) -> SignedHead:
    try:
        if doc["version"] != HEAD_VERSION:
            raise ValueError("not a haven-checkpoint/1 head")
        size, root = int(doc["size"]), b64decode(doc["root"])
        signature = b64decode(doc["signature"])
        if size < 1 or len(root) != merkle.HASH_LENGTH:
            raise ValueError("bad size or root")
        return SignedHead(size, root, as_day(doc["day"]), signature)
    except (KeyError, TypeError, ValueError, BadEncoding, InvalidRecord) as exc:
        raise AuditError(f"malformed signed head: {exc}") from None


def load_head_file(path: Path) -> SignedHead:
    try:
        return head_from_json(json.loads(Path(path).read_text("utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditError(f"cannot read the saved head {path}: {exc}") from None


def target_hash(audit_key: bytes, report_id: str) -> str:
    """How audit entries name a report: BLAKE2b-256 keyed with the audit-target key."""
    if len(audit_key) != AUDIT_KEY_BYTES:
        raise InvalidRecord("the audit-target key must be 32 bytes")
    return hashlib.blake2b(report_id.encode("ascii"), digest_size=32, key=audit_key).hexdigest()


def load_audit_key(path: Path) -> bytes:
    """keys/audit-target.key: 32 random bytes as hex."""
    try:
        key = bytes.fromhex(Path(path).read_text("ascii").strip())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AuditError(f"cannot read the audit-target key {path}: {exc}") from None
    if len(key) != AUDIT_KEY_BYTES:
        raise AuditError(f"{path} must hold 32 bytes as hex")
    return key


def _check_detail(detail: Mapping[str, Any]) -> str:
    try:
        text = canonical_json(dict(detail)).decode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InvalidRecord(f"audit detail must be plain JSON: {exc}") from None
    if len(text.encode("utf-8")) > MAX_DETAIL_BYTES:
        raise InvalidRecord("audit detail is too long (no report content in the audit log)")
    for value in _strings(detail):
        if _IPV4.search(value) or _is_ip(value):
            raise InvalidRecord("audit detail must not carry IP addresses")
    return text


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str | None = None,
    detail: Mapping[str, Any] | None = None,
    day: DayLike | None = None,
    actor_signature: bytes | None = None,
) -> AuditRecord:
    """Append one entry; ``target`` is a ``target_hash`` (never a raw report id)."""
    if not isinstance(actor, str) or not 0 < len(actor) <= 128:  # noqa: PLR2004
        raise InvalidRecord("actor must be a reviewer/admin id or 'system'")
    if not isinstance(action, str) or not _ACTION.match(action):
        raise InvalidRecord("action must be a short lowercase name like 'report.open'")
    if target is not None and not re.fullmatch(r"[0-9a-f]{64}", target):
        raise InvalidRecord("target must be a keyed hash (vault.audit.target_hash)")
    detail_text = _check_detail(detail or {})
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE"))
    highest = session.scalar(sa.select(sa.func.max(AuditEntry.seq)))
    record = AuditRecord(
        seq=0 if highest is None else int(highest) + 1, day=as_day(day or utc_day()),
        actor=actor, action=action, target=target, detail=json.loads(detail_text),
        actor_signature=actor_signature,
    )
    session.add(AuditEntry(
        seq=record.seq, day=record.day, actor=actor, action=action, target=target,
        detail=detail_text, actor_signature=actor_signature, leaf_hash=record.leaf_hash(),
    ))
    session.flush()
    return record


def _row_record(row: AuditEntry) -> AuditRecord:
    try:
        detail = json.loads(row.detail)
    except json.JSONDecodeError:
        detail = {"unparseable": row.detail}
    return AuditRecord(row.seq, row.day, row.actor, row.action, row.target, detail,
                       row.actor_signature)


def row_record(row: AuditEntry) -> AuditRecord:
    """A stored row as a record (checks layered on the log: vault.audit_signatures)."""
    return _row_record(row)


def entries(session: Session, after_seq: int | None = None, limit: int = 1000
            ) -> list[AuditRecord]:
    query = sa.select(AuditEntry).order_by(AuditEntry.seq).limit(limit)
    if after_seq is not None:
        query = query.where(AuditEntry.seq > after_seq)
    return [_row_record(row) for row in session.scalars(query)]


def _leaves(session: Session) -> list[bytes]:
    return list(session.scalars(sa.select(AuditEntry.leaf_hash).order_by(AuditEntry.seq)))


def sign_head(session: Session, checkpoint_sk: SigningKey, day: DayLike | None = None
              ) -> SignedHead:
    """Sign and store the head of the log as it is now (after checking it)."""
    state = verify_log(session, checkpoint_sk.verify_key)
    if state.size == 0:
        raise AuditError("the audit log is empty: nothing to sign")
    existing = session.get(AuditHead, state.size)
    if existing is not None:
        return SignedHead(existing.size, existing.root, existing.day, existing.signature)
    unsigned = SignedHead(state.size, state.root, as_day(day or utc_day()), b"")
    head = SignedHead(unsigned.size, unsigned.root, unsigned.day,
                      sign("checkpoint", unsigned.payload(), checkpoint_sk))
    session.add(AuditHead(size=head.size, root=head.root, day=head.day,
                          signature=head.signature))
    session.flush()
    return head


def latest_head(session: Session) -> SignedHead | None:
    row = session.scalar(sa.select(AuditHead).order_by(AuditHead.size.desc()).limit(1))
    return None if row is None else SignedHead(row.size, row.root, row.day, row.signature)


def inclusion_proof(session: Session, seq: int, size: int) -> list[bytes]:
    leaves = _leaves(session)
    if size > len(leaves):
        raise AuditError(f"the log has only {len(leaves)} entries")
    return merkle.inclusion_proof(seq, leaves[:size])


def consistency_proof(session: Session, old_size: int, new_size: int) -> list[bytes]:
    leaves = _leaves(session)
    if new_size > len(leaves):
        raise AuditError(f"the log has only {len(leaves)} entries")
    return merkle.consistency_proof(old_size, leaves[:new_size])


def verify_log(session: Session, checkpoint_vk: VerifyKey,
               saved_head: SignedHead | None = None) -> LogState:
    """Recompute the log; raise AuditTampered (with ``first_bad_seq``) on any edit,
    deletion, insertion, reordering or truncation, AuditHeadForged on a bad head."""
    rows = list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)))
    leaves = _check_rows(rows)
    heads = [SignedHead(h.size, h.root, h.day, h.signature)
             for h in session.scalars(sa.select(AuditHead).order_by(AuditHead.size))]
    last_good = 0
    for head in heads:
        last_good = _check_head(head, leaves, checkpoint_vk, last_good)
    if saved_head is not None:
        _check_head(saved_head, leaves, checkpoint_vk, _last_good_below(heads, saved_head))
    return LogState(len(leaves), merkle.root(leaves), len(heads))


def _check_rows(rows: list[AuditEntry]) -> list[bytes]:
    leaves: list[bytes] = []
    for expected_seq, row in enumerate(rows):
        if row.seq != expected_seq:
            raise AuditTampered(f"entry {expected_seq} is missing", first_bad_seq=expected_seq)
        recomputed = _row_record(row).leaf_hash()
        if recomputed != row.leaf_hash:
            raise AuditTampered(f"entry {row.seq} was changed", first_bad_seq=row.seq)
        leaves.append(recomputed)
    return leaves


def _check_head(head: SignedHead, leaves: list[bytes], vk: VerifyKey, last_good: int) -> int:
    head.verify(vk)
    if head.size > len(leaves):
        raise AuditTampered(
            f"the log has {len(leaves)} entries but a signed head covers {head.size}: "
            f"entries from {len(leaves)} on were removed",
            first_bad_seq=len(leaves), head_size=head.size)
    if merkle.root(leaves[: head.size]) != head.root:
        raise AuditTampered(
            f"an entry in {last_good}..{head.size - 1} was changed (hashes recomputed): the "
            f"head of size {head.size} no longer matches",
            first_bad_seq=last_good, head_size=head.size)
    return head.size


def _last_good_below(heads: list[SignedHead], saved: SignedHead) -> int:
    sizes = [h.size for h in heads if h.size <= saved.size]
    return max(sizes, default=0)


def export_head(head: SignedHead) -> str:
    """The signed head as the JSON text witnesses keep."""
    return json.dumps(head.to_json(), indent=2, sort_keys=True) + "\n"
