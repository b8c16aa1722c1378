"""Files a reporter adds later (a signed file_added event with its blob) open like the rest."""

from __future__ import annotations

import os

from vault.api.testkit import PASSPHRASE


def test_a_file_added_by_event_is_listed_checked_and_downloadable(rv):
    report = rv.submit(files=(("first.txt", "text/plain", b"the first file"),))
    later = os.urandom(5000)
    blob_id = rv.reporter_adds_file(report, "later.bin", "application/octet-stream", later)
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    page = coord.page(path)
    assert "first.txt" in page
    assert "later.bin" in page
    assert f"/attachments/{blob_id}/scrubbed" in page
    assert "manifest_mismatch" not in page
    raw = coord.post(f"{path}/attachments/{blob_id}/raw", {"passphrase": PASSPHRASE},
                     token_from=f"{path}/attachments/{blob_id}/raw")
    assert raw.status_code == 200
    assert raw.data == later
    custody = coord.post(f"{path}/attachments/{blob_id}/custody", {}, token_from=path)
    assert custody.status_code == 302


def test_an_altered_added_file_fails_its_checks(rv):
    from vault.blobs import backend_for

    report = rv.submit()
    blob_id = rv.reporter_adds_file(report, "later.bin", "application/octet-stream",
                                    os.urandom(3000))
    stored = backend_for(rv.instance.config.blob_dir).path_for(blob_id)
    altered = bytearray(stored.read_bytes())
    altered[40] ^= 1
    stored.chmod(0o600)
    stored.write_bytes(bytes(altered))
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    raw = coord.post(f"{path}/attachments/{blob_id}/raw", {"passphrase": PASSPHRASE},
                     token_from=f"{path}/attachments/{blob_id}/raw")
    assert raw.status_code == 302  # back to the report, the failed check named, no bytes
    assert "failed its checks" in coord.page(path)
