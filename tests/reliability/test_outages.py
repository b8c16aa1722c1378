"""Disk full and database unavailable: the intake answers a clear 503, keeps nothing partial,
loses nothing it acknowledged, and takes work again once the outage ends.

- Disk: the instance's blob directory is a small tmpfs; a filler file pushes it below the
  intake's high-water mark (``min_free_disk_bytes``, S12), as a filling disk would.
- Database: the intake reaches PostgreSQL through a TCP relay the test cuts (open
  connections reset, new ones refused) and restores.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from vault.blobs import FileBlobBackend

MIB = 1024 * 1024


@contextlib.contextmanager
def small_tmpfs(path: Path, size_mib: int):
    path.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mib}m,mode=0700",
                              "tmpfs", str(path)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): " + mounted.stderr.decode())
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _report_with_file(rkit, instance, workdir: Path, size: int = 100_000):
    plain = os.urandom(size)
    path = workdir / f"f{size}.bin"
    path.write_bytes(plain)
    return rkit.prepare(instance, workdir, [path]), plain


@pytest.mark.reliability
def test_disk_full_is_a_clear_503_and_nothing_is_lost(rkit, intake_processes, tmp_path,
                                                      database_url):
    instance = rkit.make_instance(tmp_path / "instance", database_url)
    config_path = instance.directory / "haven.toml"
    config_path.write_text(config_path.read_text().replace(
        "min_free_disk_bytes = 0", f"min_free_disk_bytes = {16 * MIB}"))
    workdir = tmp_path / "client"
    workdir.mkdir()
    with small_tmpfs(instance.directory / "blobs", 48):
        host = intake_processes(instance.directory, rkit.free_port())
        session = requests.Session()
        first, first_plain = _report_with_file(rkit, instance, workdir)
        upload_id = rkit.begin_upload(session, host.url, first.files[0])
        for index, chunk in enumerate(first.files[0].wire_chunks()):
            assert rkit.put_chunk(session, host.url, upload_id, index, chunk).status_code == 204
        acked = rkit.post_submission(session, host.url, first)
        assert acked.status_code == 201
        second, second_plain = _report_with_file(rkit, instance, workdir, 200_000)
        second_upload = rkit.begin_upload(session, host.url, second.files[0])
        chunks = list(second.files[0].wire_chunks())
        assert rkit.put_chunk(session, host.url, second_upload, 0, chunks[0]).status_code == 204

        filler = instance.directory / "blobs" / "filler"
        filler.write_bytes(b"\0" * (40 * MIB))  # the disk fills up
        refused = [
            rkit.put_chunk(session, host.url, second_upload, 1, chunks[1]),
            rkit.post_submission(session, host.url, rkit.prepare(instance, workdir)),
        ]
        for response in refused:
            assert response.status_code == 503, response.text
            assert response.json()["error"] == "disk_full"
        binding_probe = session.post(f"{host.url}/api/v1/uploads", json={
            "blob_id": "ab" * 32, "ct_len": 100, "chunk_count": 1,
            "pow": rkit.pow_for(session, host.url, "upload", "x")})
        assert binding_probe.status_code in (403, 422, 503)  # never a 2xx while full

        filler.unlink()  # space again: the interrupted upload resumes where it stopped
        state = rkit.upload_status(session, host.url, second_upload)
        assert state == {"complete": False, "next_index": 1}
        for index in range(1, len(chunks)):
            assert rkit.put_chunk(session, host.url, second_upload, index,
                                  chunks[index]).status_code == 204
        resumed = rkit.post_submission(session, host.url, second)
        assert resumed.status_code == 201, resumed.text
        host.stop()
        session.close()

        backend = FileBlobBackend(instance.config.blob_dir)
        stored = rkit.stored_reports(instance)
        assert len(stored) == 2, "the refused submission left nothing behind"
        for response, prepared, plain in ((acked, first, first_plain),
                                          (resumed, second, second_plain)):
            envelope = stored[response.json()["report_id"]]
            assert envelope == prepared.envelope
            opened = rkit.open_stored(instance, envelope, backend)
            assert rkit.open_attachment_bytes(opened.attachments[0], backend) == plain


class Relay:
    """A TCP relay to PostgreSQL that the test can cut and restore (a network outage)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and reset every open one."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for conn in self._connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def _database_outage(rkit, intake_processes, database_url: str, tmp_path: Path) -> int:
    """Submit before, during and after an outage; check what was kept; return the status
    the intake answered during the outage."""
    direct = sa.engine.make_url(database_url)
    relay = Relay((direct.host or "127.0.0.1", direct.port or 5432))
    relay.up()
    via_relay = direct.set(port=relay.port).render_as_string(hide_password=False)
    instance = rkit.make_instance(tmp_path / "instance", database_url)
    host = intake_processes(instance.directory, rkit.free_port(),
                            {"HAVEN_DATABASE_URL": via_relay})
    workdir = tmp_path / "client"
    workdir.mkdir()
    try:
        with requests.Session() as session:
            before = rkit.prepare(instance, workdir)
            assert rkit.post_submission(session, host.url, before).status_code == 201
            relay.down()
            during = rkit.prepare(instance, workdir)
            refused = rkit.post_submission(session, host.url, during)
            assert refused.status_code >= 500, refused.text
            assert "report_id" not in refused.json()
            relay.up()
            after = rkit.prepare(instance, workdir)
            accepted = rkit.post_submission(session, host.url, after)
            assert accepted.status_code == 201, accepted.text
    finally:
        host.stop()
        relay.down()
    stored = rkit.stored_reports(instance)
    assert during.envelope not in stored.values()
    for prepared in (before, after):
        assert prepared.envelope in stored.values()
        rkit.open_stored(instance, prepared.envelope)
    return refused.status_code


@pytest.mark.reliability
def test_database_unavailable_loses_nothing_and_recovers(
    rkit, intake_processes, postgres_database_url, tmp_path
):
    _database_outage(rkit, intake_processes, postgres_database_url, tmp_path)


@pytest.mark.reliability
def test_database_unavailable_is_a_clear_503(
    rkit, intake_processes, postgres_database_url, tmp_path
):
    assert _database_outage(rkit, intake_processes, postgres_database_url, tmp_path) == 503
