"""In Chromium, under the reviewer app's strict CSP: a coordinator sets the reporting period
on the cycle board, finds the consented case, drafts its transmission; a second coordinator
approves it with their passphrase, downloads the encrypted package (which opens with the demo
OHCHR key) and logs it as sent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reviewer.unworkflow.sealing import open_package
from vault.canonical import utc_day

PASSPHRASE = "release test passphrase"  # noqa: S105 - test keys
FIELDS = {
    "form_version": 1,
    "un_link": {"linked": "yes", "mechanisms": ["hrc"], "when": "2026-03",
                "references": "HRC61", "reason": "Stopped on the way to the session."},
    "person": {"gender": "woman", "age_band": "30_49", "roles": ["hrd"], "country": "BH",
               "nationality": "Bahraini"},
    "remedies": {"domestic_complaint": "no"},
    "identity": {"real_name": "Olga Petrova"},
    "incidents": [{"date": "2026-03", "acts": ["travel_ban"], "perpetrator_kind": "state"}],
    "situation": {"narrative": "Olga Petrova was stopped at the airport."},
    "consent": {"scopes": {"un_confidential": "grant"}, "given_by": "victim",
                "day": utc_day()},
}


@pytest.mark.browser
def test_coordinator_goes_from_the_board_to_a_sent_package(browser, served_un_world):
    world, identity_path = served_un_world
    report = world.submit(FIELDS)
    vera = world.reviewer("vera")
    path = f"/reports/{report.report_id}"
    vera.post(f"{path}/status", {"status": "verified", "verification": "confirmed",
                                 "reliability": "high"}, token_from=path)
    vera.post(f"{path}/checklist", {"un_link": "y"}, token_from=path)

    base = world.reviewer_url
    coord = world.browser_reviewer(browser, "coord", downloads=True)
    errors: list[str] = []
    coord.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    today = dt.date.fromisoformat(utc_day())
    coord.goto(f"{base}/cycle/")
    coord.fill("#c-year", str(today.year + 1))
    coord.fill("#c-start", (today - dt.timedelta(days=60)).isoformat())
    coord.fill("#c-end", (today + dt.timedelta(days=300)).isoformat())
    coord.fill("#c-deadline", (today + dt.timedelta(days=330)).isoformat())
    coord.click("#cycle-form button[type=submit]")
    assert coord.locator("#countdown").get_attribute("data-days") == "330"
    row = coord.locator(f"tr[data-report='{report.report_id}']")
    assert row.get_attribute("data-category") == "new"
    assert row.get_attribute("data-ready") == "yes"
    row.get_by_role("link", name="Transmission").click()

    coord.select_option("#t-destination", "ohchr-demo")
    coord.select_option("#t-use", "confidential")
    coord.select_option("#t-lang", "es")
    coord.fill("#t-summary", "Defensora retenida en el aeropuerto tras cooperar con el Consejo.")
    coord.select_option("#t-approver", label="cora")
    coord.click("#transmission-form button[type=submit]")
    assert coord.locator(".transmission-draft").count() == 1
    assert coord.locator("text=Approve, encrypt and export").count() == 0  # not the approver

    cora = world.browser_reviewer(browser, "cora", downloads=True)
    cora.goto(f"{base}/transmissions/{report.report_id}")
    cora.fill(".transmission-draft input[name=passphrase]", PASSPHRASE)
    cora.click("text=Approve, encrypt and export")
    with cora.expect_download() as info:
        cora.click("text=Download the encrypted package (.age)")
    ciphertext = Path(info.value.path()).read_bytes()
    members = open_package(ciphertext, identity_path.read_text())
    package = json.loads(members["package.json"])
    assert package["victim"]["identity"]["name"] == "Olga Petrova"
    assert package["summary"]["lang"] == "es"

    cora.fill("input[name=channel]", "encrypted e-mail")
    cora.click(".log-form button[type=submit]")
    assert cora.locator("li[data-step=sent]").count() == 1
    cora.goto(f"{base}/followup/{report.report_id}")
    assert cora.locator("li[data-event=transmission_sent]").count() == 1
    assert errors == []
