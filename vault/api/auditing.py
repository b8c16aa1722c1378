"""Audit entries for what passes through the vault API (S17), through ``vault.audit``.

Who (account id), what (action), which report (keyed hash, never the id), the day — never
content, never addresses, never a time finer than the day.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nacl.signing import VerifyKey
from sqlalchemy.orm import Session

from vault import audit
from vault.action_signature import SignedAction
from vault.api import context
from vault.canonical import b64decode
from vault.errors import BadEncoding
from vault.keys import load_signing_key


def record(session: Session, action: str, *, actor: str | None = None,
           report_id: str | None = None, detail: Mapping[str, Any] | None = None,
           signed: SignedAction | None = None) -> audit.AuditRecord:
    """One entry; ``signed`` (the reviewer's checked statement) goes into the leaf: the
    statement in ``detail``, its signature in ``actor_signature``."""
    who = actor or context.caller().account.account_id
    state = context.state()
    target = audit.target_hash(state.audit_target_key, report_id) if report_id else None
    if signed is not None:
        detail = {**(detail or {}), **signed.audit_detail()}
    return audit.append(session, actor=who, action=action, target=target, detail=detail,
                        day=context.today(),
                        actor_signature=signed.signature if signed else None)


def entry_json(entry: audit.AuditRecord) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "day": entry.day.isoformat(),
        "actor": None if entry.actor == audit.SYSTEM_ACTOR else entry.actor,
        "action": entry.action,
        "target": entry.target,
        "entry_hash": entry.leaf_hash().hex(),
        # The reviewer key whose signature the entry carries (S17), None when token-only.
        "signed_by": _signer(entry),
    }


def _signer(entry: audit.AuditRecord) -> str | None:
    if entry.actor_signature is None:
        return None
    key_id = entry.detail.get("key_id")
    return key_id if isinstance(key_id, str) else None


def checkpoint_verify_key(organisation_path: Path, checkpoint_key_path: Path) -> VerifyKey:
    """The checkpoint subkey's public half: from organisation.json's certificates when it
    lists one, else from the instance's checkpoint key file."""
    try:
        document = json.loads(organisation_path.read_text("utf-8"))
    except (OSError, ValueError):
        document = {}
    certificates = document.get("certificates") or document.get("subkeys") or []
    if isinstance(certificates, Mapping):
        certificates = list(certificates.values())
    for item in certificates if isinstance(certificates, list) else []:
        payload = item.get("certificate", {}) if isinstance(item, Mapping) else {}
        if isinstance(payload, Mapping) and payload.get("purpose") == "checkpoint":
            try:
                return VerifyKey(b64decode(payload["public_key"]))
            except (BadEncoding, KeyError, TypeError, ValueError):
                break
    return load_signing_key(checkpoint_key_path, purpose="checkpoint").verify_key
