"""Fixtures for the intake's functional tests: a real instance (keys, signed bundle, migrated
vault database) in a temporary directory, and the intake app built from it."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from haven.config import HavenConfig, config_from_mapping


@dataclass(frozen=True)
class IntakeInstance:
    config: HavenConfig
    reviewers: dict  # key id -> vault.keys.ReviewerKeyPair (private keys, for opening in tests)
    fingerprint: str


def build_instance(directory: Path, database_url: str, intake: dict | None = None,
                   reviewers: int = 2) -> IntakeInstance:
    from vault.bundle import build_bundle
    from vault.canonical import b64encode, utc_day
    from vault.db import migrate
    from vault.keys import ReviewerKeyPair, add_days, certify_subkey, fingerprint, generate_root

    org_id = "haven-test-org"
    today = utc_day()
    root = generate_root()
    bundle_sk, certificate = certify_subkey(root, "bundle", add_days(today, 365), org_id)
    pairs = [ReviewerKeyPair.generate() for _ in range(reviewers)]
    document = build_bundle(
        serial=1, issued_at=today, expires_at=add_days(today, 30), org_id=org_id,
        keys=[p.public_entry("reviewer", add_days(today, 365)) for p in pairs],
        triage=[p.key_id for p in pairs], bundle_sk=bundle_sk, certificate=certificate,
        root_public_key=bytes(root.verify_key),
    )
    (directory / "keys").mkdir(mode=0o700)
    (directory / "public").mkdir()
    (directory / "keys" / "lookup-pepper.key").write_text(secrets.token_hex(32))
    (directory / "public" / "bundle.json").write_text(json.dumps(document))
    root_fp = fingerprint(root.verify_key)
    (directory / "public" / "organisation.json").write_text(json.dumps(
        {"org_id": org_id, "fingerprint": root_fp,
         "root_public_key": b64encode(bytes(root.verify_key))}))
    migrate(database_url)
    raw = {
        "instance_id": secrets.token_hex(16),
        "vault": {"database_url": database_url},
        "intake": {"pow_difficulty": 4, "pow_max_difficulty": 8, "nojs_delay_seconds": 0,
                   "min_free_disk_bytes": 0, **(intake or {})},
    }
    config = config_from_mapping(raw, directory)
    return IntakeInstance(config, {p.key_id: p for p in pairs}, root_fp)


@pytest.fixture
def intake_instance(tmp_path: Path, database_url: str) -> IntakeInstance:
    return build_instance(tmp_path, database_url)


@pytest.fixture
def intake_app(intake_instance):
    from intake.app import create_app

    app = create_app(intake_instance.config)
    assert "haven_intake" in app.extensions, "the test instance must not fail closed"
    return app


@pytest.fixture
def intake_client(intake_app):
    return intake_app.test_client()


# --- helpers the tests call (a sealing client in Python, as `haven submit` is) ----------


def verified_bundle(instance: IntakeInstance):
    from vault.bundle import verify_bundle
    from vault.canonical import utc_day

    doc = json.loads(instance.config.bundle_path.read_text())
    return verify_bundle(doc, instance.fingerprint, today=utc_day(), min_serial=1)


def solve_pow(client, scope: str, binding: str) -> dict:
    from intake.pow import solve

    challenge = client.get(f"/api/v1/pow?scope={scope}").get_json()
    return {"challenge": challenge["challenge"],
            "counter": solve(challenge["challenge"], binding, challenge["difficulty"])}


def sealed_report(instance: IntakeInstance, fields: dict, attachments=(), *, receipt=None,
                  bundle=None, server_sealed: bool = False):
    from vault.canonical import utc_day
    from vault.receipts import derive_receipt_keys, new_receipt
    from vault.seal import seal_report

    receipt = receipt or new_receipt()
    keys = derive_receipt_keys(receipt, instance.config.instance_id)
    sealed = seal_report(fields, list(attachments), bundle or verified_bundle(instance), keys,
                         day=utc_day(), server_sealed=server_sealed)
    return sealed, keys, receipt


def submission_body(client, envelope: bytes, lookup_id: bytes, blobs=()) -> dict:
    import hashlib

    from vault.canonical import b64encode

    return {"envelope": b64encode(envelope), "lookup_id": b64encode(lookup_id),
            "blobs": list(blobs),
            "pow": solve_pow(client, "submit", hashlib.sha256(envelope).hexdigest())}


def upload_blob(client, blob: bytes, entry) -> str:
    """Declare and PUT a sealed attachment's wire chunks; returns the upload id."""
    import hashlib

    declaration = {"blob_id": entry.blob_id, "ct_len": entry.ct_len,
                   "chunk_count": entry.chunk_count}
    binding = hashlib.sha256(
        f"{entry.blob_id}:{entry.ct_len}:{entry.chunk_count}".encode()).hexdigest()
    response = client.post("/api/v1/uploads",
                           json={**declaration, "pow": solve_pow(client, "upload", binding)})
    assert response.status_code == 201, response.get_json()
    upload_id = response.get_json()["upload_id"]
    for index, chunk in enumerate(wire_chunks(blob)):
        put = client.put(f"/api/v1/uploads/{upload_id}/chunks/{index}", data=chunk,
                         content_type="application/octet-stream")
        assert put.status_code == 204, put.get_json()
    return upload_id


def wire_chunks(blob: bytes) -> list[bytes]:
    """SPEC §4.6 on the wire: the 24-byte stream header, then 65,553-byte chunks."""
    from vault.format import CHUNK_CT_SIZE, STREAM_HEADER_SIZE

    body = blob[STREAM_HEADER_SIZE:]
    return [blob[:STREAM_HEADER_SIZE]] + [
        body[i:i + CHUNK_CT_SIZE] for i in range(0, len(body), CHUNK_CT_SIZE)]


def open_report(instance: IntakeInstance, envelope: bytes):
    """The reviewer side's decryption (vault.open) — in tests only, never in the intake."""
    from vault import open as vault_open

    key_id, pair = next(iter(instance.reviewers.items()))
    return vault_open.open_report(envelope, key_id, pair.x25519_sk, verified_bundle(instance))


MINIMAL_FIELDS = {
    "form_version": 1,
    "un_link": {"linked": "yes"},
    "situation": {"narrative": "What happened."},
    "consent": {"scopes": {"contact": "grant"}, "given_by": "victim", "risks_explained": True,
                "day": "2026-01-01", "how": "in person"},
}


def reviewer_reply(instance: IntakeInstance, report_id: str, keys, *, seq: int,
                   prev_hash: bytes, kind: str = "reply", payload: dict | None = None,
                   status_copy: bool = False, signing_key=None, key_id: str | None = None
                   ) -> bytes:
    """What the reviewer app posts and the vault API stores: key id ‖ signed event, sealed to
    the reporter's reply key (and, for a status, its copy in ``status_sealed``). Signed by
    the instance's first reviewer unless ``signing_key``/``key_id`` say otherwise. Returns
    the event hash the next reply chains on."""
    import hashlib

    from vault import store
    from vault.canonical import utc_day
    from vault.crypto import seal_box
    from vault.db import make_engine, session_factory, transaction
    from vault.events import sign_event

    first_id, pair = next(iter(instance.reviewers.items()))
    signed = sign_event(report_id, seq, prev_hash, kind, payload or {"text": f"reply {seq}"},
                        signing_key=signing_key or pair.signing_key)
    sealed = seal_box(bytes.fromhex(key_id or first_id) + signed, keys.reply_pk)
    engine = make_engine(instance.config.database_url)
    with transaction(session_factory(engine)) as session:
        store.add_event(session, report_id, "to_reporter", seq, sealed, utc_day())
        if status_copy:
            store.set_reporter_status(session, report_id, sealed, seq, utc_day())
    engine.dispose()
    return hashlib.blake2b(signed[64:], digest_size=32).digest()


def submit_over_http(base_url: str, instance: IntakeInstance, fields: dict | None = None):
    """A sealed report submitted to a live intake at ``base_url`` as the browser does (proof
    of work, then the envelope); returns (report id, receipt keys, receipt)."""
    import hashlib

    import requests

    from intake.pow import solve
    from vault.canonical import b64encode

    sealed, keys, receipt = sealed_report(instance, fields or MINIMAL_FIELDS)
    challenge = requests.get(f"{base_url}/api/v1/pow?scope=submit", timeout=10).json()
    counter = solve(challenge["challenge"], hashlib.sha256(sealed.envelope).hexdigest(),
                    challenge["difficulty"])
    response = requests.post(f"{base_url}/api/v1/submissions", timeout=10, json={
        "envelope": b64encode(sealed.envelope), "lookup_id": b64encode(keys.lookup_id),
        "blobs": [], "pow": {"challenge": challenge["challenge"], "counter": counter}})
    assert response.status_code == 201, response.text
    return sealed.report_id, keys, receipt


@pytest.fixture
def submitted_report(intake_client, intake_instance, intake_kit):
    """A minimal report submitted through the API: (report id, receipt keys, receipt)."""
    sealed, keys, receipt = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    body = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id)
    assert intake_client.post("/api/v1/submissions", json=body).status_code == 201
    return sealed.report_id, keys, receipt


def open_inbox(client, lookup_id: bytes):
    """POST /api/v1/inbox for a lookup id, with its proof of work."""
    import hashlib

    from vault.canonical import b64encode

    pow_ = solve_pow(client, "receipt", hashlib.sha256(lookup_id).hexdigest())
    return client.post("/api/v1/inbox", json={"lookup_id": b64encode(lookup_id), "pow": pow_})


@pytest.fixture
def intake_kit():
    """The helpers above, for test modules (conftest modules are not importable by name)."""
    import types

    return types.SimpleNamespace(
        build_instance=build_instance, verified_bundle=verified_bundle, solve_pow=solve_pow,
        sealed_report=sealed_report, submission_body=submission_body, upload_blob=upload_blob,
        wire_chunks=wire_chunks, open_report=open_report, minimal_fields=MINIMAL_FIELDS,
        reviewer_reply=reviewer_reply, submit_over_http=submit_over_http,
        open_inbox=open_inbox,
    )


def count_rows(instance: IntakeInstance, table: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(instance.config.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    finally:
        engine.dispose()


@pytest.fixture
def rows():
    return count_rows
