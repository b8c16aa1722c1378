"""Reviewers' own signatures on audited actions, re-checked from the log (S17, SPEC §14).

``check_action_signatures(session, root_fingerprint=None) -> SignatureCheck`` walks every
``key_request`` and client-reported action of the audit log (``vault.audit``) and checks the
statement in its ``detail`` against the entry and the signature in ``actor_signature``
against the key the statement names, resolved from the recorded bundles (vault.bundle_store)
so a key retired since still verifies. ``haven audit verify`` runs it after ``verify_log``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from nacl.signing import VerifyKey
from sqlalchemy.orm import Session

from vault.action_signature import (
    SIGNED_ACTIONS,
    SignedAction,
    statement_from_payload,
    verify_action,
)
from vault.audit import AuditRecord, row_record
from vault.bundle import verify_bundle
from vault.canonical import b64decode
from vault.errors import VaultError
from vault.models import AuditEntry, Bundle
from vault.reviewer_models import ReviewerKey


@dataclass(frozen=True)
class SignatureProblem:
    seq: int
    action: str
    reason: str


@dataclass(frozen=True)
class SignatureCheck:
    """What ``check_action_signatures`` found: entries whose statement verified, entries
    from before signing began, and problems (an unsigned entry after the cut-over, or a
    signature that does not verify)."""

    verified: int
    unsigned_before_signing: tuple[int, ...]
    problems: tuple[SignatureProblem, ...]
    cutover_seq: int | None

    @property
    def ok(self) -> bool:
        return not self.problems


def check_action_signatures(session: Session, root_fingerprint: str | None = None
                            ) -> SignatureCheck:
    """Re-check every key request and client-reported action against the key it names.

    Keys come from the bundles recorded in the store (retired keys included); with
    ``root_fingerprint`` every bundle must verify under that organisation root first.
    Unsigned entries before the first signed one predate signing and are listed, not
    failed; unsigned ones after it are problems."""
    keys = _bundle_signing_keys(session, root_fingerprint)
    rows = [row for row in session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq))
            if row.action in SIGNED_ACTIONS]
    cutover = _signing_cutover(rows)
    verified, before, problems = 0, [], []
    for row in rows:
        record = row_record(row)
        if record.actor_signature is None or "statement" not in record.detail:
            if cutover is None or row.seq < cutover:
                before.append(row.seq)
            else:
                problems.append(SignatureProblem(row.seq, row.action, "unsigned"))
            continue
        reason = _entry_signature_problem(session, record, keys)
        if reason is None:
            verified += 1
        else:
            problems.append(SignatureProblem(row.seq, row.action, reason))
    return SignatureCheck(verified, tuple(before), tuple(problems), cutover)


def _signing_cutover(rows: list[AuditEntry]) -> int | None:
    """The first signed entry: the API refuses unsigned key requests and client actions
    from then on, so any unsigned one after it was not written by the API. Read from the
    log itself (covered by the Merkle hashes and signed heads), not from a mutable row."""
    return next((row.seq for row in rows if row.actor_signature is not None), None)


def _bundle_signing_keys(session: Session, root_fingerprint: str | None
                         ) -> dict[str, bytes]:
    """key id -> Ed25519 public key, from every recorded bundle (oldest first). A bundle
    that does not parse, or (with ``root_fingerprint``) does not verify under the root,
    lends no key: an entry signed only by such a key is reported, not trusted. (A first
    bundle recorded before any reviewer existed has an empty triage set and no keys.)"""
    keys: dict[str, bytes] = {}
    for row in session.scalars(sa.select(Bundle).order_by(Bundle.serial)):
        try:
            doc = json.loads(row.document)
            if root_fingerprint is not None:
                verify_bundle(doc, root_fingerprint, today=doc["bundle"]["issued_at"],
                              min_serial=0, check_freshness=False)
            found = {entry["id"]: b64decode(entry["ed25519_pk"])
                     for entry in doc["bundle"]["keys"]}
        except (ValueError, KeyError, TypeError, VaultError):
            continue
        for key_id, public in found.items():
            keys.setdefault(key_id, public)
    return keys


def _entry_signature_problem(session: Session, record: AuditRecord,
                             keys: Mapping[str, bytes]) -> str | None:
    try:
        statement = statement_from_payload(record.detail["statement"])
        signed = SignedAction(statement, record.actor_signature or b"")
        if (record.detail.get("key_id") != statement.key_id
                or record.detail.get("statement_sha256") != statement.sha256()):
            return "the detail does not match its statement"
        if (statement.action != record.action or statement.account_id != record.actor
                or (statement.report is None) != (record.target is None)
                or (record.day - statement.day_value).days not in (0, 1)):
            return "the statement does not match the entry"
        public = keys.get(statement.key_id)
        if public is None:
            return f"key {statement.key_id} is in no recorded bundle that verifies"
        owner = session.get(ReviewerKey, statement.key_id)
        if owner is not None and owner.account_id != record.actor:
            return f"key {statement.key_id} belongs to another account"
        verify_action(signed, VerifyKey(public))
    except VaultError as exc:
        return f"bad signature: {exc}"
    return None
