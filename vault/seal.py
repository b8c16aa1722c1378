"""Sealing reports and reporter events to a verified bundle (vault/SPEC.md §4, §6; S2, S14).

Used by the CLI (`haven submit`) and by the intake's no-JS path (``server_sealed=True``).

Public API:
- ``seal_report(fields: dict, attachments: Sequence[SealedAttachment], bundle:
  VerifiedBundle, receipt_keys: ReceiptKeys, *, day: str, server_sealed: bool,
  report_id: str | None = None, rng: Rng | None = None) -> SealedReport``.
- ``seal_reporter_event(report_id, seq, prev_hash, type_name, payload, *, bundle,
  receipt_keys, day, server_sealed=False, rng=None) -> SealedEvent`` (reporter types only).
- ``seal_envelope(kind, report_id, plaintext, attachments, bundle, *, day, server_sealed,
  rng=None) -> bytes`` (the common step).
- ``new_report_id(rng=None) -> str`` (UUIDv4).
- frozen ``SealedReport(report_id, envelope, blob_ids, attachments)``,
  ``SealedEvent(report_id, seq, event_hash, envelope)``.
- ``AttachmentSealer`` and ``SealedAttachment`` are re-exported from vault.attachments.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vault.attachments import AttachmentSealer, SealedAttachment, seal_attachment_bytes
from vault.bundle import VerifiedBundle
from vault.canonical import b64encode, canonical_json
from vault.crypto import encrypt_body, header_mac, manifest_commitment, seal_box
from vault.errors import FieldsMalformed
from vault.events import REPORTER_TYPES, ZERO_HASH, sign_event
from vault.format import TYPE_EVENT, TYPE_REPORT, Stanza, assemble, build_header
from vault.kdf import Rng, blake2b, system_rng
from vault.padding import pad
from vault.receipts import ReceiptKeys

__all__ = [
    "AttachmentSealer", "SealedAttachment", "SealedEvent", "SealedReport", "ZERO_HASH",
    "new_report_id", "seal_attachment_bytes", "seal_envelope", "seal_report",
    "seal_reporter_event",
]


@dataclass(frozen=True)
class SealedReport:
    report_id: str
    envelope: bytes
    blob_ids: tuple[str, ...]
    attachments: tuple[SealedAttachment, ...]


@dataclass(frozen=True)
class SealedEvent:
    report_id: str
    seq: int
    event_hash: bytes
    envelope: bytes


def new_report_id(rng: Rng | None = None) -> str:
    return str(uuid.UUID(bytes=(rng or system_rng)(16), version=4))


def stanzas_for(report_key: bytes, bundle: VerifiedBundle, rng: Rng | None) -> list[Stanza]:
    return [
        Stanza(key.id_bytes, seal_box(report_key, key.x25519_pk, rng))
        for key in bundle.triage_keys
    ]


def seal_envelope(
    kind: int,
    report_id: str,
    plaintext: bytes,
    attachments: Sequence[Mapping[str, Any]],
    bundle: VerifiedBundle,
    *,
    day: str,
    server_sealed: bool,
    rng: Rng | None = None,
) -> bytes:
    """Seal ``plaintext`` under a fresh key K to the bundle's triage set."""
    source = rng or system_rng
    report_key = source(32)
    header = build_header(
        kind,
        report_id,
        bundle.sha256,
        day,
        stanzas_for(report_key, bundle, rng),
        manifest_commitment=manifest_commitment(report_key, list(attachments)),
        server_sealed=server_sealed,
    )
    nonce = source(24)
    body = encrypt_body(report_key, nonce, plaintext, header)
    return assemble(header, header_mac(report_key, header), nonce, body)


def _canonical(value: Any) -> bytes:
    """RFC 8785 bytes, or FieldsMalformed naming why (e.g. an integer beyond ±2^53)."""
    try:
        return canonical_json(value)
    except (ValueError, TypeError) as exc:  # rfc8785.CanonicalizationError is a ValueError
        raise FieldsMalformed(f"the fields are not representable as RFC 8785 JSON: {exc}") from None


def seal_report(
    fields: Mapping[str, Any],
    attachments: Sequence[SealedAttachment],
    bundle: VerifiedBundle,
    receipt_keys: ReceiptKeys,
    *,
    day: str,
    server_sealed: bool,
    report_id: str | None = None,
    rng: Rng | None = None,
) -> SealedReport:
    if not isinstance(fields, Mapping):
        raise TypeError("fields is a JSON object")
    report_id = report_id or new_report_id(rng)
    manifest = [a.to_manifest() for a in attachments]
    plaintext = pad(
        _canonical(
            {
                "fields": dict(fields),
                "attachments": manifest,
                "reporter": {
                    "signing_pk": b64encode(receipt_keys.signing_pk),
                    "reply_pk": b64encode(receipt_keys.reply_pk),
                },
            }
        )
    )
    envelope = seal_envelope(
        TYPE_REPORT, report_id, plaintext, manifest, bundle,
        day=day, server_sealed=server_sealed, rng=rng,
    )
    return SealedReport(
        report_id, envelope, tuple(a.blob_id for a in attachments), tuple(attachments)
    )


def seal_reporter_event(
    report_id: str,
    seq: int,
    prev_hash: bytes,
    type_name: str,
    payload: Mapping[str, Any],
    *,
    bundle: VerifiedBundle,
    receipt_keys: ReceiptKeys,
    day: str,
    server_sealed: bool = False,
    rng: Rng | None = None,
) -> SealedEvent:
    """Sign with the receipt's Ed25519 key, then seal under a fresh key to the triage set."""
    if type_name not in REPORTER_TYPES:
        raise ValueError(f"{type_name!r} is not a reporter event type")
    signed = sign_event(
        report_id, seq, prev_hash, type_name, payload, signing_key=receipt_keys.signing_sk
    )
    manifest = payload.get("attachments", [])
    envelope = seal_envelope(
        TYPE_EVENT, report_id, signed, manifest, bundle,
        day=day, server_sealed=server_sealed, rng=rng,
    )
    return SealedEvent(report_id, seq, blake2b(signed[64:]), envelope)
