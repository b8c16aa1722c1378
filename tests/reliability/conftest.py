"""Reliability kit: real instances, real intake processes (`haven serve intake`), a sealing
client over HTTP (haven.commands.submit's), and the reviewer side's decryption to check what
was kept. Everything runs on loopback with free ports and is bounded in count and time.

Test modules reach the helpers through the ``rkit`` fixture (conftest modules are not
importable by name under --import-mode=importlib).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

HAVEN = str(Path(sys.executable).with_name("haven"))
GUNICORN_CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn" / "intake.conf.py"
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
START_TIMEOUT = 60.0
HTTP_TIMEOUT = 30
FIELDS = {
    "form_version": 1,
    "un_link": {"linked": "yes"},
    "situation": {"narrative": "Reliability check narrative."},
    "consent": {"scopes": {"contact": "grant"}, "given_by": "victim", "risks_explained": True,
                "day": "2026-01-01", "how": "in person"},
}
# Generous limits: the load test's 429s come from a limit it sets on purpose.
INTAKE_SECTION = """
[intake]
pow_difficulty = 2
pow_max_difficulty = 4
pow_load_per_minute = 100000
nojs_delay_seconds = 0
min_free_disk_bytes = 0
limit_submit = "100000 per hour"
limit_upload = "100000 per hour"
limit_pages = "100000 per hour"
limit_receipt = "100000 per hour"
"""


@dataclass
class Instance:
    directory: Path
    created: object  # haven.instance.CreatedInstance
    config: object  # haven.config.HavenConfig

    def bundle(self):
        from vault.bundle import verify_bundle
        from vault.canonical import utc_day

        doc = json.loads(self.config.bundle_path.read_text())
        return verify_bundle(doc, self.created.fingerprint, today=utc_day(), min_serial=1)


def make_instance(directory: Path, database_url: str, extra_config: str = "") -> Instance:
    from haven.instance import AccountSpec, create_instance

    created = create_instance(
        directory, org_id="org-reliability", database_url=database_url,
        accounts_to_create=[AccountSpec("rita", "coordinator", "a long password 1",
                                        "passphrase 1")],
        extra_config=INTAKE_SECTION + extra_config, password_settings=FAST_ARGON2,
    )
    return Instance(directory, created, created.config)


@dataclass
class IntakeProcess:
    """`haven serve intake --dev` in its own process group (so kill -9 takes all of it)."""

    instance_dir: Path
    port: int
    env: dict = field(default_factory=dict)
    server_args: tuple[str, ...] = ("--dev",)  # or ("--workers", "2") for gunicorn
    production: bool = False  # gunicorn with deploy/gunicorn/intake.conf.py, as systemd runs it
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> IntakeProcess:
        log = (self.log_path or self.instance_dir / f"intake-{self.port}.log").open("ab")
        argv = [HAVEN, "serve", "intake", *self.server_args, "--port", str(self.port),
                "--instance", str(self.instance_dir)]
        if self.production:
            argv = [str(Path(sys.executable).with_name("gunicorn")), "--config",
                    str(GUNICORN_CONF), "--bind", f"127.0.0.1:{self.port}", "haven.wsgi:intake()"]
        self.process = subprocess.Popen(
            argv, env={**os.environ, "HAVEN_INSTANCE": str(self.instance_dir), **self.env},
            stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"intake exited with {self.process.returncode}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/bundle.json", timeout=2).status_code == 200:
                    return self
            time.sleep(0.1)
        raise RuntimeError("intake did not start in time")

    def kill9(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()


def prepare(instance: Instance, workdir: Path, files=(), fields=None):
    """Seal a report (and files) to the instance's verified bundle, as `haven submit` does."""
    from haven.commands.submit import prepare_submission
    from vault.canonical import utc_day

    doc = json.loads(instance.config.bundle_path.read_text())
    return prepare_submission(
        fields or FIELDS, list(files), doc, fingerprint=instance.created.fingerprint,
        instance_id=instance.config.instance_id, today=utc_day(), min_serial=1,
        workdir=workdir)


def pow_for(session: requests.Session, url: str, scope: str, binding: str) -> dict:
    from intake.pow import solve as solve_pow

    challenge = session.get(f"{url}/api/v1/pow", params={"scope": scope},
                            timeout=HTTP_TIMEOUT).json()
    return {"challenge": challenge["challenge"],
            "counter": solve_pow(challenge["challenge"], binding, int(challenge["difficulty"]))}


def post_submission(session: requests.Session, url: str, prepared) -> requests.Response:
    body = prepared.body()
    body["pow"] = pow_for(session, url, "submit", hashlib.sha256(prepared.envelope).hexdigest())
    return session.post(f"{url}/api/v1/submissions", json=body, timeout=HTTP_TIMEOUT)


def begin_upload(session: requests.Session, url: str, sealed_file) -> str:
    entry = sealed_file.entry
    binding = hashlib.sha256(
        f"{entry.blob_id}:{entry.ct_len}:{entry.chunk_count}".encode()).hexdigest()
    response = session.post(f"{url}/api/v1/uploads", timeout=HTTP_TIMEOUT, json={
        "blob_id": entry.blob_id, "ct_len": entry.ct_len, "chunk_count": entry.chunk_count,
        "pow": pow_for(session, url, "upload", binding)})
    assert response.status_code == 201, response.text
    return response.json()["upload_id"]


def put_chunk(session: requests.Session, url: str, upload_id: str, index: int,
              chunk: bytes) -> requests.Response:
    return session.put(f"{url}/api/v1/uploads/{upload_id}/chunks/{index}", data=chunk,
                       headers={"Content-Type": "application/octet-stream"},
                       timeout=HTTP_TIMEOUT)


def upload_status(session: requests.Session, url: str, upload_id: str) -> dict:
    response = session.get(f"{url}/api/v1/uploads/{upload_id}", timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def stored_reports(instance: Instance) -> dict[str, bytes]:
    """report id -> envelope, straight from the vault database."""
    import sqlalchemy as sa

    from vault.db import make_engine
    from vault.models import Report

    engine = make_engine(instance.config.database_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.select(Report.id, Report.envelope)).all())
    finally:
        engine.dispose()


def stored_blob_ids(instance: Instance) -> dict[str, str | None]:
    """blob id -> report id (None while not attached)."""
    import sqlalchemy as sa

    from vault.db import make_engine
    from vault.models import Blob

    engine = make_engine(instance.config.database_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.select(Blob.blob_id, Blob.report_id)).all())
    finally:
        engine.dispose()


def open_stored(instance: Instance, envelope: bytes, backend=None):
    """Open a stored report with the reviewer's key; with a backend, check every blob too."""
    from vault import open as vault_open
    from vault.blobs import read_blob

    pair = next(iter(instance.created.reviewer_keys.values()))

    def reader(blob_id: str) -> bytes:
        return b"".join(read_blob(backend, blob_id))

    return vault_open.open_report(envelope, pair.key_id, pair.x25519_sk, instance.bundle(),
                                  reader if backend is not None else None)


def open_attachment_bytes(entry, backend) -> bytes:
    from vault.attachments import open_attachment
    from vault.blobs import read_blob

    return b"".join(open_attachment(entry, lambda b: b"".join(read_blob(backend, b))))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def rkit():
    return types.SimpleNamespace(
        make_instance=make_instance, IntakeProcess=IntakeProcess, prepare=prepare,
        post_submission=post_submission, begin_upload=begin_upload, put_chunk=put_chunk,
        upload_status=upload_status, stored_reports=stored_reports,
        stored_blob_ids=stored_blob_ids, open_stored=open_stored,
        open_attachment_bytes=open_attachment_bytes, pow_for=pow_for, fields=FIELDS,
        free_port=free_port,
    )


@pytest.fixture
def intake_processes():
    """Every IntakeProcess a test starts is stopped at the end, even on failure."""
    started: list[IntakeProcess] = []

    def start(instance_dir: Path, port: int, env: dict | None = None,
              server_args: tuple[str, ...] = ("--dev",), production: bool = False
              ) -> IntakeProcess:
        process = IntakeProcess(instance_dir, port, env or {}, server_args,
                                production=production)
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server on a free port, as deploy/redis/haven-redis.conf runs it
    (no persistence), stopped at the end."""
    import shutil

    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: the multi-host tests must run in CI")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    process.terminate()
    process.wait(timeout=10)
