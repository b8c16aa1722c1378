"""The reporter's sealed chain head is kept in the vault (reports.reporter_head): a follow-up
reaches another intake app on the same database, survives a backup and restore, and a purge
or a burn leaves no head behind. Nothing of it is on the intake's disk."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pyrage
import sqlalchemy as sa

from vault.canonical import b64encode, utc_day
from vault.events import ZERO_HASH

SENT = "Sent, signed with your receipt."


def _submit(client, instance, kit):
    sealed, keys, receipt = kit.sealed_report(instance, kit.minimal_fields)
    body = kit.submission_body(client, sealed.envelope, keys.lookup_id)
    assert client.post("/api/v1/submissions", json=body).status_code == 201
    return sealed.report_id, keys, receipt


def _first_event(client, instance, kit, keys, report_id, *, withdraw: bool = False):
    """The reporter's first event over JSON, as the browser sends it (with the sealed head)."""
    from intake.reporter_inbox import sealed_head
    from vault.seal import seal_reporter_event

    kind, payload = ("withdrawal", {"day": utc_day()}) if withdraw else (
        "message", {"text": "first", "day": utc_day()})
    event = seal_reporter_event(report_id, 1, ZERO_HASH, kind, payload,
                                bundle=kit.verified_bundle(instance), receipt_keys=keys,
                                day=utc_day())
    head = sealed_head(keys, 1, event.event_hash)
    response = client.post("/api/v1/inbox/events", json={
        "lookup_id": b64encode(keys.lookup_id), "envelope": b64encode(event.envelope),
        "seq": 1, "head": b64encode(head), "withdraw_report": withdraw})
    assert response.status_code == 201, response.get_json()
    return head


def _follow_up(client, receipt):
    """The no-JS inbox's next message: it must open the head to chain on the first event."""
    return client.post("/inbox/nojs/act", data={
        "receipt": receipt, "action": "message", "message": "A follow-up."}
    ).get_data(as_text=True)


def _reporter_chain(database_url, instance, kit, keys, report_id):
    from vault import open as vault_open

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        sealed = [row[0] for row in conn.execute(sa.text(
            "SELECT sealed FROM events WHERE direction = 'from_reporter' ORDER BY seq"))]
    engine.dispose()
    key_id, pair = next(iter(instance.reviewers.items()))
    return [e.type for e in vault_open.open_reporter_events(
        sealed, key_id, pair.x25519_sk, kit.verified_bundle(instance),
        reporter_signing_pk=keys.signing_pk, report_id=report_id)]


def test_a_follow_up_reaches_another_intake_app_on_the_same_database(
        intake_instance, intake_kit, tmp_path):
    from intake.app import create_app

    config = intake_instance.config
    other = tmp_path / "host-b"  # another host: its own disk, the same keys and vault
    for name in ("keys", "public"):
        shutil.copytree(config.instance_dir / name, other / name)
    host_a = create_app(config).test_client()
    host_b = create_app(dataclasses.replace(
        config, instance_dir=other, keys_dir=other / "keys", blob_dir=other / "blobs")
    ).test_client()
    report_id, keys, receipt = _submit(host_a, intake_instance, intake_kit)
    head = _first_event(host_a, intake_instance, intake_kit, keys, report_id)
    pow_ = intake_kit.solve_pow(host_b, "receipt", hashlib.sha256(keys.lookup_id).hexdigest())
    view = host_b.post("/api/v1/inbox", json={"lookup_id": b64encode(keys.lookup_id),
                                              "pow": pow_}).get_json()
    assert (view["next_seq"], view["head"]) == (2, b64encode(head))
    assert SENT in _follow_up(host_b, receipt)
    assert _reporter_chain(intake_instance.config.database_url, intake_instance, intake_kit,
                           keys, report_id) == ["message", "message"]
    assert not (intake_instance.config.instance_dir / "intake-heads").exists()


def test_a_purge_leaves_no_head(intake_client, intake_instance, intake_kit):
    from vault.blobs import FileBlobBackend
    from vault.db import make_engine, session_factory
    from vault.retention import run_purge

    report_id, keys, _ = _submit(intake_client, intake_instance, intake_kit)
    head = _first_event(intake_client, intake_instance, intake_kit, keys, report_id,
                        withdraw=True)
    url = intake_instance.config.database_url
    engine = make_engine(url)
    summary = run_purge(session_factory(engine), FileBlobBackend(intake_instance.config.blob_dir),
                        today=utc_day(), audit_key=bytes(32),
                        retention_days={**intake_instance.config.retention_days,
                                        "withdrawn": 0})
    with engine.connect() as conn:
        left = conn.execute(sa.text("SELECT count(*) FROM reports")).scalar_one()
    engine.dispose()
    assert summary.reports == 1
    assert left == 0
    if url.startswith("sqlite"):  # secure_delete and VACUUM: not even in free pages
        assert head not in Path(sa.engine.make_url(url).database).read_bytes()
    assert not (intake_instance.config.instance_dir / "intake-heads").exists()


def test_a_burn_leaves_no_head(intake_client, intake_instance, intake_kit):
    from vault.seal import seal_reporter_event

    report_id, keys, _ = _submit(intake_client, intake_instance, intake_kit)
    _first_event(intake_client, intake_instance, intake_kit, keys, report_id)
    engine = sa.create_engine(intake_instance.config.database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT reporter_head FROM reports")).scalar_one()
    first_hash = _event_hashes(intake_instance, intake_kit, keys, report_id)[0]
    burn = seal_reporter_event(report_id, 2, first_hash, "receipt_burned", {"day": utc_day()},
                               bundle=intake_kit.verified_bundle(intake_instance),
                               receipt_keys=keys, day=utc_day())
    burned = intake_client.post("/api/v1/inbox/burn", json={
        "lookup_id": b64encode(keys.lookup_id), "envelope": b64encode(burn.envelope),
        "seq": 2})
    assert burned.status_code == 200, burned.get_json()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT reporter_head FROM reports")).scalar_one() is None
    engine.dispose()


def _event_hashes(instance, kit, keys, report_id):
    from vault import open as vault_open

    engine = sa.create_engine(instance.config.database_url)
    with engine.connect() as conn:
        sealed = [row[0] for row in conn.execute(sa.text(
            "SELECT sealed FROM events WHERE direction = 'from_reporter' ORDER BY seq"))]
    engine.dispose()
    key_id, pair = next(iter(instance.reviewers.items()))
    return [e.event_hash for e in vault_open.open_reporter_events(
        sealed, key_id, pair.x25519_sk, kit.verified_bundle(instance),
        reporter_signing_pk=keys.signing_pk, report_id=report_id)]


def test_after_a_backup_and_restore_the_reporter_can_still_send_an_event(
        intake_client, intake_instance, intake_kit, tmp_path, spare_database_url):
    from intake.app import create_app
    from vault.backup import BackupSources, create_backup
    from vault.restore import restore_backup

    report_id, keys, receipt = _submit(intake_client, intake_instance, intake_kit)
    head = _first_event(intake_client, intake_instance, intake_kit, keys, report_id)
    config = intake_instance.config
    (config.instance_dir / "haven.toml").write_text(f'instance_id = "{config.instance_id}"\n')
    custodians = [pyrage.x25519.Identity.generate() for _ in range(2)]
    archive = tmp_path / "backup.age"
    create_backup(BackupSources(config.instance_dir, config.instance_id, config.database_url,
                                config.blob_dir, config.instance_dir / "public",
                                config.keys_dir),
                  archive, [str(c.to_public()) for c in custodians])
    restored = tmp_path / "restored"
    restore_backup(archive, custodians[:1], restored, database_url=spare_database_url)
    restored_url = spare_database_url or f"sqlite:///{restored / 'vault.db'}"
    restored_config = dataclasses.replace(config, instance_dir=restored,
                                          database_url=restored_url,
                                          blob_dir=restored / "blobs",
                                          keys_dir=restored / "keys")
    engine = sa.create_engine(restored_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT reporter_head FROM reports")).scalar_one() == head
    engine.dispose()
    client = create_app(restored_config).test_client()
    assert SENT in _follow_up(client, receipt)
    assert _reporter_chain(restored_url, intake_instance, intake_kit, keys,
                           report_id) == ["message", "message"]
