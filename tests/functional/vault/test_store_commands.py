"""`haven audit`, `haven purge`, `haven backup` / `haven restore` on a real instance."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

import pyrage
import sqlalchemy as sa
from click.testing import CliRunner

from haven.cli import cli
from vault import audit, blobs, store
from vault.db import make_engine, migrate, session_factory, transaction
from vault.models import AuditEntry, Report

TODAY = dt.date.today()


def _run(instance, *args, env=None):
    return CliRunner().invoke(cli, list(args), env={**instance.env, **(env or {})},
                              catch_exceptions=False)


def _vault(instance):
    url = instance.env.get("HAVEN_DATABASE_URL", f"sqlite:///{instance.path / 'vault.db'}")
    migrate(url)
    engine = make_engine(url)
    return engine, session_factory(engine), blobs.FileBlobBackend(instance.path / "blobs")


def _add_report(factory, backend, instance, *, withdrawn=False):
    report_id = str(uuid.uuid4())
    with transaction(factory) as session:
        blob = blobs.write_blob(session, backend, [os.urandom(2048)], chunk_count=1, day=TODAY)
        store.add_report(session, report_id=report_id, day=TODAY, envelope=os.urandom(300),
                         bundle_serial=1, server_sealed=False, lookup_hash=os.urandom(32),
                         stanzas={"rev-a": os.urandom(80)}, blob_ids=[blob.blob_id])
        audit.append(session, actor="system", action="report.receive",
                     target=audit.target_hash(instance.audit_key, report_id))
        if withdrawn:
            store.mark_withdrawn(session, report_id, TODAY)
    return report_id, blob.blob_id


def test_audit_export_head_and_verify_detect_tampering(store_instance, tmp_path):
    engine, factory, backend = _vault(store_instance)
    for _ in range(3):
        _add_report(factory, backend, store_instance)
    head_file = tmp_path / "head.json"
    result = _run(store_instance, "audit", "export-head", "--out", str(head_file))
    assert result.exit_code == 0, result.output
    assert json.loads(head_file.read_text())["size"] == 3
    result = _run(store_instance, "audit", "verify", "--head", str(head_file))
    assert result.exit_code == 0, result.output
    assert "audit log OK: 3 entries, 1 signed heads checked" in result.output
    with transaction(factory) as session:
        session.execute(sa.update(AuditEntry).where(AuditEntry.seq == 1).values(actor="mallory"))
    result = _run(store_instance, "audit", "verify", "--head", str(head_file))
    assert result.exit_code != 0
    assert "TAMPERED" in result.output
    assert "first bad entry: 1" in result.output
    engine.dispose()


def test_purge_dry_run_then_purge(store_instance):
    engine, factory, backend = _vault(store_instance)
    gone, gone_blob = _add_report(factory, backend, store_instance, withdrawn=True)
    kept, kept_blob = _add_report(factory, backend, store_instance)
    result = _run(store_instance, "purge", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1 report(s) due" in result.output
    assert gone in result.output
    assert backend.exists(gone_blob)
    result = _run(store_instance, "purge")
    assert result.exit_code == 0, result.output
    assert "purged 1 report(s) and 1 blob file(s)" in result.output
    assert not backend.exists(gone_blob)
    assert backend.exists(kept_blob)
    with factory() as session:
        assert [r.id for r in session.scalars(sa.select(Report))] == [kept]
        actions = [e.action for e in audit.entries(session)]
        # One entry per purged report, then one for the run's reply retention (counts only).
        assert actions[-2:] == ["report.purge", "replies.purge"]
    engine.dispose()


def test_backup_and_restore_round_trip(store_instance, tmp_path, spare_database_url):
    engine, factory, backend = _vault(store_instance)
    report_id, blob_id = _add_report(factory, backend, store_instance)
    assert _run(store_instance, "audit", "export-head").exit_code == 0
    with factory() as session:
        envelope = store.get_report(session, report_id).envelope
    engine.dispose()
    custodians = [pyrage.x25519.Identity.generate() for _ in range(2)]
    archive = tmp_path / "backup.age"
    args = ["backup", "--to", str(archive)]
    for custodian in custodians:
        args += ["--recipient", str(custodian.to_public())]
    result = _run(store_instance, *args)
    assert result.exit_code == 0, result.output
    assert "1 blob(s), encrypted to 2 recipients" in result.output
    assert "destroy this backup by" in result.output
    identity = tmp_path / "custodian.key"
    identity.write_text(f"{custodians[0]}\n")
    target = tmp_path / "restored"
    restore_env = {"HAVEN_INSTANCE": str(target)}
    if spare_database_url:
        restore_env["HAVEN_DATABASE_URL"] = spare_database_url
    result = CliRunner().invoke(
        cli, ["restore", "--from", str(archive), "--identity", str(identity), str(target)],
        env=restore_env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "audit log OK: 1 entries, 1 signed heads" in result.output
    assert not (target / "keys" / "checkpoint.key").exists()
    restored_url = spare_database_url or f"sqlite:///{target / 'vault.db'}"
    restored_engine = make_engine(restored_url)
    try:
        with session_factory(restored_engine)() as session:
            assert store.get_report(session, report_id).envelope == envelope
        restored_blob = blobs.FileBlobBackend(target / "blobs")
        blobs.verify_blob(restored_blob, blob_id)
    finally:
        restored_engine.dispose()


def test_backup_needs_two_recipients(store_instance, tmp_path):
    one = str(pyrage.x25519.Identity.generate().to_public())
    result = _run(store_instance, "backup", "--to", str(tmp_path / "b.age"), "--recipient", one)
    assert result.exit_code != 0
    assert "at least two custodians" in result.output


def test_audit_verify_checks_a_pinned_fingerprint(store_instance):
    doc = json.loads((store_instance.path / "public" / "organisation.json").read_text())
    engine, factory, backend = _vault(store_instance)
    _add_report(factory, backend, store_instance)
    engine.dispose()
    assert _run(store_instance, "audit", "export-head").exit_code == 0
    good = _run(store_instance, "audit", "verify", "--fingerprint", doc["fingerprint"])
    assert good.exit_code == 0, good.output
    wrong = _run(store_instance, "audit", "verify", "--fingerprint", "0000-" * 7 + "0000")
    assert wrong.exit_code != 0
    assert "does not match --fingerprint" in wrong.output
