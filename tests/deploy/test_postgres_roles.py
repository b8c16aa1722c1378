"""deploy/postgres/roles.sql and grants.sql against a real PostgreSQL server.

Each app's role can do what the app's own code does (the intake app and the vault API are
run against their roles) and is refused, by PostgreSQL itself, what it must not do.
Role and database names carry a random suffix (psql -v), so the test can share CI's server.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import secrets
import subprocess
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
ROLES_SQL = ROOT / "deploy" / "postgres" / "roles.sql"
GRANTS_SQL = ROOT / "deploy" / "postgres" / "grants.sql"
PG_BIN = Path(os.environ.get("HAVEN_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}


@dataclasses.dataclass(frozen=True)
class Cluster:
    server: sa.engine.URL  # superuser
    names: dict[str, str]  # psql variable -> role or database name

    def url(self, role_var: str, db_var: str) -> str:
        url = self.server.set(username=self.names[role_var], database=self.names[db_var])
        return url.render_as_string(hide_password=False)

    def psql(self, script: Path, database: str) -> None:
        args = [str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", self.server.host or "127.0.0.1", "-p", str(self.server.port or 5432),
                "-U", self.server.username or "postgres", "-d", database, "-f", str(script)]
        for name, value in self.names.items():
            args += ["-v", f"{name}={value}"]
        env = {**os.environ, "PGPASSWORD": self.server.password or ""}
        result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
        assert result.returncode == 0, result.stderr

    def connect(self, role_var: str, db_var: str) -> psycopg.Connection:
        url = sa.engine.make_url(self.url(role_var, db_var))
        return psycopg.connect(host=url.host, port=url.port, user=url.username,
                               dbname=url.database, password=url.password, autocommit=True)


@pytest.fixture
def cluster(postgres_server_url):
    suffix = secrets.token_hex(4)
    names = {var: f"haven_{kind}_{suffix}" for var, kind in (
        ("owner_role", "owner"), ("intake_role", "intake"), ("vault_api_role", "vault_api"),
        ("casebase_role", "casebase"), ("vault_db", "vault"), ("casebase_db", "casebase"))}
    names["casebase_db"] = f"haven_cbdb_{suffix}"
    cluster = Cluster(sa.engine.make_url(postgres_server_url), names)
    yield cluster
    admin = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for db in (names["vault_db"], names["casebase_db"]):
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        for var in ("owner_role", "intake_role", "vault_api_role", "casebase_role"):
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{names[var]}"'))
    admin.dispose()


def _refused(conn: psycopg.Connection, statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def _set_up(cluster: Cluster, tmp_path: Path):
    """roles.sql twice (idempotent), the vault migrated by its owner with a report and a
    file, grants.sql twice."""
    from vault.api.testkit import add_report, build_api_instance

    cluster.psql(ROLES_SQL, "postgres")
    cluster.psql(ROLES_SQL, "postgres")
    owner_url = cluster.url("owner_role", "vault_db")
    (tmp_path / "api").mkdir()
    api_instance = build_api_instance(tmp_path / "api", owner_url)
    report_id = add_report(api_instance, files=(("a.txt", "text/plain", b"evidence"),))
    cluster.psql(GRANTS_SQL, cluster.names["vault_db"])
    cluster.psql(GRANTS_SQL, cluster.names["vault_db"])
    return api_instance, report_id


def test_each_role_is_refused_what_it_must_not_do(cluster, tmp_path):
    _, report_id = _set_up(cluster, tmp_path)
    with cluster.connect("owner_role", "vault_db") as owner:  # a reporter's event to protect
        owner.execute("INSERT INTO events (report_id, direction, seq, sealed, day) "
                      "VALUES (%s, 'from_reporter', 1, '\\x00', '2026-01-01')", (report_id,))
    with cluster.connect("intake_role", "vault_db") as intake:
        _refused(intake, "SELECT sealed_key FROM stanzas")
        for table in ("accounts", "reviewer_keys", "api_tokens", "reviewer_records",
                      "audit_entries", "bundles", "assignments"):
            _refused(intake, f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
        _refused(intake, "UPDATE reports SET envelope = 'x'")
        _refused(intake, "UPDATE reports SET lookup_hash = 'x'")
        intake.execute("UPDATE reports SET reporter_head = '\\x01'")  # its one new column
        _refused(intake, "UPDATE reports SET lookup_hash = 'y', reporter_head = '\\x02'")
        _refused(intake, "DELETE FROM reports")
        _refused(intake, "DELETE FROM events WHERE direction = 'from_reporter'")
        _refused(intake, "DELETE FROM blob_store_chunks")
        _refused(intake, "TRUNCATE reports")
        _refused(intake, "CREATE TABLE spy (x int)")
        _refused(intake, "DROP TABLE reports")
        intake.execute("INSERT INTO audit_entries (seq, day, actor, action, detail, leaf_hash) "
                       "VALUES (100001, '2026-01-01', 'reporter', 'receipt.burn', '{}', '\\x00')")
        _refused(intake, "UPDATE audit_entries SET detail = '{}'")
        _refused(intake, "DELETE FROM audit_entries")
    with cluster.connect("vault_api_role", "vault_db") as api:
        api.execute("INSERT INTO audit_entries (seq, day, actor, action, detail, leaf_hash) "
                    "VALUES (100000, '2026-01-01', 'test', 'test', '{}', '\\x00')")
        _refused(api, "UPDATE audit_entries SET detail = '{}'")
        _refused(api, "DELETE FROM audit_entries")
        _refused(api, "TRUNCATE audit_entries")
        _refused(api, "DELETE FROM audit_heads")
        _refused(api, "UPDATE reports SET envelope = 'x'")
        _refused(api, "DELETE FROM reports")
        _refused(api, "INSERT INTO reports (id) VALUES ('x')")
        _refused(api, "SELECT * FROM upload_sessions")
        _refused(api, "DELETE FROM blob_store_objects")
        _refused(api, "CREATE TABLE spy (x int)")
        _refused(api, "ALTER TABLE reports ADD COLUMN spy int")
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        cluster.connect("casebase_role", "vault_db")
    for role in ("intake_role", "vault_api_role", "owner_role"):
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            cluster.connect(role, "casebase_db")
    from casebase.db import make_engine as casebase_engine
    from casebase.db import migrate as migrate_casebase

    engine = casebase_engine(cluster.url("casebase_role", "casebase_db"))
    migrate_casebase(engine)  # the case base migrates and owns its own database
    engine.dispose()
    with cluster.connect("casebase_role", "casebase_db") as casebase:
        assert casebase.execute("SELECT count(*) FROM records").fetchone() == (0,)
    with cluster.connect("owner_role", "vault_db") as owner:
        flags = owner.execute("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                              "WHERE rolname = current_user").fetchone()
        assert flags == (False, False, False)


def _intake_client(cluster: Cluster, api_instance):
    """The real intake app, connected as the intake role, blobs in the database store."""
    from haven.config import config_from_mapping
    from intake.app import create_app

    raw = {
        "instance_id": api_instance.config.instance_id,
        "vault": {"database_url": cluster.url("intake_role", "vault_db"),
                  "blob_store": "database"},
        "intake": {"pow_difficulty": 2, "pow_max_difficulty": 4, "min_free_disk_bytes": 0},
    }
    (api_instance.config.keys_dir / "lookup-pepper.key").write_text(secrets.token_hex(32))
    config = config_from_mapping(raw, api_instance.config.instance_dir)
    app = create_app(config)
    assert "haven_intake" in app.extensions, "the intake failed closed under its role"
    return app.test_client()


def _pow(client, scope: str, binding: str) -> dict:
    from intake.pow import solve as solve_pow

    challenge = client.get(f"/api/v1/pow?scope={scope}").get_json()
    return {"challenge": challenge["challenge"],
            "counter": solve_pow(challenge["challenge"], binding, challenge["difficulty"])}


def test_the_intake_works_under_its_role(cluster, tmp_path):
    from haven.commands.submit import prepare_submission
    from vault.canonical import b64encode, utc_day

    api_instance, _ = _set_up(cluster, tmp_path)
    client = _intake_client(cluster, api_instance)
    (tmp_path / "photo.jpg").write_bytes(os.urandom(100_000))
    prepared = prepare_submission(
        {"situation": {"narrative": "under the intake role"}}, [tmp_path / "photo.jpg"],
        api_instance.bundle_doc, fingerprint=_fingerprint(api_instance),
        instance_id=api_instance.config.instance_id, today=utc_day(), min_serial=1,
        workdir=tmp_path)
    sealed = prepared.files[0]
    entry = sealed.entry
    binding = hashlib.sha256(f"{entry.blob_id}:{entry.ct_len}:{entry.chunk_count}".encode())
    begin = client.post("/api/v1/uploads", json={
        "blob_id": entry.blob_id, "ct_len": entry.ct_len, "chunk_count": entry.chunk_count,
        "pow": _pow(client, "upload", binding.hexdigest())})
    assert begin.status_code == 201, begin.get_json()
    upload_id = begin.get_json()["upload_id"]
    for index, chunk in enumerate(sealed.wire_chunks()):
        put = client.put(f"/api/v1/uploads/{upload_id}/chunks/{index}", data=chunk,
                         content_type="application/octet-stream")
        assert put.status_code == 204, put.get_json()
    body = prepared.body()
    body["pow"] = _pow(client, "submit", hashlib.sha256(prepared.envelope).hexdigest())
    submitted = client.post("/api/v1/submissions", json=body)
    assert submitted.status_code == 201, submitted.get_json()
    inbox = client.post("/api/v1/inbox", json={
        "lookup_id": b64encode(prepared.lookup_id),
        "pow": _pow(client, "receipt", hashlib.sha256(prepared.lookup_id).hexdigest())})
    assert inbox.status_code == 200, inbox.get_json()
    assert inbox.get_json()["report_id"] == submitted.get_json()["report_id"]
    _reporter_event_under_the_intake_role(client, api_instance, prepared)


def _reporter_event_under_the_intake_role(client, api_instance, prepared) -> None:
    """A reporter event and its sealed chain head (reports.reporter_head), written by the
    intake role in one transaction, served back on the next visit."""
    from intake.reporter_inbox import sealed_head
    from vault.bundle import verify_bundle
    from vault.canonical import b64decode, b64encode, utc_day
    from vault.events import ZERO_HASH
    from vault.receipts import derive_receipt_keys
    from vault.seal import seal_reporter_event

    keys = derive_receipt_keys(prepared.receipt, api_instance.config.instance_id)
    bundle = verify_bundle(api_instance.bundle_doc, _fingerprint(api_instance),
                           today=utc_day(), min_serial=1)
    event = seal_reporter_event(prepared.report_id, 1, ZERO_HASH, "message",
                                {"text": "more", "day": utc_day()}, bundle=bundle,
                                receipt_keys=keys, day=utc_day())
    head = sealed_head(keys, 1, event.event_hash)
    added = client.post("/api/v1/inbox/events", json={
        "lookup_id": b64encode(prepared.lookup_id), "envelope": b64encode(event.envelope),
        "seq": 1, "head": b64encode(head)})
    assert added.status_code == 201, added.get_json()
    again = client.post("/api/v1/inbox", json={
        "lookup_id": b64encode(prepared.lookup_id),
        "pow": _pow(client, "receipt", hashlib.sha256(prepared.lookup_id).hexdigest())})
    assert again.get_json()["next_seq"] == 2
    assert b64decode(again.get_json()["head"]) == head


def _fingerprint(api_instance) -> str:
    from vault.keys import fingerprint

    return fingerprint(api_instance.root.verify_key)


def test_the_vault_api_works_under_its_role(cluster, tmp_path):
    import time

    from vault.api.app import create_app
    from vault.api.credentials import issue_token
    from vault.db import transaction

    api_instance, report_id = _set_up(cluster, tmp_path)
    with transaction(api_instance.sessions()) as session:  # as the owner: a login's token
        token = issue_token(session, api_instance.people["vera"].account_id, int(time.time()))
    config = dataclasses.replace(api_instance.config,
                                 database_url=cluster.url("vault_api_role", "vault_db"))
    client = create_app(config).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/reports", headers=headers)
    assert listed.status_code == 200, listed.get_json()
    opened = client.get(f"/api/v1/reports/{report_id}", headers=headers)
    assert opened.status_code == 200, opened.get_json()
    audit = client.get("/api/v1/audit/verify", headers=headers)
    assert audit.status_code in (200, 403), audit.get_json()
    # A decrypt: the signed action is checked, its nonce kept, the stanza handed over (S17).
    from nacl.signing import SigningKey

    from vault.action_signature import HEADER, sign_action

    vera = api_instance.people["vera"]
    signed = sign_action("key_request", report_id, account_id=vera.account_id,
                         key_id=vera.key_id,
                         signing_key=SigningKey(vera.keypair.ed25519_seed))
    stanza = client.get(f"/api/v1/reports/{report_id}/stanza",
                        headers={**headers, HEADER: signed.header_value()})
    assert stanza.status_code == 200, stanza.get_json()
    replayed = client.get(f"/api/v1/reports/{report_id}/stanza",
                          headers={**headers, HEADER: signed.header_value()})
    assert replayed.get_json()["error"]["code"] == "action_replayed"


def test_every_vault_table_has_its_privileges_decided(tmp_path):
    """A migration that adds a table must say in grants.sql who may touch it (or the apps'
    roles, refused everything by default, break at run time)."""
    from vault.db import make_engine, migrate

    url = f"sqlite:///{tmp_path / 'vault.db'}"
    migrate(url)
    engine = make_engine(url)
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    text = GRANTS_SQL.read_text()
    undecided = sorted(t for t in tables if f"'{t}'" not in text and not
                       any(f"{sep}{t}{end}" in text for sep in (" ", ",") for end in (" ", ",")))
    assert undecided == [], f"add these tables to deploy/postgres/grants.sql: {undecided}"
