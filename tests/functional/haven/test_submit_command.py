"""`haven submit`: verify the pinned bundle, seal locally, upload, submit (vault/SPEC.md §9)."""

import hashlib
import json
import os
from pathlib import Path

import pytest
import requests

from haven.commands.submit import prepare_submission, send
from haven.config import load_config
from haven.instance import AccountSpec, create_instance
from intake.pow import solve as solve_pow
from vault.errors import BundleRolledBack, FingerprintMismatch
from vault.format import CHUNK_SIZE, check_upload_chunk
from vault.open import open_attachment, open_report
from vault.testkit import make_keyset

KEYS = make_keyset(seed=b"functional-submit")
FIELDS = {"narrative": "Arrêté à l'aéroport après la session.", "un_link": "yes"}


def _files(tmp_path: Path) -> list[Path]:
    paths = []
    for name, size in [("photo.jpg", 3000), ("audio.ogg", 2 * CHUNK_SIZE + 17)]:
        path = tmp_path / name
        path.write_bytes(os.urandom(size))
        paths.append(path)
    return paths


def test_prepared_submission_opens_for_the_triage_set(tmp_path: Path) -> None:
    paths = _files(tmp_path)
    prepared = prepare_submission(FIELDS, paths, KEYS.doc, fingerprint=KEYS.fingerprint,
                                  instance_id="ab" * 16, today=KEYS.today, min_serial=1,
                                  workdir=tmp_path)
    body = prepared.body()
    assert set(body) == {"envelope", "lookup_id", "blobs"}
    assert FIELDS["narrative"].encode() not in prepared.envelope
    reviewer = next(r for r in KEYS.reviewers if r.key_id in KEYS.triage)
    blobs = {f.entry.blob_id: f for f in prepared.files}
    opened = open_report(prepared.envelope, reviewer.key_id, reviewer.x25519_sk,
                         KEYS.verified(), lambda i: blobs[i].ciphertext_path.open("rb"),
                         stored_blob_ids=body["blobs"])
    assert opened.fields == FIELDS
    assert opened.report_id == prepared.report_id
    for entry, path in zip(opened.attachments, paths, strict=True):
        assert entry.name == path.name
        content = b"".join(open_attachment(entry, lambda i: blobs[i].ciphertext_path.read_bytes()))
        assert hashlib.sha256(content).digest() == hashlib.sha256(path.read_bytes()).digest()
    for sealed in prepared.files:
        for index, chunk in enumerate(sealed.wire_chunks()):
            check_upload_chunk(index, chunk, sealed.entry.chunk_count)


def test_refuses_an_unpinned_or_rolled_back_bundle(tmp_path: Path) -> None:
    other = make_keyset(seed=b"functional-submit-other")
    with pytest.raises(FingerprintMismatch):
        prepare_submission(FIELDS, [], KEYS.doc, fingerprint=other.fingerprint,
                           instance_id="ab" * 16, today=KEYS.today, min_serial=1,
                           workdir=tmp_path)
    with pytest.raises(BundleRolledBack):
        prepare_submission(FIELDS, [], KEYS.doc, fingerprint=KEYS.fingerprint,
                           instance_id="ab" * 16, today=KEYS.today, min_serial=2,
                           workdir=tmp_path)


def test_pow_solution_meets_the_difficulty() -> None:
    counter = solve_pow("v1.abc", "00" * 32, 10)
    digest = hashlib.sha256(f"v1.abc\n{'00' * 32}\n{counter}".encode()).digest()
    assert int.from_bytes(digest, "big") >> (256 - 10) == 0


def test_end_to_end_against_the_intake(tmp_path: Path, database_url: str, live_server) -> None:  # type: ignore[no-untyped-def]
    from intake.app import create_app
    from vault import store
    from vault.blobs import backend_for
    from vault.bundle import verify_bundle
    from vault.canonical import utc_day
    from vault.db import make_engine, session_factory, transaction

    fast = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
    created = create_instance(
        tmp_path / "inst", org_id="org-e2e", database_url=database_url, password_settings=fast,
        accounts_to_create=[AccountSpec("ana", "verifier", "correct horse battery 9",
                                        passphrase="a long key passphrase 1")],
        extra_config="[intake]\npow_difficulty = 2\npow_max_difficulty = 4\n"
                     "min_free_disk_bytes = 0\nnojs_delay_seconds = 0\n",
    )
    config = load_config({}, instance_dir=tmp_path / "inst")
    doc = json.loads(config.bundle_path.read_text())
    paths = _files(tmp_path)
    prepared = prepare_submission(FIELDS, paths, doc, fingerprint=created.fingerprint,
                                  instance_id=config.instance_id, today=utc_day(),
                                  min_serial=1, workdir=tmp_path)
    with live_server(create_app(config)) as base_url, requests.Session() as session:
        report_id = send(prepared, base_url, session)
    assert report_id == prepared.report_id
    engine = make_engine(config.database_url)
    with transaction(session_factory(engine)) as db:
        record = store.get_report(db, report_id)
    engine.dispose()
    assert record.envelope == prepared.envelope
    pair = created.reviewer_keys["ana"]
    bundle = verify_bundle(doc, created.fingerprint, today=utc_day(), min_serial=1)
    backend = backend_for(config.blob_dir)
    opened = open_report(record.envelope, pair.key_id, pair.x25519_sk, bundle, backend.open,
                         stored_blob_ids=record.blob_ids)
    assert opened.fields == FIELDS
    assert [a.name for a in opened.attachments] == [p.name for p in paths]
