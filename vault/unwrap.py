"""Recovering an envelope's key K as a reviewer: stanza or grant, then the header MAC
(vault/SPEC.md §4.4 steps 2–6, §5). Shared by vault.open and vault.access.

- ``unwrap_report_key(info, key_id, reviewer_sk, bundle, *, grant=None, grant_bundle=None)
  -> bytes``.
- ``grant_payload_fields`` and ``verify_grant(grant, info, key_id, bundle) -> bytes`` (the
  grant's sealed key, after its signature, header hash and grantee are checked).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

import nacl.bindings as sodium
from nacl.exceptions import CryptoError

from vault.bundle import VerifiedBundle
from vault.canonical import b64decode, verify
from vault.crypto import check_header_mac, open_box
from vault.errors import (
    BadEncoding,
    BadSignature,
    BundleMismatch,
    GrantInvalid,
    NoStanzaForKey,
    StanzaOpenFailed,
    StanzaSetMismatch,
    UnknownSigner,
)
from vault.format import EnvelopeInfo

GRANT_VERSION = "haven-grant/1"
GRANT_FIELDS = frozenset(
    {"version", "report_id", "header_hash", "key_id", "sealed_key", "granted_by", "day"}
)


def verify_grant(
    grant: Mapping[str, Any], info: EnvelopeInfo, key_id: str, bundle: VerifiedBundle
) -> bytes:
    try:
        payload = grant["grant"]
        signature = b64decode(grant["signature"])
        if set(payload) != GRANT_FIELDS or payload["version"] != GRANT_VERSION:
            raise ValueError("unexpected grant fields")
        sealed_key = b64decode(payload["sealed_key"])
        signer = bundle.signer(payload["granted_by"])
        verify("reviewer-record", payload, signature, signer)
    except (KeyError, TypeError, ValueError, BadEncoding, BadSignature, UnknownSigner) as exc:
        raise GrantInvalid(f"the grant does not verify: {exc}") from None
    if payload["header_hash"] != info.header_hash.hex() or payload["report_id"] != info.report_id:
        raise GrantInvalid("the grant names another envelope")
    if payload["key_id"] != key_id:
        raise GrantInvalid("the grant is for another key")
    return sealed_key


def unwrap_report_key(
    info: EnvelopeInfo,
    key_id: str,
    reviewer_sk: bytes,
    bundle: VerifiedBundle,
    *,
    grant: Mapping[str, Any] | None = None,
    grant_bundle: VerifiedBundle | None = None,
) -> bytes:
    """§4.4 steps 2–6: bundle, stanza set, my stanza (or grant), K, header MAC."""
    if not hmac.compare_digest(info.bundle_sha256, bundle.sha256):
        raise BundleMismatch("the envelope was sealed to another bundle")
    if set(info.stanza_key_ids) != set(bundle.triage):
        raise StanzaSetMismatch("the stanzas are not the bundle's triage set")
    if grant is not None:
        sealed_key = verify_grant(grant, info, key_id, grant_bundle or bundle)
    else:
        sealed_key = next((s.sealed_key for s in info.stanzas if s.key_id.hex() == key_id), b"")
        if not sealed_key:
            raise NoStanzaForKey("no stanza for this key: ask for a grant")
    reviewer_sk = bytes(reviewer_sk)
    try:
        reviewer_pk = sodium.crypto_scalarmult_base(reviewer_sk)
    except (CryptoError, TypeError, ValueError):
        raise StanzaOpenFailed("the reviewer key is not a 32-byte X25519 secret key") from None
    report_key = open_box(sealed_key, reviewer_pk, reviewer_sk)
    check_header_mac(report_key, info.header, info.header_mac)
    return report_key


