"""CSRF, session fixation, cookie attributes, TOTP replay and lockout — through the whole
stack (reviewer app -> real vault API)."""

from __future__ import annotations

import secrets

from vault.api.testkit import PASSWORD

COOKIE = "haven-reviewer-dev"


def _sid(driver) -> str | None:
    cookie = driver.client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def _notes(rv, report_id: str) -> int:
    from reviewer.vault_client import VaultClient

    client = VaultClient(rv.api_url)
    token = client.login("vera", PASSWORD, totp=rv.totp("vera")).token
    return len(client.with_token(token).records(report_id=report_id, kind="note"))


def test_csrf_missing_or_invalid_is_refused_and_changes_nothing(rv):
    report = rv.submit()
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}/note"
    missing = coord.client.post(path, data={"text": "forged"})
    invalid = coord.client.post(path, data={"text": "forged", "csrf_token": "x" * 40})
    for response in (missing, invalid):
        assert response.status_code == 400
        assert "Form refused" in response.get_data(as_text=True)
    other = rv.driver("vera")  # a valid token, but of another session
    stolen = coord.client.post(path, data={"text": "forged", "csrf_token": other.csrf("/")})
    assert stolen.status_code == 400
    assert _notes(rv, report.report_id) == 0


def test_login_form_itself_needs_csrf(rv):
    driver = rv.driver()
    response = driver.client.post("/login", data={"username": "coord", "password": PASSWORD,
                                                  "totp": rv.totp("coord")})
    assert response.status_code == 400


def test_session_fixation_a_planted_id_never_becomes_authenticated(rv):
    attacker = rv.driver()
    attacker.client.get("/login")
    planted = _sid(attacker)
    assert planted
    victim = rv.driver()
    victim.client.set_cookie(COOKIE, planted)
    assert victim.login("coord").status_code == 302
    after_login = _sid(victim)
    assert after_login != planted
    assert attacker.client.get("/").status_code == 302  # still anonymous
    victim.unlock()
    after_unlock = _sid(victim)
    assert after_unlock not in (planted, after_login)
    stale = rv.driver()
    stale.client.set_cookie(COOKIE, after_login)
    assert stale.client.get("/").status_code == 302


def test_made_up_session_ids_are_not_adopted(rv):
    driver = rv.driver()
    made_up = secrets.token_urlsafe(32)
    driver.client.set_cookie(COOKIE, made_up)
    driver.client.get("/login")
    assert _sid(driver) != made_up


def test_cookie_attributes(rv):
    driver = rv.driver()
    response = driver.client.get("/login")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header
    assert "SameSite=Strict" in header
    assert "Path=/" in header
    assert "Domain" not in header


def test_https_deployments_use_a_host_prefixed_secure_cookie(rv, tmp_path):
    from dataclasses import replace

    from reviewer.app import create_app

    config = replace(rv.instance.config, reviewer_url="https://reviewer.example.onion")
    app = create_app(config, vault_url=rv.api_url)
    header = app.test_client().get("/login", base_url="https://reviewer.example.onion"
                                   ).headers["Set-Cookie"]
    assert header.startswith("__Host-haven-reviewer=")
    assert "Secure" in header
    assert "Domain" not in header


def test_logout_ends_the_session_and_wipes_the_key(rv):
    coord = rv.driver("coord")
    sid = _sid(coord)
    state = rv.app.extensions["haven_reviewer"]
    assert state.keys.is_unlocked(sid)
    response = coord.post("/logout")
    assert "storage" in response.headers["Clear-Site-Data"]
    assert not state.keys.is_unlocked(sid)
    assert coord.client.get("/inbox/").status_code == 302


def test_totp_code_cannot_be_replayed(rv):
    code = rv.totp("vera")
    first = rv.driver()
    assert first.login("vera", totp=code).status_code == 302
    second = rv.driver()
    replay = second.login("vera", totp=code)
    assert replay.status_code == 401
    assert "Wrong username, password or code" in replay.get_data(as_text=True)


def test_brute_force_locks_the_account_even_for_the_right_password(rv):
    driver = rv.driver()
    for _ in range(5):
        assert driver.login("otto", password="wrong password!!").status_code == 401
    locked = driver.login("otto")
    assert locked.status_code == 401
    assert "locked" in locked.get_data(as_text=True)


class _Later:
    """A clock that runs ``offset`` seconds ahead of the real one (no sleeping in tests)."""

    def __init__(self, clock) -> None:  # type: ignore[no-untyped-def]
        self.clock = clock
        self.offset = 0.0

    def __call__(self) -> float:
        return self.clock() + self.offset


def test_idle_key_auto_locks_but_the_session_survives(rv):
    report = rv.submit()
    state = rv.app.extensions["haven_reviewer"]
    later = _Later(state.keys._clock)
    state.keys._clock = later
    coord = rv.driver("coord")
    sid = _sid(coord)
    assert coord.client.get(f"/reports/{report.report_id}").status_code == 200
    later.offset = state.config.key_idle_seconds + 1
    response = coord.client.get(f"/reports/{report.report_id}")
    assert response.status_code == 302
    assert "/key/unlock" in response.headers["Location"]
    assert not state.keys.is_unlocked(sid)
    assert coord.client.get("/").status_code == 200  # still signed in


def test_absolute_session_lifetime_ends_an_active_session(rv):
    state = rv.app.extensions["haven_reviewer"]
    later = _Later(state.sessions._clock)
    state.sessions._clock = later
    coord = rv.driver("coord")
    sid = _sid(coord)
    step = state.config.session_idle_seconds - 60
    while later.offset + step < state.config.session_absolute_seconds:
        later.offset += step
        assert coord.client.get("/").status_code == 200
    later.offset = state.config.session_absolute_seconds + 1
    assert coord.client.get("/").status_code == 302
    assert not state.keys.is_unlocked(sid)


def test_recovery_code_works_once(rv):
    code = rv.instance.people["vera"].recovery_codes[0]
    first = rv.driver()
    response = first.client.post("/login", data={
        "csrf_token": first.csrf("/login"), "username": "vera", "password": PASSWORD,
        "recovery_code": code})
    assert response.status_code == 302
    second = rv.driver()
    again = second.client.post("/login", data={
        "csrf_token": second.csrf("/login"), "username": "vera", "password": PASSWORD,
        "recovery_code": code})
    assert again.status_code == 401


def test_login_without_second_factor_is_refused_before_the_api(rv):
    driver = rv.driver()
    response = driver.client.post("/login", data={
        "csrf_token": driver.csrf("/login"), "username": "vera", "password": PASSWORD})
    assert response.status_code == 401
    assert "authenticator" in response.get_data(as_text=True)


def test_unlock_never_redirects_off_site(rv):
    from vault.api.testkit import PASSPHRASE

    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        driver = rv.driver("vera", unlock=False)
        response = driver.client.post("/key/unlock", data={
            "csrf_token": driver.csrf(f"/key/unlock?next={target}"),
            "passphrase": PASSPHRASE, "next": target})
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/inbox/"), target
