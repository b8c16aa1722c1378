"""Two intake hosts behind one PostgreSQL and one Redis (docs/scaling.md).

Each host has its own instance directory (same keys and haven.toml, its own local disk),
connects as the least-privilege intake role (deploy/postgres/roles.sql, grants.sql) and
keeps blobs in the database blob store (vault.blobs_pg). Every upload acknowledged by one
host is complete on the other, a report naming it is accepted there, and its plaintext
comes back byte for byte through either host's backend and through the vault API (as its
own role, on the same store); no blob touches a local disk. A reporter's follow-up chains on
through the other host: their sealed chain head is in the vault too.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from vault.blobs_pg import database_backend

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("HAVEN_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROUNDS = 4


def _psql(server: sa.engine.URL, script: str, database: str, names: dict) -> None:
    args = [str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
            server.host or "127.0.0.1", "-p", str(server.port or 5432), "-U",
            server.username or "postgres", "-d", database, "-f", str(ROOT / script)]
    for name, value in names.items():
        args += ["-v", f"{name}={value}"]
    result = subprocess.run(args, capture_output=True, text=True, check=False,
                            env={**os.environ, "PGPASSWORD": server.password or ""})
    assert result.returncode == 0, result.stderr


@pytest.fixture
def roles(postgres_server_url):
    """roles.sql with unique names; yields (server URL, names); drops them afterwards."""
    suffix = secrets.token_hex(4)
    names = {"owner_role": f"haven_owner_{suffix}", "intake_role": f"haven_intake_{suffix}",
             "vault_api_role": f"haven_vault_api_{suffix}",
             "casebase_role": f"haven_casebase_{suffix}", "vault_db": f"haven_vault_{suffix}",
             "casebase_db": f"haven_cbdb_{suffix}"}
    server = sa.engine.make_url(postgres_server_url)
    _psql(server, "deploy/postgres/roles.sql", "postgres", names)
    yield server, names
    admin = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for db in (names["vault_db"], names["casebase_db"]):
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        for key in ("owner_role", "intake_role", "vault_api_role", "casebase_role"):
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{names[key]}"'))
    admin.dispose()


def _url(server: sa.engine.URL, user: str, database: str) -> str:
    return server.set(username=user, database=database).render_as_string(hide_password=False)


@pytest.mark.reliability
def test_uploads_acknowledged_by_one_host_are_readable_on_the_other(
    rkit, intake_processes, redis_url, roles, tmp_path
):
    server, names = roles
    owner_url = _url(server, names["owner_role"], names["vault_db"])
    intake_url = _url(server, names["intake_role"], names["vault_db"])
    instance = rkit.make_instance(tmp_path / "host-a", owner_url,
                                  extra_config=f'\n[ratelimit]\nstorage_url = "{redis_url}"\n')
    config_path = instance.directory / "haven.toml"
    config_path.write_text(config_path.read_text().replace(
        "[vault]\n", '[vault]\nblob_store = "database"\n', 1))
    _psql(server, "deploy/postgres/grants.sql", names["vault_db"], names)
    shutil.copytree(instance.directory, tmp_path / "host-b",
                    ignore=shutil.ignore_patterns("blobs"))
    env = {"HAVEN_DATABASE_URL": intake_url}  # the hosts connect as the intake role
    hosts = [intake_processes(tmp_path / name, rkit.free_port(), env)
             for name in ("host-a", "host-b")]

    workdir = tmp_path / "client"
    workdir.mkdir()
    sent: dict[str, tuple[bytes, bytes]] = {}  # report id -> (envelope, file plaintext)
    for round_number in range(ROUNDS):
        upload_host, other = hosts[round_number % 2], hosts[1 - round_number % 2]
        plain = os.urandom(200_000 + round_number)
        (workdir / "file.bin").write_bytes(plain)
        prepared = rkit.prepare(instance, workdir, [workdir / "file.bin"])
        with requests.Session() as session:
            upload_id = rkit.begin_upload(session, upload_host.url, prepared.files[0])
            for index, chunk in enumerate(prepared.files[0].wire_chunks()):
                put = rkit.put_chunk(session, upload_host.url, upload_id, index, chunk)
                assert put.status_code == 204, put.text
            assert rkit.upload_status(session, other.url, upload_id)["complete"] is True
            submitted = rkit.post_submission(session, other.url, prepared)
        assert submitted.status_code == 201, submitted.text
        sent[submitted.json()["report_id"]] = (prepared.envelope, plain)
    _a_follow_up_reaches_the_other_host(instance, hosts, prepared, owner_url)

    stored = rkit.stored_reports(instance)
    for host_dir in (tmp_path / "host-a", tmp_path / "host-b"):
        backend = database_backend(owner_url, host_dir / "blobs")
        try:
            for report_id, (envelope, plain) in sent.items():
                assert stored[report_id] == envelope
                opened = rkit.open_stored(instance, envelope, backend)
                assert rkit.open_attachment_bytes(opened.attachments[0], backend) == plain
        finally:
            backend.engine.dispose()
        local = [p for p in (host_dir / "blobs").rglob("*") if p.is_file()]
        assert local == [], "a blob or part file was left on a host's disk"
    _reviewers_fetch_through_the_vault_api(instance, server, names, sent)


def _a_follow_up_reaches_the_other_host(instance, hosts, prepared, owner_url) -> None:
    """The reporter's first event goes through host A; their next visit reaches host B, which
    serves the sealed chain head A stored (in the vault, not on A's disk) and chains the
    no-JS follow-up on it; the reviewers verify one unbroken chain."""
    from intake.reporter_inbox import sealed_head
    from vault import open as vault_open
    from vault.canonical import b64encode, utc_day
    from vault.events import ZERO_HASH
    from vault.receipts import derive_receipt_keys
    from vault.seal import seal_reporter_event

    keys = derive_receipt_keys(prepared.receipt, instance.config.instance_id)
    first = seal_reporter_event(prepared.report_id, 1, ZERO_HASH, "message",
                                {"text": "first, through host A", "day": utc_day()},
                                bundle=instance.bundle(), receipt_keys=keys, day=utc_day())
    with requests.Session() as session:
        added = session.post(f"{hosts[0].url}/api/v1/inbox/events", timeout=30, json={
            "lookup_id": b64encode(prepared.lookup_id), "envelope": b64encode(first.envelope),
            "seq": 1, "head": b64encode(sealed_head(keys, 1, first.event_hash))})
        assert added.status_code == 201, added.text
        follow_up = session.post(f"{hosts[1].url}/inbox/nojs/act", timeout=60, data={
            "receipt": prepared.receipt, "action": "message",
            "message": "second, through host B"})
    assert follow_up.status_code == 200, follow_up.text
    assert "Sent, signed with your receipt." in follow_up.text
    engine = sa.create_engine(owner_url)
    with engine.connect() as conn:
        sealed = [row[0] for row in conn.execute(sa.text(
            "SELECT sealed FROM events WHERE report_id = :r AND direction = 'from_reporter' "
            "ORDER BY seq"), {"r": prepared.report_id})]
    engine.dispose()
    pair = next(iter(instance.created.reviewer_keys.values()))
    events = vault_open.open_reporter_events(
        sealed, pair.key_id, pair.x25519_sk, instance.bundle(),
        reporter_signing_pk=keys.signing_pk, report_id=prepared.report_id)
    assert [(e.seq, e.type) for e in events] == [(1, "message"), (2, "message")]


def _reviewers_fetch_through_the_vault_api(instance, server, names, sent) -> None:
    """The vault API, connected as its own role with the database blob store, serves the
    exact ciphertext of each acknowledged upload."""
    import dataclasses
    import time

    from vault import open as vault_open
    from vault.api.app import create_app
    from vault.api.credentials import issue_token
    from vault.db import make_engine, session_factory, transaction

    owner = make_engine(_url(server, names["owner_role"], names["vault_db"]))
    account_id = instance.created.accounts[0].username
    with transaction(session_factory(owner)) as session:
        from vault import reviewer_store

        account = reviewer_store.find_account(session, account_id)
        token = issue_token(session, account.account_id, int(time.time()))
    owner.dispose()
    from haven.config import load_config

    config = dataclasses.replace(  # haven.toml as edited above: blob_store = "database"
        load_config({}, instance_dir=instance.directory),
        database_url=_url(server, names["vault_api_role"], names["vault_db"]))
    assert config.section("vault")["blob_store"] == "database"
    client = create_app(config).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    pair = next(iter(instance.created.reviewer_keys.values()))
    for report_id, (envelope, _plain) in sent.items():
        opened = vault_open.open_report(envelope, pair.key_id, pair.x25519_sk, instance.bundle())
        entry = opened.attachments[0]
        response = client.get(f"/api/v1/reports/{report_id}/blobs/{entry.blob_id}",
                              headers=headers)
        assert response.status_code == 200, response.get_json()
        assert hashlib.blake2b(response.data, digest_size=32).hexdigest() == entry.blob_id
