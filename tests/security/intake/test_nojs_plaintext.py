"""S9 and S23 on the no-JS path, where the server does see plaintext: it never reaches a
temporary file, an error page or a log line, and only ciphertext is stored."""

from __future__ import annotations

import io
import logging
import tempfile

import pytest

CANARY = "CANARY-nojs-3c91d0"
FORM = {"un_link.linked": "yes", "situation.narrative": f"{CANARY} narrative",
        "identity.real_name": f"{CANARY} name", "consent.giver": "victim"}


def _refuse_temp_files(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("plaintext must never go to a temporary file")

    for name in ("SpooledTemporaryFile", "TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, refuse)


def test_a_large_nojs_file_never_touches_a_temporary_file(intake_client, monkeypatch):
    _refuse_temp_files(monkeypatch)
    content = (CANARY.encode() + b" ") * 200_000  # ~4 MB, far above Werkzeug's spool limit
    data = {**FORM, "evidence.files": (io.BytesIO(content), "doc.pdf", "application/pdf")}
    response = intake_client.post("/report/nojs", data=data, content_type="multipart/form-data")
    assert response.status_code == 201


def test_only_ciphertext_is_stored(intake_client, intake_instance):
    import sqlalchemy as sa

    data = {**FORM, "evidence.files": (io.BytesIO(CANARY.encode() * 100), "a.txt", "text/plain")}
    assert intake_client.post("/report/nojs", data=data,
                              content_type="multipart/form-data").status_code == 201
    engine = sa.create_engine(intake_instance.config.database_url)
    with engine.connect() as conn:
        for table in ("reports", "stanzas", "blobs", "events"):
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):  # noqa: S608
                assert CANARY.encode() not in repr(tuple(row)).encode(), table
    engine.dispose()
    files = [p for p in intake_instance.config.instance_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files) or "postgresql" in \
        intake_instance.config.database_url
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), path


def test_a_failure_while_sealing_echoes_and_logs_nothing(
        intake_client, monkeypatch, caplog):
    import vault.seal

    def broken(*_args, **_kwargs):
        raise ValueError(f"sealing failed on {CANARY}")

    monkeypatch.setattr(vault.seal, "seal_report", broken)
    caplog.set_level(logging.DEBUG)
    response = intake_client.post("/report/nojs", data=FORM, content_type="multipart/form-data",
                                  environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert response.status_code == 500
    assert CANARY not in response.get_data(as_text=True)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged
    assert CANARY not in logged
    assert "203.0.113.77" not in logged


@pytest.mark.parametrize("path", ["/report", "/api/v1/pow?scope=submit", "/no-such-page"])
def test_requests_are_not_logged_with_addresses(intake_client, caplog, path):
    caplog.set_level(logging.DEBUG)
    intake_client.get(path, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert "203.0.113.77" not in "\n".join(r.getMessage() for r in caplog.records)
