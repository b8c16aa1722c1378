"""Opening reports and reporter events on the reviewer side (vault/SPEC.md §4.4, §5, §6).

Only the reviewer app imports this (import-linter keeps intake and casebase out).

Public API:
- ``open_report(envelope: bytes, key_id: str, reviewer_sk: bytes, bundle: VerifiedBundle,
  blob_reader: BlobReader | None = None, *, stored_blob_ids: Collection[str] | None = None,
  grant: dict | None = None, grant_bundle: VerifiedBundle | None = None) -> OpenedReport``.
- ``open_attachment(entry: SealedAttachment, blob_reader) -> Iterator[bytes]``.
- ``open_reporter_events(envelopes: Sequence[bytes], key_id, reviewer_sk, bundles,
  reporter_signing_pk: bytes, *, report_id: str, grants=None, start=(0, ZERO_HASH))
  -> list[OpenedEvent]`` — ``bundles`` maps bundle_sha256 → VerifiedBundle (or one bundle).
- ``unwrap_report_key(info, key_id, reviewer_sk, bundle, *, grant=None, grant_bundle=None)
  -> bytes`` (K, after the header MAC check).
- Re-exported from vault.access: ``grant_access``, ``reseal_envelope``, ``seal_reply``,
  ``custody_record``, ``sign_custody_record``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vault.access import (
    custody_record,
    grant_access,
    reseal_envelope,
    seal_reply,
    sign_custody_record,
)
from vault.attachments import BlobReader, SealedAttachment, open_attachment, verify_blob
from vault.bundle import VerifiedBundle
from vault.canonical import b64decode, canonical_json
from vault.crypto import decrypt_body, manifest_commitment
from vault.errors import (
    BadEncoding,
    BundleMismatch,
    EventReplay,
    FieldsMalformed,
    ManifestMismatch,
    UnknownType,
)
from vault.events import ZERO_HASH, OpenedEvent, parse_signed_event, verify_chain
from vault.format import TYPE_EVENT, TYPE_REPORT, EnvelopeInfo, parse_envelope
from vault.kdf import KEY_BYTES
from vault.padding import unpad
from vault.unwrap import unwrap_report_key

__all__ = [
    "OpenedReport", "custody_record", "grant_access", "open_attachment", "open_report",
    "open_reporter_events", "reseal_envelope", "seal_reply", "sign_custody_record",
    "unwrap_report_key",
]


@dataclass(frozen=True)
class OpenedReport:
    report_id: str
    day: str
    server_sealed: bool
    fields: Mapping[str, Any]
    attachments: tuple[SealedAttachment, ...]
    reporter_signing_pk: bytes
    reporter_reply_pk: bytes
    envelope_hash: str
    header_hash: bytes
    bundle_sha256: bytes
    stanza_key_ids: tuple[str, ...]

    def __repr__(self) -> str:  # report content stays out of logs and tracebacks
        return f"OpenedReport(report_id={self.report_id})"

    @property
    def initial_consent(self) -> Mapping[str, Any] | None:
        consent = self.fields.get("consent")
        return consent if isinstance(consent, Mapping) else None


def _decode_report(plaintext: bytes) -> dict[str, Any]:
    raw = unpad(plaintext)
    try:
        value = json.loads(raw.decode("utf-8"))
        if not isinstance(value, dict) or canonical_json(value) != raw:
            raise ValueError("not canonical JSON")
        if set(value) != {"fields", "attachments", "reporter"}:
            raise ValueError("unexpected top-level members")
        if not isinstance(value["fields"], dict) or not isinstance(value["attachments"], list):
            raise ValueError("fields is an object and attachments a list")
        reporter = value["reporter"]
        keys = (b64decode(reporter["signing_pk"]), b64decode(reporter["reply_pk"]))
        if set(reporter) != {"signing_pk", "reply_pk"} or any(len(k) != KEY_BYTES for k in keys):
            raise ValueError("reporter keys are two 32-byte keys")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, BadEncoding) as exc:
        raise FieldsMalformed(f"the report plaintext is malformed: {exc}") from None
    return value


def open_report(
    envelope: bytes,
    key_id: str,
    reviewer_sk: bytes,
    bundle: VerifiedBundle,
    blob_reader: BlobReader | None = None,
    *,
    stored_blob_ids: Collection[str] | None = None,
    grant: Mapping[str, Any] | None = None,
    grant_bundle: VerifiedBundle | None = None,
) -> OpenedReport:
    info = parse_envelope(envelope)
    if info.type != TYPE_REPORT:
        raise UnknownType("this envelope is an event, not a report")
    report_key = unwrap_report_key(
        info, key_id, reviewer_sk, bundle, grant=grant, grant_bundle=grant_bundle
    )
    value = _decode_report(decrypt_body(report_key, info.nonce, info.body, info.header))
    attachments = _check_manifest(report_key, info, value["attachments"])
    if stored_blob_ids is not None and set(stored_blob_ids) != {a.blob_id for a in attachments}:
        raise ManifestMismatch("the stored blobs differ from the manifest (missing or extra)")
    if blob_reader is not None:
        for entry in attachments:
            verify_blob(entry, blob_reader)
    return OpenedReport(
        info.report_id, info.day, info.server_sealed, value["fields"], attachments,
        b64decode(value["reporter"]["signing_pk"]), b64decode(value["reporter"]["reply_pk"]),
        info.envelope_hash, info.header_hash, info.bundle_sha256, info.stanza_key_ids,
    )


def _check_manifest(
    report_key: bytes, info: EnvelopeInfo, manifest: list[Any]
) -> tuple[SealedAttachment, ...]:
    if not hmac.compare_digest(manifest_commitment(report_key, manifest), info.manifest_commitment):
        raise ManifestMismatch("the manifest does not match the header's commitment")
    entries = tuple(SealedAttachment.from_manifest(m) for m in manifest)
    if len({e.blob_id for e in entries}) != len(entries):
        raise ManifestMismatch("a blob is listed twice")
    for entry in entries:
        entry.check_layout()
    return entries


def _bundle_for(bundles: Any, bundle_sha256: bytes) -> VerifiedBundle:
    if isinstance(bundles, VerifiedBundle):
        return bundles
    found = bundles.get(bundle_sha256)
    if found is None:
        raise BundleMismatch("the event was sealed to a bundle not given")
    return found


def open_reporter_events(
    envelopes: Sequence[bytes],
    key_id: str,
    reviewer_sk: bytes,
    bundles: VerifiedBundle | Mapping[bytes, VerifiedBundle],
    reporter_signing_pk: bytes,
    *,
    report_id: str,
    grants: Mapping[str, Mapping[str, Any]] | None = None,
    start: tuple[int, bytes] = (0, ZERO_HASH),
) -> list[OpenedEvent]:
    """Open, verify and chain-check the reporter's events (stored order)."""
    from nacl.signing import VerifyKey

    reporter_vk = VerifyKey(reporter_signing_pk)
    events = []
    for envelope in envelopes:
        info = parse_envelope(envelope)
        if info.type != TYPE_EVENT:
            raise UnknownType("this envelope is a report, not an event")
        bundle = _bundle_for(bundles, info.bundle_sha256)
        grant = (grants or {}).get(info.header_hash.hex())
        report_key = unwrap_report_key(info, key_id, reviewer_sk, bundle, grant=grant)
        plaintext = decrypt_body(report_key, info.nonce, info.body, info.header)
        event = parse_signed_event(plaintext, reporter_vk)
        if event.report_id != info.report_id or info.report_id != report_id:
            raise EventReplay("the event belongs to another report")
        manifest = event.payload.get("attachments", [])
        if not isinstance(manifest, list):
            raise FieldsMalformed("an event's attachments is a list")
        _check_manifest(report_key, info, manifest)
        events.append(event)
    verify_chain(events, report_id=report_id, direction="reporter", start=start)
    return events

