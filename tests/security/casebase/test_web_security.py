"""Headers, escaping, withdrawn = unknown, CSV formula injection, no reader data in logs."""

import csv
import io
import logging

from casebase.exports import neutralise


def test_every_page_has_strict_security_headers(cb_sec_app):
    client = cb_sec_app.test_client()
    for url in ("/", "/trends", "/partner/login", "/api/v1/cases", "/cases/" + "0" * 32):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src" not in csp  # no script at all, inline or not
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_partner_pages_are_never_cached(cb_sec_app):
    assert cb_sec_app.test_client().get("/partner/login").headers["Cache-Control"] == "no-store"


def test_narrative_and_title_are_escaped(cb_sec_app, cb_sec_release):
    rid = cb_sec_release(cb_sec_app, title="<script>alert(1)</script>",
                  narrative='<img src=x onerror="alert(2)"> text')
    page = cb_sec_app.test_client().get(f"/cases/{rid}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<img src=x onerror="alert(2)">' not in page
    listing = cb_sec_app.test_client().get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in listing


def test_withdrawn_and_unknown_ids_answer_the_same_404(cb_sec_app, cb_sec_release):
    client = cb_sec_app.test_client()
    rid = cb_sec_release(cb_sec_app)
    tombstone = cb_sec_app.config["cb_org"].tombstone(rid, version=2)
    assert client.post("/api/v1/ingest", json=tombstone).status_code == 200
    unknown = "9" * 32
    for prefix in ("/cases/", "/api/v1/cases/"):
        gone, never = client.get(prefix + rid), client.get(prefix + unknown)
        assert gone.status_code == never.status_code == 404
        # Pages may link to their own URL (language links); apart from the id asked for,
        # the answers are byte for byte the same.
        assert gone.get_data(as_text=True).replace(rid, "ID") == \
            never.get_data(as_text=True).replace(unknown, "ID")
        assert dict(gone.headers) == dict(never.headers)


def test_csv_export_neutralises_formulas(cb_sec_app, cb_sec_release):
    cb_sec_release(cb_sec_app, title="=HYPERLINK(\"http://evil\")", narrative="+1 calls",
            un_actors=["@SUM(A1)", "-2+3", "\tTab"])
    text = cb_sec_app.test_client().get("/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["title"].startswith("'=HYPERLINK")
    assert rows[0]["narrative"] == "'+1 calls"
    assert rows[0]["un_actors"].split("|") == ["'@SUM(A1)", "'-2+3", "'\tTab"]
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_neutralise_leaves_ordinary_text():
    assert neutralise("Nicaragua") == "Nicaragua"
    assert neutralise("\rX") == "'\rX"


def test_logs_carry_no_client_address_or_content(cb_sec_app, cb_sec_release, caplog):
    canary_ip = "203.0.113.77"
    caplog.set_level(logging.DEBUG)
    rid = cb_sec_release(cb_sec_app, narrative="canary narrative text 5f1c")
    client = cb_sec_app.test_client()
    env = {"REMOTE_ADDR": canary_ip}
    client.get(f"/cases/{rid}", environ_base=env)
    client.get("/?q=canary", environ_base=env)
    client.get("/cases/" + "1" * 32, environ_base=env)
    client.post("/api/v1/ingest", data=b"{broken", environ_base=env)
    client.post("/partner/login", data={"username": "u", "password": "canary-pass"},
                environ_base=env)
    for record in caplog.records:
        message = record.getMessage()
        assert canary_ip not in message
        assert "canary narrative" not in message
        assert "canary-pass" not in message


def test_bad_token_is_refused_not_downgraded(cb_sec_app):
    response = cb_sec_app.test_client().get(
        "/api/v1/cases", headers={"Authorization": "Bearer hcb_" + "x" * 43})
    assert response.status_code == 401


def test_oversized_ingest_body_is_refused(cb_sec_app):
    """Ingest takes packages with images up to the configured cap, and nothing above it;
    every other route keeps the app's small body limit."""
    cap = cb_sec_app.extensions["casebase"]["settings"].attachment_limits.max_package_bytes
    client = cb_sec_app.test_client()
    response = client.post("/api/v1/ingest", data=b"{" + b" " * cap,
                           content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"] == "too_large"
    other = client.post("/partner/login", data=b"username=" + b"a" * 600_000,
                        content_type="application/x-www-form-urlencoded")
    assert other.status_code == 413
