"""SPEC §9 steps 1–2: declared, chunked, resumable uploads of sealed attachments, checked
chunk by chunk, with the server's memory flat in the file size."""

from __future__ import annotations

import hashlib
import os
import tracemalloc

import pytest

from vault.seal import seal_attachment_bytes


def _declare(client, kit, entry_like: dict):
    binding = hashlib.sha256(
        f"{entry_like['blob_id']}:{entry_like['ct_len']}:{entry_like['chunk_count']}".encode()
    ).hexdigest()
    return client.post("/api/v1/uploads",
                       json={**entry_like, "pow": kit.solve_pow(client, "upload", binding)})


def _declaration(entry) -> dict:
    return {"blob_id": entry.blob_id, "ct_len": entry.ct_len, "chunk_count": entry.chunk_count}


def test_a_file_uploads_and_is_attached_to_its_report(intake_client, intake_instance, intake_kit,
                                                       rows):
    blob, entry = seal_attachment_bytes("photo.jpg", "image/jpeg", os.urandom(200_000))
    intake_kit.upload_blob(intake_client, blob, entry)
    sealed, keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields, [entry])
    body = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id,
                                      [entry.blob_id])
    assert intake_client.post("/api/v1/submissions", json=body).status_code == 201
    assert rows(intake_instance, "blobs") == 1
    assert intake_kit.open_report(intake_instance, sealed.envelope).attachments[0].name == \
        "photo.jpg"


def test_an_upload_resumes_where_the_server_stopped(intake_client, intake_kit):
    blob, entry = seal_attachment_bytes("a.bin", "application/octet-stream", os.urandom(150_000))
    upload_id = _declare(intake_client, intake_kit, _declaration(entry)).get_json()["upload_id"]
    chunks = intake_kit.wire_chunks(blob)
    for index in (0, 1):
        assert intake_client.put(f"/api/v1/uploads/{upload_id}/chunks/{index}",
                                 data=chunks[index]).status_code == 204
    status = intake_client.get(f"/api/v1/uploads/{upload_id}").get_json()
    assert status == {"complete": False, "next_index": 2}
    # The reply to chunk 1 was lost: sending it again is accepted, a different one is not.
    assert intake_client.put(f"/api/v1/uploads/{upload_id}/chunks/1",
                             data=chunks[1]).status_code == 204
    skipped = intake_client.put(f"/api/v1/uploads/{upload_id}/chunks/3", data=chunks[3])
    assert skipped.status_code == 409
    assert skipped.get_json()["error"] == "chunk_out_of_order"
    for index in range(2, len(chunks)):
        assert intake_client.put(f"/api/v1/uploads/{upload_id}/chunks/{index}",
                                 data=chunks[index]).status_code == 204
    assert intake_client.get(f"/api/v1/uploads/{upload_id}").get_json()["complete"] is True


def test_a_chunk_of_the_wrong_length_is_refused(intake_client, intake_kit):
    blob, entry = seal_attachment_bytes("a.bin", "application/octet-stream", os.urandom(100_000))
    upload_id = _declare(intake_client, intake_kit, _declaration(entry)).get_json()["upload_id"]
    response = intake_client.put(f"/api/v1/uploads/{upload_id}/chunks/0", data=blob[:23])
    assert response.status_code == 422
    assert response.get_json()["error"] == "upload_chunk_invalid"


def test_content_that_does_not_hash_to_the_declared_blob_id_is_not_kept(
        intake_client, intake_instance, intake_kit, rows):
    blob, entry = seal_attachment_bytes("a.bin", "application/octet-stream", os.urandom(70_000))
    declaration = {**_declaration(entry), "blob_id": "0" * 64}
    upload_id = _declare(intake_client, intake_kit, declaration).get_json()["upload_id"]
    chunks = intake_kit.wire_chunks(blob)
    for index in range(len(chunks) - 1):
        intake_client.put(f"/api/v1/uploads/{upload_id}/chunks/{index}", data=chunks[index])
    last = intake_client.put(f"/api/v1/uploads/{upload_id}/chunks/{len(chunks) - 1}",
                             data=chunks[-1])
    assert last.status_code == 422
    assert last.get_json()["error"] == "manifest_mismatch"
    assert rows(intake_instance, "blobs") == 0


@pytest.mark.parametrize(
    ("declaration", "status", "code"),
    [
        ({"blob_id": "ab" * 32, "ct_len": 100, "chunk_count": 1}, 422, "upload_chunk_invalid"),
        ({"blob_id": "AB" * 32, "ct_len": 100, "chunk_count": 1}, 422, "bad_upload"),
        ({"blob_id": "ab" * 32, "ct_len": "100", "chunk_count": 1}, 422, "bad_upload"),
        ({"blob_id": "ab" * 32, "ct_len": 600 * 1024 * 1024, "chunk_count": 9600}, 413,
         "too_large"),
    ],
)
def test_bad_declarations_are_refused(intake_client, declaration, status, code):
    response = intake_client.post("/api/v1/uploads", json=declaration)
    assert response.status_code == status
    assert response.get_json()["error"] == code


def test_a_forged_upload_id_is_unknown(intake_client, intake_kit):
    _blob, entry = seal_attachment_bytes("a.bin", "application/octet-stream", b"x" * 10)
    upload_id = _declare(intake_client, intake_kit, _declaration(entry)).get_json()["upload_id"]
    forged = upload_id[:-1] + ("0" if upload_id[-1] != "0" else "1")
    response = intake_client.get(f"/api/v1/uploads/{forged}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "unknown_upload"


def test_server_memory_stays_flat_in_the_file_size(intake_client, intake_kit):
    """Peak Python allocation while uploading 1 MiB and 8 MiB files: the same order of
    magnitude (a few chunks), not proportional to the file."""
    peaks = []
    for size in (1024 * 1024, 8 * 1024 * 1024):
        blob, entry = seal_attachment_bytes("big.bin", "application/octet-stream",
                                            os.urandom(size))
        upload_id = _declare(intake_client, intake_kit,
                             _declaration(entry)).get_json()["upload_id"]
        chunks = intake_kit.wire_chunks(blob)
        del blob
        tracemalloc.start()
        for index, chunk in enumerate(chunks):
            assert intake_client.put(f"/api/v1/uploads/{upload_id}/chunks/{index}",
                                     data=chunk).status_code == 204
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 4 * 1024 * 1024, peaks
    assert peaks[1] < 2 * peaks[0] + 1024 * 1024, peaks
