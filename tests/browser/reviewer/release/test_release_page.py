"""In Chromium, under the reviewer app's strict CSP and without any JavaScript: a verifier
fills in the release form, sees every reason the gate refuses in words, and after the
reporter's signed consent the draft is signed; the coordinator approves it."""

from __future__ import annotations

import random

import pytest

from vault.canonical import utc_day

PASSPHRASE = "release test passphrase"  # noqa: S105 - test keys
FIELDS = {
    "form_version": 1,
    "identity": {"real_name": "Olga Petrova"},
    "incidents": [{"date": "2023-04", "acts": ["travel_ban"]}],
    "situation": {"narrative": "Olga Petrova was stopped at the airport."},
}


@pytest.mark.browser
def test_release_form_in_chromium(browser, served_release_world):
    world = served_release_world
    world.seed_matching(6, random.Random(7))
    world.seed_matching(1, random.Random(8), acts=["threats"])
    report = world.submit(FIELDS)
    vera = world.browser_reviewer(browser, "vera")
    errors = []
    vera.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = world.reviewer_url
    vera.goto(f"{base}/reports/{report.report_id}")
    vera.select_option("select[name=status]", "verified")
    vera.select_option("select[name=verification]", "confirmed")
    vera.locator("form", has=vera.locator("select[name=status]")).locator(
        "button[type=submit]").click()

    vera.goto(f"{base}/reports/{report.report_id}")
    vera.click("text=Release to the case base")
    vera.fill("#f-title", "Travel ban after cooperation with the Human Rights Council")
    vera.fill("#f-country", "BH")
    vera.fill("#f-year", "2023")
    vera.select_option("#f-gender", "woman")
    vera.select_option("#f-role", "hrd")
    vera.select_option("#f-acts", ["travel_ban"])
    vera.select_option("#f-perpetrators", ["immigration"])
    vera.select_option("#f-mechanisms", ["hrc"])
    vera.fill("#f-narrative", "A woman defender was prevented from travelling to Geneva.")
    vera.fill("#f-suspects", "80")
    vera.fill("#f-suspects-why", "Many defenders travelled to that session.")
    vera.select_option("#f-approver", label="coord")
    vera.click("text=Check with the gate and sign as drafter")
    assert vera.locator("#gate-verdict").inner_text() == "Refused. Every reason:"
    consent = vera.locator("li[data-rule=consent] .error")
    assert "No signed consent event grants 'casebase_anonymized'" in consent.inner_text()
    assert vera.locator("li[data-ok=no]").count() == 1

    world.reporter_event(report, "consent_change", {
        "scopes": {"casebase_anonymized": "grant"}, "given_by": "victim", "day": utc_day()})
    vera.click("text=Check with the gate and sign as drafter")
    assert vera.locator("#gate-verdict").inner_text() == "All eight rules hold."
    assert vera.locator("text=Approve, sign and send").count() == 0  # not the approver

    coord = world.browser_reviewer(browser, "coord")
    coord.goto(f"{base}/release/reports/{report.report_id}")
    coord.fill("#approve-pass", PASSPHRASE)
    coord.click("text=Approve, sign and send")
    assert coord.locator("li[data-kind=release][data-status=sent]").count() == 1
    assert [e for e in errors if "422" not in e] == []  # a refused draft answers 422
