"""kill -9 the intake at random moments while reports and uploads stream in.

After each bounded run: every submission the server acknowledged (201) is stored byte for
byte and opens with the reviewer's key, with all its attachments; nothing partial is
visible (every stored report opens, every blob row has complete bytes that hash to its id);
and a chunked upload resumes from where the server says after each kill.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from vault.blobs import FileBlobBackend, read_blob

KILLS = 3
FILE_BYTES = 150_000  # three wire chunks: begin, middle and end of an upload can be cut


def _wait_up(url: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            requests.get(f"{url}/bundle.json", timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.05)


class Submitter(threading.Thread):
    """Submits reports (every other one with a file) until stopped; keeps what was acked."""

    def __init__(self, rkit, instance, url: str, workdir: Path) -> None:
        super().__init__(daemon=True)
        self.rkit, self.instance, self.url, self.workdir = rkit, instance, url, workdir
        self.stop = threading.Event()
        self.acknowledged: dict[str, bytes] = {}  # report id -> envelope sent
        self.files: dict[str, bytes] = {}  # blob id -> plaintext of the sealed file
        self.interrupted = 0

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            try:
                self._one(number)
            except (requests.RequestException, AssertionError):
                self.interrupted += 1  # the server died under us: try again when it is back
                _wait_up(self.url, self.stop)

    def _one(self, number: int) -> None:
        files = []
        if number % 2:
            plain = os.urandom(FILE_BYTES)
            path = self.workdir / f"file-{number}.bin"
            path.write_bytes(plain)
            files.append((path, plain))
        prepared = self.rkit.prepare(self.instance, self.workdir, [p for p, _ in files])
        with requests.Session() as session:
            for sealed, (_, plain) in zip(prepared.files, files, strict=True):
                upload_id = self.rkit.begin_upload(session, self.url, sealed)
                for index, chunk in enumerate(sealed.wire_chunks()):
                    response = self.rkit.put_chunk(session, self.url, upload_id, index, chunk)
                    assert response.status_code == 204, response.text
                self.files[sealed.entry.blob_id] = plain
            response = self.rkit.post_submission(session, self.url, prepared)
        if response.status_code == 201:
            self.acknowledged[response.json()["report_id"]] = prepared.envelope


def _check_nothing_lost_or_partial(rkit, instance, acknowledged, files, backend=None) -> None:
    backend = backend or FileBlobBackend(instance.config.blob_dir)
    stored = rkit.stored_reports(instance)
    for report_id, envelope in acknowledged.items():
        assert stored.get(report_id) == envelope, "an acknowledged report is missing or altered"
    for report_id, envelope in stored.items():
        opened = rkit.open_stored(instance, envelope, backend)  # raises on any missing blob
        assert opened.report_id == report_id
        assert opened.fields["situation"]["narrative"] == rkit.fields["situation"]["narrative"]
        for entry in opened.attachments:
            assert rkit.open_attachment_bytes(entry, backend) == files[entry.blob_id]
    for blob_id in rkit.stored_blob_ids(instance):
        assert len(b"".join(read_blob(backend, blob_id))) > 0  # complete: hashes to its id


def _killer(processes, start, rounds: int, low: float, high: float) -> int:
    """kill -9 the running intake at random moments and start it again; returns kills."""
    rng = random.Random()  # random moments, different every run (the outcome may not differ)
    for _ in range(rounds):
        time.sleep(rng.uniform(low, high))
        processes[-1].kill9()
        processes.append(start())
    return rounds


def _kill_while_submitting(rkit, intake_processes, instance, tmp_path):
    """Returns the submitter (acknowledged reports and the files it sent)."""
    port = rkit.free_port()
    processes = [intake_processes(instance.directory, port)]
    workdir = tmp_path / "client"
    workdir.mkdir()
    submitter = Submitter(rkit, instance, processes[0].url, workdir)
    submitter.start()
    _killer(processes, lambda: intake_processes(instance.directory, port), KILLS, 0.3, 1.5)
    deadline = time.monotonic() + 20
    acked_before = len(submitter.acknowledged)
    while len(submitter.acknowledged) < acked_before + 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # the restarted server takes work again
    submitter.stop.set()
    submitter.join(timeout=60)
    assert not submitter.is_alive()
    assert len(submitter.acknowledged) >= 3
    processes[-1].stop()
    return submitter


@pytest.mark.reliability
def test_acknowledged_reports_survive_kill_9(rkit, intake_processes, tmp_path, database_url):
    instance = rkit.make_instance(tmp_path / "instance", database_url)
    submitter = _kill_while_submitting(rkit, intake_processes, instance, tmp_path)
    _check_nothing_lost_or_partial(rkit, instance, submitter.acknowledged, submitter.files)


@pytest.mark.reliability
def test_database_blob_store_survives_kill_9(rkit, intake_processes, tmp_path,
                                             postgres_database_url):
    """The same with blobs as chunked rows in PostgreSQL (vault.blobs_pg)."""
    from vault.blobs_pg import database_backend, objects

    instance = rkit.make_instance(tmp_path / "instance", postgres_database_url)
    config_path = instance.directory / "haven.toml"
    config_path.write_text(config_path.read_text().replace(
        "[vault]\n", '[vault]\nblob_store = "database"\n', 1))
    submitter = _kill_while_submitting(rkit, intake_processes, instance, tmp_path)
    backend = database_backend(postgres_database_url, tmp_path / "reader")
    try:
        _check_nothing_lost_or_partial(rkit, instance, submitter.acknowledged, submitter.files,
                                       backend)
        with backend.engine.connect() as conn:
            stored = set(conn.execute(sa.select(objects.c.blob_id)).scalars())
        # Objects without a row (a kill between the two commits) are orphans for the sweep,
        # never readable through a report; every blob row has its object.
        assert set(rkit.stored_blob_ids(instance)) <= stored
        assert stored, "the files went to the database store"
        assert not list(instance.config.blob_dir.glob("??/??/*")), "no blob on the local disk"
    finally:
        backend.engine.dispose()


class Uploader(threading.Thread):
    """Sends one large file chunk by chunk; after a dropped connection asks the server where
    to resume (GET /api/v1/uploads/<id>) and goes on from there."""

    def __init__(self, rkit, url: str, sealed) -> None:
        super().__init__(daemon=True)
        self.rkit, self.url, self.sealed = rkit, url, sealed
        self.chunks = list(sealed.wire_chunks())
        self.stop = threading.Event()
        self.upload_id: str | None = None
        self.resumes: list[int] = []
        self.done = False

    def run(self) -> None:
        while not self.stop.is_set() and not self.done:
            try:
                with requests.Session() as session:
                    if self.upload_id is None:
                        self.upload_id = self.rkit.begin_upload(session, self.url, self.sealed)
                    state = self.rkit.upload_status(session, self.url, self.upload_id)
                    if state["complete"]:
                        self.done = True
                        return
                    self.resumes.append(state["next_index"])
                    for index in range(state["next_index"], len(self.chunks)):
                        response = self.rkit.put_chunk(session, self.url, self.upload_id,
                                                       index, self.chunks[index])
                        assert response.status_code == 204, response.text
                        time.sleep(0.01)  # spread the upload over the kills
                    self.done = True
            except (requests.RequestException, AssertionError):
                _wait_up(self.url, self.stop)


@pytest.mark.reliability
def test_chunked_upload_resumes_after_kill_9(rkit, intake_processes, tmp_path, database_url):
    instance = rkit.make_instance(tmp_path / "instance", database_url)
    port = rkit.free_port()
    processes = [intake_processes(instance.directory, port)]
    workdir = tmp_path / "client"
    workdir.mkdir()
    plain = os.urandom(6 * 1024 * 1024)  # ~96 wire chunks
    (workdir / "big.bin").write_bytes(plain)
    prepared = rkit.prepare(instance, workdir, [workdir / "big.bin"])
    uploader = Uploader(rkit, processes[0].url, prepared.files[0])
    uploader.start()
    _killer(processes, lambda: intake_processes(instance.directory, port), KILLS, 0.3, 1.0)
    uploader.join(timeout=120)
    assert uploader.done, "the upload did not complete after the restarts"
    assert len(uploader.resumes) >= 2, "no kill landed during the upload"
    with requests.Session() as session:
        response = rkit.post_submission(session, processes[-1].url, prepared)
    assert response.status_code == 201, response.text
    processes[-1].stop()
    stored = rkit.stored_reports(instance)
    assert stored[response.json()["report_id"]] == prepared.envelope
    _check_nothing_lost_or_partial(rkit, instance, {response.json()["report_id"]:
                                                    prepared.envelope},
                                   {prepared.files[0].entry.blob_id: plain})
