"""Accepting a sealed report (SPEC §9 step 3): check it, then store it, all or nothing.

The intake cannot open an envelope; it runs the spec's keyless structural checks
(``vault.format.parse_envelope``), checks the envelope names the bundle this site publishes
and is sealed to exactly its triage set, and stores ciphertext plus the keyed lookup hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from intake.errors import BadRequestBody

_HEX64 = re.compile(r"[0-9a-f]{64}")
LOOKUP_ID_BYTES = 32
REPORT_TYPE = 0x01
EVENT_TYPE = 0x02


@dataclass(frozen=True)
class Submission:
    envelope: bytes
    lookup_id: bytes
    blob_ids: tuple[str, ...]

    def binding(self) -> str:
        """What the submission's proof of work pays for: the envelope itself."""
        return hashlib.sha256(self.envelope).hexdigest()


def parse_submission(body: dict, max_files: int) -> Submission:
    from vault.canonical import b64decode
    from vault.errors import BadEncoding

    try:
        envelope = b64decode(body.get("envelope"))  # type: ignore[arg-type]
        lookup_id = b64decode(body.get("lookup_id"))  # type: ignore[arg-type]
    except BadEncoding:
        raise BadRequestBody("envelope and lookup_id must be unpadded base64url") from None
    if len(lookup_id) != LOOKUP_ID_BYTES:
        raise BadRequestBody("lookup_id must be 32 bytes")
    return Submission(envelope, lookup_id, parse_blob_ids(body.get("blobs", []), max_files))


def parse_blob_ids(blobs: object, max_files: int) -> tuple[str, ...]:
    if not isinstance(blobs, list) or not all(
        isinstance(b, str) and _HEX64.fullmatch(b) for b in blobs
    ):
        raise BadRequestBody("blobs must be a list of 64-hex-digit blob ids")
    if len(blobs) > max_files:
        from intake.errors import TooLarge

        raise TooLarge(f"at most {max_files} files per report")
    if len(set(blobs)) != len(blobs):
        raise BadRequestBody("a blob is listed twice")
    return tuple(blobs)


def checked_envelope(envelope: bytes, bundle, *, expected_type: int, server_sealed: bool):
    """Parse and check an envelope against the published bundle; raise the spec's errors."""
    from vault.errors import BundleMismatch, MalformedHeader, StanzaSetMismatch, UnknownType
    from vault.format import parse_envelope

    parsed = parse_envelope(envelope)
    if parsed.type != expected_type:
        raise UnknownType("this endpoint takes another envelope type")
    if parsed.bundle_sha256 != bundle.sha256:
        raise BundleMismatch("the envelope names a bundle this site does not publish")
    if sorted(parsed.stanza_key_ids) != sorted(bundle.triage):
        raise StanzaSetMismatch("the envelope is not sealed to the bundle's triage set")
    if parsed.server_sealed != server_sealed:
        raise MalformedHeader("server_sealed is set only by the server's no-JS path")
    return parsed


def add_report_row(  # noqa: PLR0917 - one row from five checked parts
    session, services, parsed, envelope: bytes, lookup: bytes, blob_ids
) -> str:
    from vault import store
    from vault.canonical import utc_day

    record = store.add_report(
        session,
        report_id=parsed.report_id,
        day=utc_day(),
        envelope=envelope,
        bundle_serial=services.bundle.serial,
        server_sealed=bool(parsed.server_sealed),
        lookup_hash=lookup,
        stanzas={s.key_id.hex(): s.sealed_key for s in parsed.stanzas},
        blob_ids=tuple(blob_ids),
    )
    return record.id


def store_report(services, parsed, envelope: bytes, lookup: bytes, blob_ids) -> str:
    from vault.db import transaction

    with transaction(services.sessions) as session:
        return add_report_row(session, services, parsed, envelope, lookup, blob_ids)


def accept_submission(services, body: dict) -> str:
    from vault.blobs import check_free_space

    check_free_space(services.config.blob_dir, services.intake_config.min_free_disk_bytes)
    submission = parse_submission(body, services.intake_config.max_files)
    from intake.request_body import pow_fields

    challenge, counter = pow_fields(body)
    services.pow.verify(challenge, counter, scope="submit", binding=submission.binding())
    parsed = checked_envelope(submission.envelope, services.bundle,
                              expected_type=REPORT_TYPE, server_sealed=False)
    from vault.receipts import lookup_hash

    return store_report(services, parsed, submission.envelope,
                        lookup_hash(services.pepper, submission.lookup_id), submission.blob_ids)
