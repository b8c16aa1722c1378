"""Attachments (scrubbed copy, raw with passphrase), cases, the admin's audit and accounts."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pyotp
from PIL import Image

from vault.api.testkit import PASSPHRASE


def _photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _audit_actions(rv) -> list[str]:
    admin = rv.admin_api()
    return [entry.action for entry in admin.audit_entries()]


def test_scrubbed_and_raw_downloads(rv):
    photo = _photo()
    name = "ph\u202eoto<script>.jpg"
    report = rv.submit(files=((name, "image/jpeg", photo),))
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    page = coord.page(path)
    blob_id = re.search(r"/attachments/([0-9a-f]{64})/scrubbed", page).group(1)
    assert "&lt;script&gt;" in page

    scrubbed = coord.client.get(f"{path}/attachments/{blob_id}/scrubbed")
    assert scrubbed.status_code == 200
    assert scrubbed.mimetype == "application/octet-stream"
    assert scrubbed.headers["Content-Security-Policy"].startswith("sandbox")
    disposition = scrubbed.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="attachment.jpg"')
    assert "\u202e" not in unquote(disposition)
    assert "<" not in unquote(disposition)
    assert b"SecretCamMaker" not in scrubbed.data
    assert Image.open(io.BytesIO(scrubbed.data)).size == (40, 30)

    raw_page = coord.page(f"{path}/attachments/{blob_id}/raw")
    assert "disposable" in raw_page
    refused = coord.post(f"{path}/attachments/{blob_id}/raw", {"passphrase": "wrong"},
                         token_from=f"{path}/attachments/{blob_id}/raw")
    assert refused.status_code == 401
    raw = coord.post(f"{path}/attachments/{blob_id}/raw", {"passphrase": PASSPHRASE},
                     token_from=f"{path}/attachments/{blob_id}/raw")
    assert raw.status_code == 200
    assert raw.data == photo
    assert raw.mimetype == "application/octet-stream"
    assert raw.headers["Content-Security-Policy"].startswith("sandbox")
    actions = _audit_actions(rv)
    assert "scrubbed_download" in actions
    assert "raw_download" in actions


def test_unscrubbable_file_gets_a_named_refusal(rv):
    report = rv.submit(files=(("notes.svg", "image/svg+xml", b"<svg onload=alert(1)/>"),))
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    blob_id = re.search(r"/attachments/([0-9a-f]{64})/scrubbed", coord.page(path)).group(1)
    response = coord.client.get(f"{path}/attachments/{blob_id}/scrubbed")
    assert response.status_code == 302
    assert "unsupported_type" in coord.page(path)


def test_cases_link_people_sources_merge(rv):
    first, second = rv.submit({"narrative": "one"}), rv.submit({"narrative": "two"})
    coord = rv.driver("coord")
    created = coord.post("/cases/", {"title": "Travel bans 2026", "kind": "individual"},
                         token_from="/cases/")
    case_path = created.headers["Location"]
    case_id = case_path.rstrip("/").rsplit("/", 1)[1]
    coord.post(f"{case_path}/link", {"report_id": first.report_id}, token_from=case_path)
    coord.post(f"{case_path}/person", {"name": "A. Defender", "role": "hrd", "gender": "woman",
                                       "notes": ""}, token_from=case_path)
    coord.post(f"{case_path}/source", {"description": "partner NGO", "reliability": "high"},
               token_from=case_path)
    coord.post(f"{case_path}/evidence", {"mechanism": "hrc", "engagement": "actual",
                                         "reference": "HRC 54", "day": "2026-09",
                                         "reasoning": "spoke at the session"},
               token_from=case_path)
    coord.post(f"{case_path}/action", {"kind": "referral", "day": "2026-01-05",
                                       "text": "sent to OHCHR"}, token_from=case_path)
    coord.post(f"{case_path}/reminder", {"due_day": "2026-02-01", "text": "check back"},
               token_from=case_path)
    other = coord.post("/cases/", {"title": "Duplicate", "kind": "individual"},
                       token_from="/cases/").headers["Location"]
    coord.post(f"{other}/link", {"report_id": second.report_id}, token_from=other)
    other_id = other.rstrip("/").rsplit("/", 1)[1]
    coord.post(f"{case_path}/merge", {"other_case_id": other_id}, token_from=case_path)

    bad = coord.post(f"{case_path}/action", {"kind": "referral", "day": "last week",
                                             "text": "kept text"}, token_from=case_path)
    assert bad.status_code == 400
    assert "kept text" in bad.get_data(as_text=True)
    page = coord.page(case_path)
    for text in ("Travel bans 2026", "A. Defender", "partner NGO", "HRC 54", "sent to OHCHR",
                 "check back", first.report_id, second.report_id):
        assert text in page, text
    assert "merged" in coord.page("/cases/")
    vera = rv.driver("vera")
    refused = vera.post(f"/cases/{case_id}/merge", {"other_case_id": other_id},
                        token_from=f"/cases/{case_id}")
    assert refused.status_code == 403


def test_admin_audit_view_verifies_and_remembers_the_head(rv):
    report = rv.submit()
    rv.driver("coord").page(f"/reports/{report.report_id}")  # a decrypt, signed by coord (S17)
    ada = rv.driver("ada", unlock=False)
    page = ada.page("/audit/")
    assert "login" in page
    coord_key = rv.instance.people["coord"].key_id
    assert f"<td><code>{coord_key[:8]}</code></td></tr>" in page  # the key_request entry
    assert "token only" in page  # logins are token-authenticated
    verified = ada.post("/audit/verify", token_from="/audit/").get_data(as_text=True)
    assert "The chain verifies" in verified
    again = ada.post("/audit/verify", token_from="/audit/").get_data(as_text=True)
    assert "still contains the head" in again
    assert ada.client.get("/inbox/").status_code == 403


def test_admin_creates_an_account_and_sees_the_enrolment_qr_once(rv):
    ada = rv.driver("ada", unlock=False)
    response = ada.post("/admin/accounts", {"username": "new.verifier", "roles": ["verifier"],
                                            "password": "a long enough password"},
                        token_from="/admin/accounts")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'src="data:image/png;base64,' in page
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    codes = re.findall(r"<code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code>", page)
    assert len(codes) == 10
    newcomer = rv.driver()
    ok = newcomer.login("new.verifier", password="a long enough password",
                        totp=pyotp.TOTP(secret).now())
    assert ok.status_code == 302
    assert "new.verifier" in ada.page("/admin/accounts")


def test_new_reviewer_creates_a_key_that_waits_for_the_bundle(rv):
    ada = rv.driver("ada", unlock=False)
    page = ada.post("/admin/accounts", {"username": "newbie", "roles": ["verifier"],
                                        "password": "a long enough password"},
                    token_from="/admin/accounts").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    newbie = rv.driver()
    newbie.login("newbie", password="a long enough password", totp=pyotp.TOTP(secret).now())
    short = newbie.post("/key/setup", {"passphrase": "short", "again": "short"},
                        token_from="/key/setup")
    assert short.status_code == 200
    assert "Create your key" in short.get_data(as_text=True)
    created = newbie.post("/key/setup", {"passphrase": "a long key passphrase",
                                         "again": "a long key passphrase"},
                          token_from="/key/setup").get_data(as_text=True)
    assert "was created and registered" in created
    assert "You already have a key" in newbie.page("/key/setup")
    refused = newbie.unlock("a long key passphrase")
    assert refused.status_code == 401
    assert "not active yet" in refused.get_data(as_text=True)
    statuses = [k.status for a in rv.admin_api().accounts() if a.username == "newbie"
                for k in a.keys]
    assert statuses == ["pending"]
