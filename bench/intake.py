"""The intake under load, next to bare baselines measured in the same run.

- ``submissions``: sealed reports accepted per second through the real intake app (proof-of-
  work challenge fetched and checked, envelope parsed and checked against the bundle, report,
  stanzas and lookup hash stored in the vault's SQLite database) vs a bare Flask endpoint
  inserting the same request bodies into a SQLite table. Both through Flask's test client in
  this process; sealing happens before the clock starts (it is the browser's work).
- ``upload``: peak resident memory (VmHWM) of a server process receiving one 500 MB
  attachment as 65,553-byte wire chunks over loopback HTTP, through the intake
  (``vault.uploads``: checked, appended, fsynced, hashed, moved) vs a bare server appending
  the same chunks to a file. ``HAVEN_BENCH_UPLOAD_MB`` changes the size.

``run() -> list[dict]``; ``python -m bench intake`` prints the table.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

SUBMISSIONS = 200
UPLOAD_MB = int(os.environ.get("HAVEN_BENCH_UPLOAD_MB", "500"))
FIELDS = {"form_version": 1, "un_link": {"linked": "yes"},
          "situation": {"narrative": "They took my passport after my statement. " * 40},
          "consent": {"scopes": {"contact": "grant"}, "given_by": "victim",
                      "risks_explained": True, "day": "2026-01-10", "how": "in person"}}
INTAKE_SETTINGS = ("[intake]\npow_difficulty = 0\npow_max_difficulty = 0\n"
                   "min_free_disk_bytes = 0\nlimit_submit = \"100000 per hour\"\n"
                   "limit_upload = \"100000 per hour\"\nlimit_pages = \"1000000 per hour\"\n")


def _instance(directory: Path):
    from haven.instance import AccountSpec, create_instance

    fast = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
    return create_instance(
        directory / "instance", org_id="org-bench", password_settings=fast,
        extra_config=INTAKE_SETTINGS,
        accounts_to_create=[AccountSpec(f"r{i}", "verifier", "correct horse battery 9",
                                        passphrase="a long key passphrase 1")  # noqa: S106
                            for i in range(3)])


def _sealed_bodies(created, count: int) -> list[dict]:
    import json

    from vault.bundle import verify_bundle
    from vault.canonical import b64encode, utc_day
    from vault.receipts import keys_from_master
    from vault.seal import seal_report

    doc = json.loads(created.config.bundle_path.read_text())
    bundle = verify_bundle(doc, created.fingerprint, today=utc_day(), min_serial=1)
    bodies = []
    for _ in range(count):
        keys = keys_from_master(os.urandom(32))
        sealed = seal_report(FIELDS, [], bundle, keys, day=utc_day(), server_sealed=False)
        bodies.append({"envelope": b64encode(sealed.envelope),
                       "lookup_id": b64encode(keys.lookup_id), "blobs": []})
    return bodies


def bench_submissions(workdir: Path, count: int = SUBMISSIONS) -> dict:
    from flask import Flask, request

    from intake.app import create_app

    created = _instance(workdir)
    client = create_app(created.config).test_client()
    bodies = _sealed_bodies(created, count)
    started = time.perf_counter()
    for body in bodies:
        challenge = client.get("/api/v1/pow?scope=submit").get_json()
        body["pow"] = {"challenge": challenge["challenge"], "counter": "0"}
        assert client.post("/api/v1/submissions", json=body).status_code == 201
    intake_seconds = time.perf_counter() - started

    database = workdir / "bare.db"
    connection = sqlite3.connect(database, check_same_thread=False)
    connection.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, body BLOB)")
    bare = Flask("bare")

    @bare.post("/insert")
    def insert():
        connection.execute("INSERT INTO reports (body) VALUES (?)", (request.get_data(),))
        connection.commit()
        return "", 201

    bare_client = bare.test_client()
    started = time.perf_counter()
    for body in bodies:
        assert bare_client.post("/insert", json=body).status_code == 201
    bare_seconds = time.perf_counter() - started
    connection.close()
    return {"case": "submissions", "n": count, "intake_per_s": count / intake_seconds,
            "bare_flask_sqlite_per_s": count / bare_seconds,
            "ratio": (count / intake_seconds) / (count / bare_seconds)}


# --- the 500 MB upload, server in its own process so its peak RSS is its own ---------------

_INTAKE_SERVER = """
import logging, sys
from pathlib import Path
from werkzeug.serving import make_server
from haven.config import load_config
from intake.app import create_app
app = create_app(load_config({}, instance_dir=Path(sys.argv[1])))
server = make_server("127.0.0.1", 0, app)
print(server.server_port, flush=True)
server.serve_forever()
"""

_BARE_SERVER = """
import logging, sys
logging.getLogger("werkzeug").setLevel(logging.WARNING)
from flask import Flask, request
from werkzeug.serving import make_server
app = Flask("bare")
@app.put("/chunk")
def chunk():
    with open(sys.argv[1], "ab") as out:
        out.write(request.get_data())
    return "", 204
server = make_server("127.0.0.1", 0, app)
print(server.server_port, flush=True)
server.serve_forever()
"""


def _deterministic_rng(seed: bytes):
    counter = [0]

    def rng(n: int) -> bytes:
        counter[0] += 1
        return hashlib.blake2b(seed + counter[0].to_bytes(8, "big"), digest_size=64).digest()[:n]

    return rng


def _wire_chunks(size: int):
    """The same sealed attachment each time: header, then each encrypted chunk."""
    from vault.attachments import AttachmentSealer

    sealer = AttachmentSealer("video.mp4", "video/mp4", size, rng=_deterministic_rng(b"bench"))
    yield sealer.header
    block = hashlib.sha512(b"plaintext").digest() * 16384  # 1 MiB
    sent = 0
    while sent < size:
        piece = block[: min(len(block), size - sent)]
        sent += len(piece)
        yield from sealer.feed(piece)
    rest, entry = sealer.finish()
    yield from rest
    yield entry


def _declaration(size: int) -> dict:
    """A first pass over the (deterministic) ciphertext, as the browser does, for the ids."""
    entry = None
    for entry in _wire_chunks(size):  # noqa: B007 - only the last item (the entry) is kept
        pass
    return {"blob_id": entry.blob_id, "ct_len": entry.ct_len, "chunk_count": entry.chunk_count}


def _start(script: str, *args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                               text=True)
    port = process.stdout.readline().strip()
    return process, f"http://127.0.0.1:{port}"


def _peak_rss_mb(process: subprocess.Popen) -> float:
    status = Path(f"/proc/{process.pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def bench_upload(workdir: Path, megabytes: int = UPLOAD_MB) -> dict:
    size = megabytes * 1024 * 1024
    created = _instance(workdir)
    declaration = _declaration(size)
    process, url = _start(_INTAKE_SERVER, str(created.config.instance_dir))
    try:
        with requests.Session() as http:
            challenge = http.get(f"{url}/api/v1/pow?scope=upload", timeout=30).json()
            begun = http.post(f"{url}/api/v1/uploads", timeout=30, json={
                **declaration, "pow": {"challenge": challenge["challenge"], "counter": "0"}})
            upload_id = begun.json()["upload_id"]
            started = time.perf_counter()
            for index, chunk in enumerate(c for c in _wire_chunks(size) if isinstance(c, bytes)):
                response = http.put(f"{url}/api/v1/uploads/{upload_id}/chunks/{index}",
                                    data=chunk, timeout=60)
                assert response.status_code == 204, response.text
            intake_seconds = time.perf_counter() - started
            assert http.get(f"{url}/api/v1/uploads/{upload_id}", timeout=30).json()["complete"]
        intake_rss = _peak_rss_mb(process)
    finally:
        process.terminate()
        process.wait()
    target = workdir / "bare.bin"
    process, url = _start(_BARE_SERVER, str(target))
    try:
        with requests.Session() as http:
            started = time.perf_counter()
            for chunk in (c for c in _wire_chunks(size) if isinstance(c, bytes)):
                assert http.put(f"{url}/chunk", data=chunk, timeout=60).status_code == 204
            bare_seconds = time.perf_counter() - started
        bare_rss = _peak_rss_mb(process)
    finally:
        process.terminate()
        process.wait()
    return {"case": f"upload {megabytes} MB", "n": 1, "intake_peak_rss_MB": intake_rss,
            "bare_write_peak_rss_MB": bare_rss, "ratio": intake_rss / bare_rss,
            "intake_MB_s": megabytes / intake_seconds, "bare_MB_s": megabytes / bare_seconds}


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        return [bench_submissions(Path(first)), bench_upload(Path(second))]


if __name__ == "__main__":
    for row in run():
        print(row)
