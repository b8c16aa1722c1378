"""Fixtures shared by the whole suite.

- ``database_url``: a fresh, empty database per test — a SQLite file by default, or a new
  PostgreSQL database when ``HAVEN_TEST_POSTGRES_URL`` names a server (``.ci/run`` sets it),
  so every storage test runs on both backends.
- ``browser``: Debian's Chromium driven by Playwright (never a downloaded browser). In CI a
  missing Chromium is an error, not a skip.
- ``live_server``: serve a WSGI app on a free loopback port in a thread.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("HAVEN_TEST_POSTGRES_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    yield from _fresh_postgres_database(server)


@pytest.fixture
def spare_database_url(database_url: str) -> Iterator[str | None]:
    """A second empty database of the same kind as ``database_url`` (restore targets).

    None on SQLite, where the code under test makes the file itself.
    """
    server = os.environ.get("HAVEN_TEST_POSTGRES_URL")
    if not server:
        yield None
        return
    yield from _fresh_postgres_database(server)


def _fresh_postgres_database(server: str) -> Iterator[str]:
    import sqlalchemy as sa

    name = f"haven_t_{secrets.token_hex(6)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base, _, _ = server.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


PG_BIN_DEFAULT = "/usr/lib/postgresql/15/bin"


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL server URL (superuser) even in the SQLite run: HAVEN_TEST_POSTGRES_URL's
    server, or a private throwaway cluster started with initdb (as the postgres user).
    For tests that need PostgreSQL itself (roles, the database blob store, several hosts)."""
    server = os.environ.get("HAVEN_TEST_POSTGRES_URL")
    if server:
        yield server
        return
    import shutil
    import tempfile

    # Not under pytest's tmp dir: its parents are 0700, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="haven-pg-"))
    try:
        yield from _private_postgres(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _private_postgres(base: Path) -> Iterator[str]:
    import shutil
    import subprocess

    pg_bin = Path(os.environ.get("HAVEN_TEST_PG_BIN", PG_BIN_DEFAULT))
    if not (pg_bin / "initdb").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{pg_bin}/initdb is missing: PostgreSQL tests must run in CI")
        pytest.skip("PostgreSQL 15 is not installed (apt-get install postgresql)")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data, sock = base / "data", base / "sock"
    data.mkdir()
    sock.mkdir()
    if as_postgres:
        shutil.chown(base, "postgres")
        shutil.chown(data, "postgres")
        shutil.chown(sock, "postgres")
    port = free_port()
    subprocess.run([*as_postgres, str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(data), "-l",
                    str(data / "log"), "-o", options, "-w", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(data), "-m",
                        "immediate", "stop"], check=False, capture_output=True)


@pytest.fixture
def postgres_database_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database on ``postgres_server_url``, dropped afterwards."""
    yield from _fresh_postgres_database(postgres_server_url)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_wsgi(app, port: int | None = None) -> Iterator[str]:
    """Run ``app`` with Werkzeug's threaded server on loopback; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port or free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


CASEBASE_TODAY = "2026-11-23"


@pytest.fixture
def casebase_with_public_cases(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    """``make(partner=None)`` -> a case base app (its day fixed at ``CASEBASE_TODAY``) holding
    the five public cases, ingested as signed packages under a trusted key as ``make run``
    does; ``partner=(username, password)`` also creates a partner account. Disposed after."""
    from nacl.signing import SigningKey

    from casebase.accounts import create_partner
    from casebase.app import create_app
    from casebase.bootstrap import (
        admin_signers,
        bootstrap_admins,
        default_admin_paths,
        seed_public_cases,
        trust_key,
    )
    from casebase.config import CasebaseConfig
    from casebase.keyfiles import public_key_text

    apps = []

    def make(partner: tuple[str, str] | None = None):  # type: ignore[no-untyped-def]
        keys = tmp_path / f"casebase-keys-{len(apps)}"
        config = CasebaseConfig(database_url=database_url, keys_dir=keys,
                                secret_key=secrets.token_hex(32), publication_delay_days=0)
        app = create_app(config, today=lambda: CASEBASE_TODAY)
        release = SigningKey.generate()
        with app.extensions["casebase"]["sessions"]() as session:
            bootstrap_admins(session, keys, CASEBASE_TODAY)
            signers = admin_signers(session, default_admin_paths(keys))
            trust_key(session, "haven-public-cases", public_key_text(release), signers,
                      CASEBASE_TODAY)
            seed_public_cases(session, release, CASEBASE_TODAY)
            if partner:
                create_partner(session, partner[0], "partner-org", partner[1], CASEBASE_TODAY)
            session.commit()
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["casebase"]["engine"].dispose()


@pytest.fixture
def live_server():
    """``with live_server(app) as url:`` — see serve_wsgi."""
    return serve_wsgi


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: browser tests must run in CI")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def jitless_browser(playwright_instance):
    """Chromium with JIT off (what Tor Browser's "Safer" level does to scripts)."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--js-flags=--jitless"]
    )
    yield browser
    browser.close()
