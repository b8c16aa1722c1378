"""With Redis as the rate-limit store (S12): counters and spent proof-of-work markers live
there, keyed by opaque HMACs, all expiring; no client address appears in any key or value."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time

import pytest

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server is not installed")


@pytest.fixture
def redis_server(tmp_path):
    import socket

    import redis

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", client
    process.terminate()
    process.wait()


def test_counters_and_markers_in_redis_carry_no_address(tmp_path, database_url, intake_kit,
                                                        redis_server):
    from intake.app import create_app
    from vault.canonical import b64encode

    url, client = redis_server
    instance = intake_kit.build_instance(tmp_path, database_url,
                                         intake={"limit_receipt": "2 per hour"})
    from dataclasses import replace

    config = replace(instance.config, ratelimit_storage_url=url)
    app = create_app(config)
    http = app.test_client()
    address = {"REMOTE_ADDR": "198.51.100.23"}
    statuses = []
    for n in range(3):
        lookup = bytes([n]) * 32
        proof = intake_kit.solve_pow(http, "receipt", hashlib.sha256(lookup).hexdigest())
        statuses.append(http.post("/api/v1/inbox", environ_base=address, json={
            "lookup_id": b64encode(lookup), "pow": proof}).status_code)
    assert statuses == [404, 404, 429]
    keys = client.keys("*")
    assert keys, "the limiter and the proof-of-work markers must be in Redis"
    for key in keys:
        assert b"198.51.100.23" not in key
        assert client.ttl(key) > 0, key  # everything expires
        value = client.get(key) if client.type(key) == b"string" else b""
        assert b"198.51.100.23" not in (value or b"")
    assert any(b"haven-pow-spent" in key for key in keys)


def test_processes_sharing_redis_share_one_hourly_key_that_expires(redis_server):
    from intake.ratelimit import SharedRotatingAddressKey, address_key_for

    url, client = redis_server
    now = [1_000_000.0]
    first = SharedRotatingAddressKey.from_url(url, "inst")
    second = SharedRotatingAddressKey.from_url(url, "inst")
    first._clock = second._clock = lambda: now[0]

    assert first("203.0.113.7") == second("203.0.113.7")  # one limit per deployment
    assert first("203.0.113.7") != first("203.0.113.8")
    before = first("203.0.113.7")
    now[0] += 3600
    assert first("203.0.113.7") == second("203.0.113.7") != before  # rotated together
    for name in client.keys("haven:ratelimit-key:*"):
        assert 0 < client.ttl(name) <= 3600 + 300  # gone shortly after its hour
        assert b"203.0.113" not in name
    assert type(address_key_for("memory://", "inst")).__name__ == "RotatingAddressKey"
