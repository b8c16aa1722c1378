"""vault.seal → vault.open: round trips (hypothesis) and single-byte mutations."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.attachments import open_attachment, seal_attachment_bytes
from vault.errors import FieldsMalformed, FieldsTooLarge, VaultError
from vault.format import CHUNK_SIZE
from vault.open import open_report
from vault.receipts import keys_from_master
from vault.seal import seal_report, seal_reporter_event
from vault.testkit import make_keyset

KEYS = make_keyset(seed=b"unit-seal")
BUNDLE = KEYS.verified()
RECEIPT = keys_from_master(b"r" * 32)
TRIAGE = [r for r in KEYS.reviewers if r.key_id in KEYS.triage]
DAY = "2026-01-10"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=12,
)


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_values, max_size=6),
       st.lists(st.sampled_from([0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1]),
                max_size=2))
def test_seal_then_open_is_identity(fields: dict, sizes: list[int]) -> None:
    files = [os.urandom(n) for n in sizes]
    sealed_files = [seal_attachment_bytes(f"f{i}", "application/octet-stream", data)
                    for i, data in enumerate(files)]
    blobs = {entry.blob_id: blob for blob, entry in sealed_files}
    sealed = seal_report(fields, [e for _b, e in sealed_files], BUNDLE, RECEIPT, day=DAY,
                         server_sealed=False)
    for reviewer in TRIAGE:
        opened = open_report(sealed.envelope, reviewer.key_id, reviewer.x25519_sk, BUNDLE,
                             blobs.__getitem__, stored_blob_ids=list(blobs))
        assert opened.report_id == sealed.report_id
        assert opened.reporter_signing_pk == RECEIPT.signing_pk
        assert opened.reporter_reply_pk == RECEIPT.reply_pk
        got = [b"".join(open_attachment(e, blobs.__getitem__)) for e in opened.attachments]
        assert got == files
    from vault.canonical import canonical_json
    assert canonical_json(opened.fields) == canonical_json(fields)


def test_every_single_byte_mutation_is_rejected() -> None:
    # All positions of a small envelope (about 1.4 kB), each flipped in one bit.
    sealed = seal_report({"narrative": "short"}, [], BUNDLE, RECEIPT, day=DAY,
                         server_sealed=False)
    reviewer = TRIAGE[0]
    envelope = sealed.envelope
    for position in range(len(envelope)):
        mutated = bytearray(envelope)
        mutated[position] ^= 0x01
        with pytest.raises(VaultError):
            open_report(bytes(mutated), reviewer.key_id, reviewer.x25519_sk, BUNDLE)


def test_sealing_uses_the_triage_set_only() -> None:
    sealed = seal_report({}, [], BUNDLE, RECEIPT, day=DAY, server_sealed=False)
    outsider = next(r for r in KEYS.reviewers if r.key_id not in KEYS.triage)
    with pytest.raises(VaultError) as caught:
        open_report(sealed.envelope, outsider.key_id, outsider.x25519_sk, BUNDLE)
    assert caught.value.code == "no_stanza_for_key"


def test_plaintext_is_not_in_the_envelope() -> None:
    marker = "UNIQUE-MARKER-Ω-42"
    sealed = seal_report({"narrative": marker}, [], BUNDLE, RECEIPT, day=DAY,
                         server_sealed=False)
    assert marker.encode() not in sealed.envelope
    assert RECEIPT.signing_pk not in sealed.envelope


def test_sizes_fall_in_buckets() -> None:
    small = seal_report({"n": "a"}, [], BUNDLE, RECEIPT, day=DAY, server_sealed=False)
    other = seal_report({"n": "a" * 300}, [], BUNDLE, RECEIPT, day=DAY, server_sealed=False)
    assert len(small.envelope) == len(other.envelope)


@pytest.mark.parametrize("value", [2**53, float("nan"), b"bytes", {1, 2}])
def test_fields_outside_json_are_refused_by_name(value: object) -> None:
    with pytest.raises(FieldsMalformed):
        seal_report({"n": value}, [], BUNDLE, RECEIPT, day=DAY, server_sealed=False)


def test_oversized_fields_are_refused() -> None:
    with pytest.raises(FieldsTooLarge):
        seal_report({"n": "a" * (4 * 1024 * 1024)}, [], BUNDLE, RECEIPT, day=DAY,
                    server_sealed=False)


def test_reporter_events_refuse_reviewer_types() -> None:
    with pytest.raises(ValueError, match="reporter"):
        seal_reporter_event("8c6e1bd5-5b5b-4a4e-9d7e-0b1c2d3e4f50", 1, bytes(32), "reply", {},
                            bundle=BUNDLE, receipt_keys=RECEIPT, day=DAY)
