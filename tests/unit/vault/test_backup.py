"""vault.backup / vault.restore: encrypted round trip on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import uuid

import pyrage
import pytest
import sqlalchemy as sa
from nacl.signing import SigningKey

from vault import audit, blobs, reply_store, store
from vault.backup import BackupSources, create_backup, load_identities
from vault.db import make_engine, migrate, session_factory, transaction
from vault.errors import BackupError
from vault.models import Event, Report
from vault.restore import restore_backup

DAY = dt.date(2026, 11, 23)


def _make_instance(root, database_url):
    (root / "keys").mkdir(parents=True)
    (root / "public").mkdir()
    (root / "haven.toml").write_text(f'instance_id = "{secrets.token_hex(16)}"\n')
    for name in ("lookup-pepper.key", "audit-target.key", "totp-wrap.key", "session-secret.key"):
        (root / "keys" / name).write_text(os.urandom(32).hex())
    (root / "keys" / "checkpoint.key").write_text('{"runtime": "signing key"}')
    (root / "public" / "bundle.json").write_text('{"serial": 1}')
    migrate(database_url)
    return BackupSources(root, "0" * 32, database_url, root / "blobs", root / "public",
                         root / "keys")


def _seed(database_url, blob_dir, checkpoint):
    engine = make_engine(database_url)
    factory = session_factory(engine)
    backend = blobs.FileBlobBackend(blob_dir)
    report_id = str(uuid.uuid4())
    with transaction(factory) as session:
        blob = blobs.write_blob(session, backend, [os.urandom(3000)], chunk_count=1, day=DAY)
        store.add_report(session, report_id=report_id, day=DAY, envelope=os.urandom(500),
                         bundle_serial=1, server_sealed=False, lookup_hash=os.urandom(32),
                         stanzas={"rev-a": os.urandom(80)}, blob_ids=[blob.blob_id])
        store.add_event(session, report_id, "from_reporter", 0, os.urandom(256), DAY)
        reply_store.set_reporter_head(session, report_id, os.urandom(80), DAY)
        audit.append(session, actor="system", action="report.receive",
                     target=audit.target_hash(bytes(32), report_id), day=DAY)
        audit.sign_head(session, checkpoint, DAY)
    engine.dispose()
    return report_id, blob.blob_id


def _snapshot(database_url):
    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = {
            "reports": conn.execute(sa.select(Report.id, Report.envelope, Report.lookup_hash,
                                              Report.reporter_head)).all(),
            "events": conn.execute(sa.select(Event.seq, Event.sealed)).all(),
        }
    engine.dispose()
    return rows


@pytest.fixture
def custodians():
    return [pyrage.x25519.Identity.generate() for _ in range(2)]


def test_round_trip_keeps_ciphertext_and_audit_chain(tmp_path, database_url, custodians,
                                                     spare_database_url):
    sources = _make_instance(tmp_path / "live", database_url)
    checkpoint = SigningKey.generate()
    report_id, blob_id = _seed(database_url, sources.blob_dir, checkpoint)
    archive = tmp_path / "vault.age"
    summary = create_backup(sources, archive, [str(c.to_public())
                                               for c in custodians])
    assert (summary.blobs, summary.recipients) == (1, 2)
    raw = archive.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1")
    assert b"haven.toml" not in raw

    identity_file = tmp_path / "custodian-2.txt"
    identity_file.write_text(f"# custodian two\n{custodians[1]}\n")
    restored = tmp_path / "restored"
    result = restore_backup(archive, load_identities(identity_file), restored,
                            database_url=spare_database_url)
    assert result.blobs == 1
    restored_url = spare_database_url or f"sqlite:///{restored / 'vault.db'}"
    assert _snapshot(restored_url) == _snapshot(database_url)
    original = sources.blob_dir / blob_id[:2] / blob_id[2:4] / blob_id
    copy = restored / "blobs" / blob_id[:2] / blob_id[2:4] / blob_id
    assert copy.read_bytes() == original.read_bytes()
    assert copy.stat().st_mtime == blobs.midnight_utc(DAY)
    # No session secret, no signing keys.
    assert sorted(p.name for p in (restored / "keys").iterdir()) == [
        "audit-target.key", "lookup-pepper.key", "totp-wrap.key"]
    assert (restored / "public" / "bundle.json").read_text() == '{"serial": 1}'
    engine = make_engine(restored_url)
    try:
        with session_factory(engine)() as session:
            assert audit.verify_log(session, checkpoint.verify_key).size == 1
            # The reporter's sealed chain head came along: their next event can chain on.
            kept = reply_store.reporter_head(session, report_id)
            assert kept is not None
            assert len(kept) == 80
            assert store.get_report(session, report_id).blob_ids == (blob_id,)
        with transaction(session_factory(engine)) as session:  # sequences still work
            store.add_event(session, report_id, "to_reporter", 0, b"reply", DAY)
    finally:
        engine.dispose()


def test_one_recipient_is_not_enough(tmp_path, database_url, custodians):
    sources = _make_instance(tmp_path / "live", database_url)
    with pytest.raises(BackupError):
        create_backup(sources, tmp_path / "x.age", [str(custodians[0].to_public())])
    with pytest.raises(BackupError):
        create_backup(sources, tmp_path / "x.age", ["age1notakey", "age1neither"])
    assert not (tmp_path / "x.age").exists()


def test_wrong_key_or_damaged_archive_restores_nothing(tmp_path, database_url, custodians,
                                                       spare_database_url):
    sources = _make_instance(tmp_path / "live", database_url)
    _seed(database_url, sources.blob_dir, SigningKey.generate())
    archive = tmp_path / "vault.age"
    create_backup(sources, archive, [str(c.to_public()) for c in custodians])
    stranger = pyrage.x25519.Identity.generate()
    with pytest.raises(BackupError):
        restore_backup(archive, [stranger], tmp_path / "r1", database_url=spare_database_url)
    truncated = tmp_path / "truncated.age"
    truncated.write_bytes(archive.read_bytes()[:-200])
    with pytest.raises(BackupError):
        restore_backup(truncated, [custodians[0]], tmp_path / "r2", database_url=spare_database_url)
    assert not (tmp_path / "r1").exists()
    assert not (tmp_path / "r2").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r")] == []


def test_restore_refuses_a_non_empty_target(tmp_path, database_url, custodians):
    sources = _make_instance(tmp_path / "live", database_url)
    archive = tmp_path / "vault.age"
    create_backup(sources, archive, [str(c.to_public()) for c in custodians])
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "haven.toml").write_text("keep me")
    with pytest.raises(BackupError):
        restore_backup(archive, [custodians[0]], occupied)
    assert (occupied / "haven.toml").read_text() == "keep me"
