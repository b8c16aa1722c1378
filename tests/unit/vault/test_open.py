"""vault.open and vault.access: opening, grants, revocation, re-seal, custody, events."""

import pytest

from vault.attachments import seal_attachment_bytes
from vault.bundle import verify_bundle
from vault.canonical import b64decode, verify
from vault.errors import (
    BundleMismatch,
    EventReplay,
    GrantInvalid,
    HeaderMacMismatch,
    ManifestMismatch,
    NoStanzaForKey,
    UnknownType,
)
from vault.events import ZERO_HASH
from vault.open import (
    custody_record,
    grant_access,
    open_report,
    open_reporter_events,
    reseal_envelope,
    sign_custody_record,
)
from vault.receipts import keys_from_master
from vault.seal import seal_report, seal_reporter_event
from vault.testkit import make_keyset

KEYS = make_keyset(seed=b"unit-open")
BUNDLE = KEYS.verified()
RECEIPT = keys_from_master(b"o" * 32)
TRIAGE = [r for r in KEYS.reviewers if r.key_id in KEYS.triage]
OUTSIDER = next(r for r in KEYS.reviewers if r.key_id not in KEYS.triage)
DAY = "2026-01-10"
BLOB, ENTRY = seal_attachment_bytes("photo.jpg", "image/jpeg", b"\xff\xd8" + bytes(3000))
SEALED = seal_report({"narrative": "n"}, [ENTRY], BUNDLE, RECEIPT, day=DAY, server_sealed=False)


def _open(envelope: bytes, reviewer=TRIAGE[0], bundle=BUNDLE, **kw):  # type: ignore[no-untyped-def]
    return open_report(envelope, reviewer.key_id, reviewer.x25519_sk, bundle, **kw)


def test_grant_opens_for_the_assignee_and_revocation_removes_it() -> None:
    with pytest.raises(NoStanzaForKey):
        _open(SEALED.envelope, OUTSIDER)
    grant = grant_access(SEALED.envelope, TRIAGE[0].key_id, TRIAGE[0].x25519_sk, BUNDLE,
                         OUTSIDER.key_id, granter=TRIAGE[0], day=DAY)
    assert _open(SEALED.envelope, OUTSIDER, grant=grant).fields == {"narrative": "n"}
    # Revocation = deleting the record: without it the assignee is back to no access.
    with pytest.raises(NoStanzaForKey):
        _open(SEALED.envelope, OUTSIDER)


def test_tampered_grants_are_refused() -> None:
    grant = grant_access(SEALED.envelope, TRIAGE[0].key_id, TRIAGE[0].x25519_sk, BUNDLE,
                         OUTSIDER.key_id, granter=TRIAGE[0], day=DAY)
    relabelled = {**grant, "grant": {**grant["grant"], "key_id": TRIAGE[1].key_id}}
    with pytest.raises(GrantInvalid):
        _open(SEALED.envelope, TRIAGE[1], grant=relabelled)
    with pytest.raises(GrantInvalid):
        _open(SEALED.envelope, TRIAGE[1], grant=grant)  # made for another key
    other = seal_report({}, [], BUNDLE, RECEIPT, day=DAY, server_sealed=False)
    with pytest.raises(GrantInvalid):
        _open(other.envelope, OUTSIDER, grant=grant)


def test_header_mac_is_checked_on_the_grant_path_too() -> None:
    grant = grant_access(SEALED.envelope, TRIAGE[0].key_id, TRIAGE[0].x25519_sk, BUNDLE,
                         OUTSIDER.key_id, granter=TRIAGE[0], day=DAY)
    other = seal_report({"narrative": "other"}, [], BUNDLE, RECEIPT, day=DAY,
                        server_sealed=False, report_id=SEALED.report_id)
    forged = {**grant, "grant": {**grant["grant"]}}
    forged["grant"]["header_hash"] = bytes(32).hex()
    with pytest.raises(GrantInvalid):
        _open(other.envelope, OUTSIDER, grant=forged)


def test_reseal_moves_the_report_to_the_new_epoch() -> None:
    doc = KEYS.rebundle(serial=2, issued_at=DAY, triage=(OUTSIDER.key_id,))
    new_bundle = verify_bundle(doc, KEYS.fingerprint, today=DAY, min_serial=2)
    resealed = reseal_envelope(SEALED.envelope, TRIAGE[0].key_id, TRIAGE[0].x25519_sk,
                               BUNDLE, new_bundle)
    opened = _open(resealed, OUTSIDER, new_bundle, blob_reader=lambda _i: BLOB)
    assert opened.report_id == SEALED.report_id
    assert opened.day == DAY
    assert opened.attachments == (ENTRY,)
    with pytest.raises(NoStanzaForKey):
        _open(resealed, TRIAGE[0], new_bundle)
    with pytest.raises(BundleMismatch):
        _open(resealed, TRIAGE[0], BUNDLE)


def test_blob_checks_and_store_listing() -> None:
    opened = _open(SEALED.envelope, blob_reader=lambda _i: BLOB,
                   stored_blob_ids=[ENTRY.blob_id])
    assert opened.attachments[0].name == "photo.jpg"
    with pytest.raises(ManifestMismatch):
        _open(SEALED.envelope, stored_blob_ids=[])
    with pytest.raises(ManifestMismatch):
        _open(SEALED.envelope, blob_reader=lambda _i: BLOB[:-1])


def test_custody_record_is_signed_by_the_reviewer() -> None:
    opened = _open(SEALED.envelope)
    record = custody_record(opened, opened.attachments[0], day=DAY)
    assert record["file_sha256"] == ENTRY.sha256
    assert record["blob_id"] == ENTRY.blob_id
    assert record["envelope_hash"] == opened.envelope_hash
    signed = sign_custody_record(record, TRIAGE[0].signing_key)
    verify("reviewer-record", signed["record"], b64decode(signed["signature"]),
           TRIAGE[0].signing_key.verify_key)


def test_reporter_events_open_in_order_and_reject_misuse() -> None:
    first = seal_reporter_event(SEALED.report_id, 1, ZERO_HASH, "message", {"text": "a"},
                                bundle=BUNDLE, receipt_keys=RECEIPT, day=DAY)
    second = seal_reporter_event(SEALED.report_id, 2, first.event_hash, "status_ack", {},
                                 bundle=BUNDLE, receipt_keys=RECEIPT, day=DAY)
    reviewer = TRIAGE[1]
    events = open_reporter_events([first.envelope, second.envelope], reviewer.key_id,
                                  reviewer.x25519_sk, {BUNDLE.sha256: BUNDLE},
                                  RECEIPT.signing_pk, report_id=SEALED.report_id)
    assert [e.type for e in events] == ["message", "status_ack"]
    with pytest.raises(EventReplay):
        open_reporter_events([first.envelope], reviewer.key_id, reviewer.x25519_sk, BUNDLE,
                             RECEIPT.signing_pk, report_id="0b2f6c1e-58a4-4b43-9d2e-1f2a3b4c5d6e")
    with pytest.raises(UnknownType):
        open_reporter_events([SEALED.envelope], reviewer.key_id, reviewer.x25519_sk, BUNDLE,
                             RECEIPT.signing_pk, report_id=SEALED.report_id)
    with pytest.raises(UnknownType):
        _open(first.envelope)
    with pytest.raises(BundleMismatch):
        open_reporter_events([first.envelope], reviewer.key_id, reviewer.x25519_sk, {},
                             RECEIPT.signing_pk, report_id=SEALED.report_id)


def test_opened_report_does_not_print_content() -> None:
    opened = _open(SEALED.envelope)
    assert "narrative" not in repr(opened)
    assert "photo" not in repr(opened.attachments[0])


def test_forged_header_mac_with_valid_stanzas_fails() -> None:
    env = bytearray(SEALED.envelope)
    mac_at = 110 + 96 * len(KEYS.triage)
    env[mac_at] ^= 0x80
    with pytest.raises(HeaderMacMismatch):
        _open(bytes(env))


def test_a_malformed_reviewer_key_is_a_named_error() -> None:
    from vault.errors import StanzaOpenFailed

    with pytest.raises(StanzaOpenFailed):
        open_report(SEALED.envelope, TRIAGE[0].key_id, b"short", BUNDLE)
