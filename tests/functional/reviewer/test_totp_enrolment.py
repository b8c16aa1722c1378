"""TOTP enrolment at first sign-in: an account an admin created through the API has no
confirmed authenticator; signing in with the password alone shows a fresh QR code (made with
segno) and starts no session; signing in with a code from it confirms it and starts one."""

from __future__ import annotations

import re
import time

import pyotp

from reviewer.vault_client import VaultClient
from reviewer.vault_types import TotpEnrolmentNeeded
from vault.api.testkit import PASSWORD


def _new_account(rv, username):
    return rv.admin_api().create_account(username, ["verifier"], PASSWORD)


def _login(driver, username, *, password=PASSWORD, totp=""):
    return driver.client.post("/login", data={
        "csrf_token": driver.csrf("/login"), "username": username, "password": password,
        "totp": totp})


def _code(secret, offset=0):
    return pyotp.TOTP(secret).at((int(time.time()) // 30 + offset) * 30)


def test_first_sign_in_shows_the_qr_and_confirms_a_code_before_the_session(rv):
    _new_account(rv, "nina")
    driver = rv.driver()
    page = _login(driver, "nina").get_data(as_text=True)
    assert 'id="totp-enrolment"' in page
    assert 'src="data:image/png;base64,' in page
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    assert driver.client.get("/inbox/").status_code in (302, 303)  # no session yet

    wrong = _login(driver, "nina", totp=_code(pyotp.random_base32()))
    assert wrong.status_code == 401
    signed_in = _login(driver, "nina", totp=_code(secret))
    assert signed_in.status_code == 302
    assert driver.client.get("/").status_code == 200

    # Confirmed: the password alone no longer starts an enrolment.
    again = _login(rv.driver(), "nina").get_data(as_text=True)
    assert 'id="totp-enrolment"' not in again
    assert "Enter the code from your authenticator app" in again


def test_the_api_answers_enrolment_needed_only_with_the_right_password(rv):
    created = _new_account(rv, "omar")
    client = VaultClient(rv.api_url)
    first = client.sign_in("omar", PASSWORD)
    assert isinstance(first, TotpEnrolmentNeeded)
    assert first.totp_secret != created.totp_secret  # fresh: the admin never saw it
    answer = client._request("POST", "/auth/login", json={"username": "omar",
                                                          "password": PASSWORD})
    assert answer["enrolment_required"] is True
    assert answer["totp"]["qr_svg"].startswith("<?xml") or "<svg" in answer["totp"]["qr_svg"]
    refused = _login(rv.driver(), "omar", password="not the password")
    assert refused.status_code == 401
    assert 'id="totp-enrolment"' not in refused.get_data(as_text=True)
    # The admin's copy still confirms too, as before (handed over a trusted channel).
    latest = answer["totp"]["secret"]
    result = client.sign_in("omar", PASSWORD, totp=_code(latest))
    assert result.token.startswith("hvt_")
