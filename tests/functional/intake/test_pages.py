"""The pages: strict headers on every response, no cookies, identical bytes for everyone
(S10), the whole form of DESIGN.md §4 in its order, quick exit."""

from __future__ import annotations

import re

import pytest

from haven.taxonomy import load_taxonomy
from intake.form_schema import VICTIM_ONLY_SCOPES

PAGES = ["/", "/report", "/help", "/protection", "/next", "/inbox", "/exit"]
PAGE_CSP = ("script-src 'self'; default-src 'none'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
CRYPTO_CSP = ("script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; media-src blob:; "
              "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


@pytest.mark.parametrize("path", [*PAGES, "/bundle.json", "/api/v1/pow?scope=submit",
                                  "/static/css/haven.css", "/no-such-page"])
def test_every_response_carries_the_strict_headers(intake_client, path):
    response = intake_client.get(path)
    headers = response.headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "microphone=(self)" in headers["Permissions-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-store, max-age=0"
    assert "Set-Cookie" not in headers
    assert "Strict-Transport-Security" not in headers  # not behind TLS in this instance
    assert "Last-Modified" not in headers


@pytest.mark.parametrize(("path", "policy"), [
    ("/", PAGE_CSP), ("/help", PAGE_CSP), ("/report", CRYPTO_CSP), ("/inbox", CRYPTO_CSP)])
def test_pages_get_the_documented_policy(intake_client, path, policy):
    assert intake_client.get(path).headers["Content-Security-Policy"] == policy


def test_data_responses_cannot_run_anything(intake_client):
    policy = intake_client.get("/bundle.json").headers["Content-Security-Policy"]
    assert policy == "default-src 'none'; frame-ancestors 'none'; sandbox"


def test_scripts_carry_the_policy_their_workers_run_under(intake_client):
    policy = intake_client.get("/static/js/pow-worker.js").headers["Content-Security-Policy"]
    assert policy == ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; "
                      "connect-src 'self'")
    assert "Content-Security-Policy" not in intake_client.get("/static/css/haven.css").headers


def test_pages_are_the_same_bytes_for_every_visitor(intake_client):
    for path in ("/report", "/inbox"):
        first = intake_client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.1"})
        second = intake_client.get(path, environ_base={"REMOTE_ADDR": "198.51.100.7"},
                                   headers={"User-Agent": "other"})
        assert first.data == second.data


def test_no_inline_script_and_every_script_has_sri(intake_client):
    html = intake_client.get("/report").get_data(as_text=True)
    assert "<script>" not in html
    assert " on" + "click=" not in html
    scripts = re.findall(r"<script ([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        assert 'src="/static/' in attributes
        assert 'integrity="sha384-' in attributes


def test_the_form_follows_design_section_4_in_order(intake_client):
    html = intake_client.get("/report").get_data(as_text=True)
    order = [html.index(f'id="page-{section}"') for section in (
        "danger", "un_link", "person", "identity", "incidents", "situation", "remedies",
        "risk", "evidence", "consent", "next", "send")]
    assert order == sorted(order)
    assert 'autocomplete="off"' in html
    taxonomy = load_taxonomy()
    for vocabulary in ("acts", "perpetrators", "mechanisms", "roles", "consent_scopes"):
        for term in taxonomy.ids(vocabulary):
            assert f'value="{term}"' in html, (vocabulary, term)
    assert "Front Line Defenders" in html  # the default emergency line
    assert "Special Rapporteur" in html  # the out-of-scope pointer


def test_every_consent_scope_defaults_to_no_and_victim_scopes_are_marked(intake_client):
    html = intake_client.get("/report").get_data(as_text=True)
    for scope in load_taxonomy().ids("consent_scopes"):
        tag = re.search(rf'<input type="checkbox" name="consent.scopes" value="{scope}"[^>]*>',
                        html).group(0)
        assert "checked" not in tag
        assert ('data-victim-only="1"' in tag) == (scope in VICTIM_ONLY_SCOPES)


def test_danger_question_defaults_to_no(intake_client):
    html = intake_client.get("/report").get_data(as_text=True)
    assert re.search(r'name="danger.danger_now" value="no" checked', html)


def test_quick_exit_clears_site_data_and_leaves(intake_client):
    response = intake_client.get("/exit")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    html = response.get_data(as_text=True)
    assert 'content="0;url=https://www.wikipedia.org/"' in html
    assert 'data-neutral="https://www.wikipedia.org/"' in html


def test_every_page_has_a_quick_exit_button(intake_client):
    for path in ("/", "/report", "/help", "/protection", "/next", "/inbox"):
        assert 'id="quick-exit"' in intake_client.get(path).get_data(as_text=True)


def test_the_bundle_is_served_byte_for_byte(intake_client, intake_instance):
    response = intake_client.get("/bundle.json")
    assert response.data == intake_instance.config.bundle_path.read_bytes()
    assert response.mimetype == "application/json"


def test_tls_and_onion_headers_when_configured(tmp_path, database_url, intake_kit):
    from intake.app import create_app

    instance = intake_kit.build_instance(tmp_path, database_url, intake={
        "behind_tls": True, "onion_address": "exampleonionaddressxyz.onion"})
    response = create_app(instance.config).test_client().get("/report")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["Onion-Location"] == "http://exampleonionaddressxyz.onion/report"


def test_unknown_route_is_a_plain_404(intake_client):
    response = intake_client.get("/no-such-page")
    assert response.status_code == 404
    assert "This page does not exist." in response.get_data(as_text=True)


def test_the_pages_load_the_crypto_scripts_in_the_documented_order(intake_client):
    """haven-crypto.js's header names its load order; the pages must follow it exactly."""
    from intake.site import CRYPTO_SCRIPTS, STATIC_DIR

    header = (STATIC_DIR / "js/crypto/haven-crypto.js").read_text("utf-8").split("*/")[0]
    order_text = header.split("Load order")[1].split("(+")[0]
    documented = re.findall(r"([\w./-]+\.js)", order_text)
    expected = [name if name.startswith("/static/") else f"/static/js/crypto/{name}"
                for name in documented]
    ours = [f"/static/{path}" for path in CRYPTO_SCRIPTS if path != "js/haven-page.js"]
    assert ours == expected
    html = intake_client.get("/report").get_data(as_text=True)
    served = re.findall(r'<script src="(/static/(?:vendor|js/crypto)/[^"]+)"', html)
    assert served == ours


def test_a_right_to_left_language_turns_the_page_around(intake_client):
    html = intake_client.get("/report?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert 'action="/report/nojs?lang=ar"' in html  # the choice travels, with no cookie
    unknown = intake_client.get("/report?lang=xx").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in unknown


def test_an_unknown_language_in_the_section_closes_the_site(tmp_path, database_url, intake_kit):
    from intake.app import create_app

    instance = intake_kit.build_instance(tmp_path, database_url, intake={"languages": ["tlh"]})
    assert create_app(instance.config).test_client().get("/").status_code == 503
