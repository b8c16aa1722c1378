"""The transmission gate and the board through the reviewer app and the real vault API
(``rv``: no case base needed): refusals with reasons, consent withdrawn between draft and
approval, roles, the one-click consent prompt reaching the reporter's encrypted inbox."""

from __future__ import annotations

import datetime as dt
import re

from reviewer.unworkflow.destinations import ensure_demo_recipient
from vault import store
from vault.api.testkit import PASSPHRASE
from vault.canonical import utc_day
from vault.db import transaction
from vault.reporter_open import open_reviewer_events

from .conftest import report_fields

TID = re.compile(r'data-transmission="([0-9a-f-]{36})"')


def _ready(rv, scopes=("un_confidential",), giver="victim"):  # type: ignore[no-untyped-def]
    ensure_demo_recipient(rv.instance.config.instance_dir)
    report = rv.submit(report_fields(giver=giver, scopes=scopes))
    vera = rv.driver("vera")
    path = f"/reports/{report.report_id}"
    assert vera.post(f"{path}/status", {"status": "verified", "verification": "confirmed",
                                        "reliability": "high"}, token_from=path
                     ).status_code == 302
    assert vera.post(f"{path}/checklist", {"un_link": "y"}, token_from=path).status_code == 302
    return report, vera


def _draft(driver, report_id, approver, **change):  # type: ignore[no-untyped-def]
    page = f"/transmissions/{report_id}"
    return driver.post(f"{page}/draft", {
        "destination": "ohchr-demo", "use": "confidential", "cycle": "2027",
        "summary_lang": "en", "summary": "Travel ban after HRC testimony.",
        "approver": approver, **change}, token_from=page)


def test_family_consent_and_the_wrong_scope_are_refused_with_reasons(rv):
    report, vera = _ready(rv, scopes=("un_report_anonymous",), giver="family")
    coord_key = rv.instance.people["coord"].key_id
    refused = _draft(vera, report.report_id, coord_key, use="sg_report_named")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "consent was given by family" in text
    assert "needs consent for un_report_named" in text
    assert "nothing was signed" in text
    bad_input = _draft(vera, report.report_id, coord_key, summary_lang="de")
    assert bad_input.status_code == 422
    assert "summary_lang: en, fr or es" in bad_input.get_data(as_text=True)


def test_consent_withdrawn_after_the_draft_stops_the_export(rv):
    report, vera = _ready(rv)
    coord = rv.driver("coord")
    assert _draft(vera, report.report_id, rv.instance.people["coord"].key_id
                  ).status_code == 302
    page = f"/transmissions/{report.report_id}"
    (tid,) = set(TID.findall(coord.page(page)))
    verifier_try = vera.post(f"{page}/{tid}/approve", {"passphrase": PASSPHRASE},
                             token_from=page)
    assert verifier_try.status_code == 403
    wrong = coord.post(f"{page}/{tid}/approve", {"passphrase": "not it"}, token_from=page)
    assert wrong.status_code == 302
    assert "Wrong passphrase" in coord.page(page)
    rv.reporter_event(report, "consent_change", {
        "scopes": {"un_confidential": "withdraw"}, "given_by": "victim", "day": utc_day()})
    refused = coord.post(f"{page}/{tid}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    assert refused.status_code == 422
    assert "consent for UN use was withdrawn (un_confidential)" in refused.get_data(
        as_text=True)
    assert "Exported packages" in coord.page(page)
    assert "Download the encrypted package" not in coord.page(page)
    assert coord.client.get(f"{page}/{tid}.age").status_code == 404


def test_board_prompts_the_reporter_to_reconfirm_and_only_coordinators_set_periods(rv):
    ensure_demo_recipient(rv.instance.config.instance_dir)
    old = (dt.date.fromisoformat(utc_day()) - dt.timedelta(days=400)).isoformat()
    fields = report_fields(scopes=())
    fields["consent"] = {"scopes": {"un_confidential": "grant"}, "given_by": "victim",
                         "day": old}
    report = rv.submit(fields)
    coord, vera = rv.driver("coord"), rv.driver("vera")
    today = dt.date.fromisoformat(utc_day())
    period = {"year": str(today.year + 1), "period_start": (today - dt.timedelta(days=30))
              .isoformat(), "period_end": (today + dt.timedelta(days=300)).isoformat(),
              "deadline": (today + dt.timedelta(days=320)).isoformat()}
    assert vera.post("/cycle/cycles", period, token_from="/cycle/").status_code == 403
    bad = coord.post("/cycle/cycles", {**period, "deadline": "2001-01-01"},
                     token_from="/cycle/")
    assert bad.status_code == 302
    assert "deadline: must not come before the period starts" in coord.page("/cycle/")
    assert coord.post("/cycle/cycles", period, token_from="/cycle/").status_code == 302
    board = coord.page("/cycle/")
    assert f'data-report="{report.report_id}"' in board
    assert 'data-scope="un_confidential" data-state="stale"' in board
    assert "un_confidential must be re-confirmed before" in board
    asked = coord.post(f"/cycle/reconfirm/{report.report_id}",
                       {"scopes": "un_confidential", "deadline": period["deadline"]},
                       token_from="/cycle/")
    assert asked.status_code == 302
    assert f"re-confirmation asked {utc_day()}" in coord.page("/cycle/")
    with transaction(rv.instance.sessions()) as session:
        sealed = [e.sealed for e in store.list_events(session, report.report_id,
                                                      "to_reporter")]
    (reply,) = open_reviewer_events(sealed, report.receipt_keys, rv.instance.verified_bundle(),
                                    report_id=report.report_id)
    assert reply.payload["reconfirm_scopes"] == ["un_confidential"]
    assert period["deadline"] in reply.payload["text"]
    filtered = coord.page("/cycle/?state=EG")
    assert f'data-report="{report.report_id}"' not in filtered
