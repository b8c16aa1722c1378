"""Run every vault/testdata vector through the Python implementation (vault/SPEC.md §11)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from vault.attachments import SealedAttachment, open_attachment
from vault.bundle import verify_bundle
from vault.canonical import b64decode, b64encode
from vault.errors import VaultError
from vault.format import check_blob_declaration, check_upload_chunk
from vault.kdf import derive
from vault.open import open_report, open_reporter_events
from vault.padding import padme
from vault.receipts import (
    ReceiptKeys,
    derive_receipt_keys,
    normalise_receipt,
    receipt_master,
    receipt_salt,
)
from vault.reporter_open import open_reviewer_events

TESTDATA = Path(__file__).resolve().parents[2] / "vault" / "testdata"
VECTORS = sorted(TESTDATA.glob("*.json"))
EVERY_CODE = {
    "unknown_version", "unknown_type", "bad_length", "truncated", "trailing_data",
    "malformed_header", "bundle_mismatch", "stanza_set_mismatch", "no_stanza_for_key",
    "stanza_open_failed", "header_mac_mismatch", "fields_auth_failed", "bad_padding",
    "fields_malformed", "manifest_mismatch", "grant_invalid", "chunk_auth_failed",
    "stream_truncated", "stream_extended", "plaintext_hash_mismatch", "upload_chunk_invalid",
    "bundle_malformed", "fingerprint_mismatch", "subkey_not_certified", "subkey_expired",
    "bundle_signature_bad", "bundle_not_yet_valid", "bundle_expired", "bundle_rolled_back",
    "receipt_invalid", "event_signature_bad", "event_sequence_gap", "event_replay",
    "event_reordered", "event_fork", "unknown_signer",
}


def _bundle(inputs: dict[str, Any]) -> Any:
    return verify_bundle(inputs["bundle"], inputs["fingerprint"], today=inputs["today"],
                         min_serial=inputs["min_serial"])


def run_kdf(inputs: dict[str, Any]) -> Any:
    key = bytes.fromhex(inputs["key"])
    for row in inputs["derivations"]:
        got = derive(row["context"].encode(), key, row["size"], row["subkey_id"])
        assert got.hex() == row["output"]


def run_receipt(inputs: dict[str, Any]) -> Any:
    canonical = normalise_receipt(inputs["receipt"])
    for variant in inputs.get("variants", []):
        assert normalise_receipt(variant) == canonical, variant
    keys = derive_receipt_keys(inputs["receipt"], inputs["instance_id"])
    return {
        "canonical": canonical.hex(),
        "salt": receipt_salt(inputs["instance_id"]).hex(),
        "master": receipt_master(inputs["receipt"], inputs["instance_id"]).hex(),
        "lookup_id": b64encode(keys.lookup_id),
        "reply_pk": b64encode(keys.reply_pk),
        "signing_pk": b64encode(keys.signing_pk),
    }


def run_padme(inputs: dict[str, Any]) -> Any:
    return [padme(n) for n in inputs["sizes"]]


def run_upload(inputs: dict[str, Any]) -> Any:
    check_blob_declaration(inputs["ct_len"], inputs["chunk_count"])
    for index, length in inputs["chunks"]:
        check_upload_chunk(index, bytes(length), inputs["chunk_count"])


def run_bundle(inputs: dict[str, Any]) -> Any:
    bundle = _bundle(inputs)
    return {"serial": bundle.serial, "sha256": bundle.sha256.hex(), "triage": list(bundle.triage)}


def run_envelope(inputs: dict[str, Any]) -> Any:
    blobs = {k: b64decode(v) for k, v in inputs["blobs"].items()}
    opened = open_report(
        b64decode(inputs["envelope"]), inputs["key_id"], bytes.fromhex(inputs["x25519_sk"]),
        _bundle(inputs), blobs.__getitem__, stored_blob_ids=inputs.get("stored_blob_ids"),
        grant=inputs.get("grant"),
    )
    files = []
    for entry in opened.attachments:
        content = b"".join(open_attachment(entry, blobs.__getitem__))
        files.append({"blob_id": entry.blob_id, "name": entry.name, "type": entry.type,
                      "size": entry.size, "sha256": entry.sha256, "content": b64encode(content)})
    return {
        "report_id": opened.report_id, "day": opened.day, "server_sealed": opened.server_sealed,
        "fields": opened.fields, "attachments": files,
        "reporter": {"signing_pk": b64encode(opened.reporter_signing_pk),
                     "reply_pk": b64encode(opened.reporter_reply_pk)},
    }


def run_attachment(inputs: dict[str, Any]) -> Any:
    entry = SealedAttachment.from_manifest(inputs["entry"])
    blob = b64decode(inputs["blob"])
    content = b"".join(open_attachment(entry, lambda _blob_id: blob))
    out: dict[str, Any] = {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    if len(content) <= 1024:
        out["content"] = b64encode(content)
    return out


def run_events(inputs: dict[str, Any]) -> Any:
    events = open_reporter_events(
        [b64decode(e) for e in inputs["envelopes"]], inputs["key_id"],
        bytes.fromhex(inputs["x25519_sk"]), _bundle(inputs),
        b64decode(inputs["reporter_signing_pk"]), report_id=inputs["report_id"],
    )
    return [{"seq": e.seq, "type": e.type, "payload": e.payload} for e in events]


def run_reviewer_events(inputs: dict[str, Any]) -> Any:
    from nacl.signing import SigningKey

    keys = ReceiptKeys(b"", bytes.fromhex(inputs["reply_sk"]), bytes.fromhex(inputs["reply_pk"]),
                       SigningKey(bytes(32)), b"")
    events = open_reviewer_events([b64decode(s) for s in inputs["sealed"]], keys,
                                  _bundle(inputs), report_id=inputs["report_id"],
                                  from_first_present=bool(inputs.get("from_first_present")))
    return [{"seq": e.seq, "type": e.type, "payload": e.payload, "signer": e.signer_key_id}
            for e in events]


def run_audit_action(inputs: dict[str, Any]) -> Any:
    from nacl.signing import VerifyKey

    from vault.action_signature import parse_header, report_digest, verify_action

    signed = parse_header(inputs["header"])
    verify_action(signed, VerifyKey(b64decode(inputs["ed25519_pk"])))
    assert signed.statement.report == report_digest(inputs["report_id"])
    return {**signed.statement.payload(), "report_digest": report_digest(inputs["report_id"]),
            "statement_sha256": signed.statement.sha256()}


RUNNERS = {
    "kdf": run_kdf, "receipt": run_receipt, "padme": run_padme, "upload": run_upload,
    "bundle": run_bundle, "envelope": run_envelope, "attachment": run_attachment,
    "events": run_events, "reviewer_events": run_reviewer_events,
    "audit_action": run_audit_action,
}


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector(path: Path) -> None:
    vector = json.loads(path.read_text("utf-8"))
    runner = RUNNERS[vector["kind"]]
    if vector["expect"] == "success":
        result = runner(vector["inputs"])
        if "plaintext" in vector:
            assert result == vector["plaintext"]
    else:
        with pytest.raises(VaultError) as caught:
            runner(vector["inputs"])
        assert caught.value.code == vector["expect"], str(caught.value)


def test_every_reject_rule_has_a_vector() -> None:
    expected = {json.loads(p.read_text("utf-8"))["expect"] for p in VECTORS}
    assert EVERY_CODE - expected == set()
    assert len(VECTORS) >= 30


def test_vectors_are_reproducible() -> None:
    spec = importlib.util.spec_from_file_location("haven_vector_generator",
                                                  TESTDATA / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    files = generator.build_all()
    assert sorted(files) == [p.name for p in VECTORS]
    for name, value in files.items():
        assert generator.render(value) == (TESTDATA / name).read_text("utf-8"), name


def test_two_key_collision_vector_is_a_real_collision() -> None:
    """The body authenticates under both keys: only the header MAC check stops it (S2)."""
    import nacl.bindings as sodium

    from vault.crypto import check_header_mac
    from vault.errors import HeaderMacMismatch
    from vault.format import parse_envelope
    from vault.kdf import CTX_FIELDS

    inputs = json.loads((TESTDATA / "envelope-two-key-collision.json").read_text("utf-8"))
    inputs = inputs["inputs"]
    info = parse_envelope(b64decode(inputs["envelope"]))
    k1, k2 = (bytes.fromhex(k) for k in inputs["collision_keys"])
    plaintexts = [
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            info.body, info.header, info.nonce, derive(CTX_FIELDS, key))
        for key in (k1, k2)
    ]
    assert plaintexts[0] != plaintexts[1]
    check_header_mac(k1, info.header, info.header_mac)
    with pytest.raises(HeaderMacMismatch):
        check_header_mac(k2, info.header, info.header_mac)
