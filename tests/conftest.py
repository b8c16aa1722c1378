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
