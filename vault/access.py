"""Reviewer-side writes: access grants, re-sealing on key rotation, replies to the reporter,
custody records (vault/SPEC.md §5, §6, §7; S1, S6, S8, S14).

Public API (also re-exported by vault.open):
- ``grant_access(envelope, key_id, reviewer_sk, bundle, grantee_key_id, *, granter:
  ReviewerKeyPair, day, grantee_bundle=None, grant=None, rng=None) -> dict`` — a signed
  grant record ``{"grant": G, "signature": b64}``.
- ``reseal_envelope(envelope, key_id, reviewer_sk, bundle, new_bundle, *, grant=None,
  rng=None) -> bytes`` — the same report under the new bundle's triage set.
- ``seal_reply(report_id, seq, prev_hash, type_name, payload, *, reviewer:
  ReviewerKeyPair, reporter_reply_pk, rng=None) -> SealedEvent`` — signed, then crypto_box_seal'd.
- ``custody_record(opened, entry, *, day) -> dict``;
  ``sign_custody_record(record, signing_key) -> dict``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from nacl.signing import SigningKey

from vault.attachments import SealedAttachment
from vault.bundle import VerifiedBundle
from vault.canonical import b64encode, sign
from vault.crypto import decrypt_body, encrypt_body, header_mac, seal_box
from vault.errors import NoStanzaForKey
from vault.events import REVIEWER_TYPES, sign_event
from vault.format import assemble, build_header, parse_envelope
from vault.kdf import Rng, blake2b, system_rng
from vault.keys import ReviewerKeyPair
from vault.seal import SealedEvent, stanzas_for
from vault.unwrap import GRANT_VERSION, unwrap_report_key


class _OpenedLike(Protocol):
    report_id: str
    envelope_hash: str


def grant_access(
    envelope: bytes,
    key_id: str,
    reviewer_sk: bytes,
    bundle: VerifiedBundle,
    grantee_key_id: str,
    *,
    granter: ReviewerKeyPair,
    day: str,
    grantee_bundle: VerifiedBundle | None = None,
    grant: Mapping[str, Any] | None = None,
    rng: Rng | None = None,
) -> dict[str, Any]:
    """Re-seal the envelope's key K to ``grantee_key_id`` (S14 assignment)."""
    info = parse_envelope(envelope)
    report_key = unwrap_report_key(info, key_id, reviewer_sk, bundle, grant=grant)
    grantee = (grantee_bundle or bundle).key(grantee_key_id)
    if grantee is None or grantee_key_id in (grantee_bundle or bundle).revoked:
        raise NoStanzaForKey("the grantee is not a current key of the bundle")
    payload = {
        "version": GRANT_VERSION,
        "report_id": info.report_id,
        "header_hash": info.header_hash.hex(),
        "key_id": grantee_key_id,
        "sealed_key": b64encode(seal_box(report_key, grantee.x25519_pk, rng)),
        "granted_by": granter.key_id,
        "day": day,
    }
    return {
        "grant": payload,
        "signature": b64encode(sign("reviewer-record", payload, granter.signing_key)),
    }


def reseal_envelope(
    envelope: bytes,
    key_id: str,
    reviewer_sk: bytes,
    bundle: VerifiedBundle,
    new_bundle: VerifiedBundle,
    *,
    grant: Mapping[str, Any] | None = None,
    rng: Rng | None = None,
) -> bytes:
    """Key epoch (S6): new stanzas for the new triage set, new MAC, new nonce; same K."""
    info = parse_envelope(envelope)
    report_key = unwrap_report_key(info, key_id, reviewer_sk, bundle, grant=grant)
    plaintext = decrypt_body(report_key, info.nonce, info.body, info.header)
    header = build_header(
        info.type, info.report_id, new_bundle.sha256, info.day,
        stanzas_for(report_key, new_bundle, rng),
        manifest_commitment=info.manifest_commitment,
        server_sealed=info.server_sealed,
    )
    nonce = (rng or system_rng)(24)
    body = encrypt_body(report_key, nonce, plaintext, header)
    return assemble(header, header_mac(report_key, header), nonce, body)


def seal_reply(
    report_id: str,
    seq: int,
    prev_hash: bytes,
    type_name: str,
    payload: Mapping[str, Any],
    *,
    reviewer: ReviewerKeyPair,
    reporter_reply_pk: bytes,
    rng: Rng | None = None,
) -> SealedEvent:
    """A reviewer event: signed with the reviewer's bundle key, sealed to the reporter."""
    if type_name not in REVIEWER_TYPES:
        raise ValueError(f"{type_name!r} is not a reviewer event type")
    signed = sign_event(
        report_id, seq, prev_hash, type_name, payload, signing_key=reviewer.signing_key
    )
    sealed = seal_box(bytes.fromhex(reviewer.key_id) + signed, reporter_reply_pk, rng)
    return SealedEvent(report_id, seq, blake2b(signed[64:]), sealed)


def custody_record(opened: _OpenedLike, entry: SealedAttachment, *, day: str) -> dict[str, Any]:
    """S8: what a reviewer signs when verifying a file."""
    return {
        "version": "haven-custody/1",
        "report_id": opened.report_id,
        "envelope_hash": opened.envelope_hash,
        "blob_id": entry.blob_id,
        "file_sha256": entry.sha256,
        "day": day,
    }


def sign_custody_record(record: Mapping[str, Any], signing_key: SigningKey) -> dict[str, Any]:
    return {
        "record": dict(record),
        "signature": b64encode(sign("reviewer-record", dict(record), signing_key)),
    }
