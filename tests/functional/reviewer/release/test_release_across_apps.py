"""A verified, consented report goes through the gate to the case base; a withdrawal after
release reaches the case base as a signed tombstone and the record is gone (S19, S20).
Three real apps on loopback ports: vault API, reviewer app, case base."""

from __future__ import annotations

import logging
import random
import re

from vault.canonical import utc_day

FIELDS = {
    "form_version": 1,
    "person": {"kind": "individual", "gender": "woman", "roles": ["hrd"], "country": "BH",
               "city": "Muharraq"},
    "identity": {"real_name": "Zahra Haddad"},
    "un_link": {"linked": "yes", "mechanisms": ["hrc"], "engagement": "actual"},
    "incidents": [{"date": "2023-03", "place": "Muharraq airport", "acts": ["travel_ban"],
                   "perpetrators": ["immigration"]}],
    "situation": {"narrative": "Zahra Haddad was stopped at Muharraq airport on her way to "
                               "the Human Rights Council; officers took her passport."},
    "consent": {"scopes": {"contact": "grant"}, "given_by": "victim", "day": utc_day()},
}


def draft_form(approver: str, **changes):  # type: ignore[no-untyped-def]
    form = {
        "tier": "public", "kind": "individual", "country": "BH", "year": "2023",
        "gender": "woman", "role": "hrd", "acts": ["travel_ban"],
        "perpetrators": ["immigration"], "mechanisms": ["hrc"], "engagement": "actual",
        "anonymity_requested": "y", "outcome": "ongoing",
        "title": "Travel ban after cooperation with the Human Rights Council",
        "narrative": "A woman human rights defender was prevented from travelling to a "
                     "session of the Human Rights Council; her passport was confiscated.",
        "suspect_set_estimate": "60",
        "suspect_set_reason": "Dozens of defenders from the country attended that session.",
        "approver": approver,
        "follow_up": "2024-02 raised_by_un_official : raised at the next Council session",
        "sg_citations": "A/HRC/57/60 2024 annex_1 21",
    }
    form.update(changes)
    return form


def _redact(reviewer, report_id: str) -> None:
    """Keep every suggestion of the redaction assistant: version 1 of the narrative."""
    path = f"/reports/{report_id}/redact"
    html = reviewer.page(path)
    keep = sorted(set(re.findall(r'name="keep" value="(\d+)"', html)))
    assert keep
    saved = reviewer.post(path, {"keep": keep, "base": "0", "mention_type": "PERSON"},
                          token_from=path)
    assert saved.status_code == 302


def _verify(reviewer, report_id: str) -> None:
    path = f"/reports/{report_id}"
    answer = reviewer.post(f"{path}/status", {"status": "verified", "verification": "likely",
                                              "reliability": "high", "comment": "two sources"},
                           token_from=path)
    assert answer.status_code == 302


def test_consented_report_released_then_withdrawn(release_world, caplog):
    caplog.set_level(logging.DEBUG)
    world = release_world
    world.seed_matching(6, random.Random(1))
    world.seed_matching(1, random.Random(2), acts=["threats"])  # l-diversity: 2 categories
    report = world.submit(FIELDS)
    vera, coord = world.reviewer("vera"), world.reviewer("coord")
    _verify(vera, report.report_id)
    page = f"/release/reports/{report.report_id}"
    form = draft_form(coord.key_id)
    _redact(vera, report.report_id)
    assert "[PERSON-1]" in vera.page(page)  # the redacted text, for reference only

    refused = vera.post(f"{page}/draft", form, token_from=page)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'data-code="consent_missing"' in text
    assert "No signed consent event grants" in text
    assert 'data-rule="verification" data-ok="yes"' in text

    world.reporter_event(report, "consent_change", {
        "scopes": {"casebase_anonymized": "grant"}, "given_by": "victim", "day": utc_day()})
    drafted = vera.post(f"{page}/draft", form, token_from=page)
    assert drafted.status_code == 302, drafted.get_data(as_text=True)
    assert "All eight rules hold." in vera.page(page)
    assert report.report_id[:8] in vera.page("/inbox/?status=release_drafted")

    self_approval = vera.client.post(f"{page}/approve", data={
        "csrf_token": vera.csrf(page), "passphrase": "release test passphrase"})
    assert self_approval.status_code == 403  # verifiers cannot approve at all

    approved = coord.post(f"{page}/approve", {"passphrase": "release test passphrase"},
                          token_from=page)
    assert approved.status_code == 302
    items = world.runtime.outbox.items()
    assert [(i.kind, i.status) for i in items] == [("release", "sent")]
    assert report.report_id[:8] in coord.page("/inbox/?status=released")
    again = coord.post(f"{page}/approve", {"passphrase": "release test passphrase"},
                       token_from=page)
    assert again.status_code == 302
    assert "approved already" in coord.page(page)
    assert "Approve, sign and send" not in coord.page(page)
    assert len(world.runtime.outbox.items()) == 1
    record_id = items[0].record_id
    case = world.casebase_case(record_id)
    assert case.status_code == 200
    body = case.json()
    assert body["narrative"].startswith("A woman human rights defender")
    assert [(e["date"], e["event"]) for e in body["follow_up"]] == [
        ("2024", "raised_by_un_official")]  # coarsened to the year (S18)
    assert body["sg_citations"] == [{"symbol": "A/HRC/57/60", "year": 2024,
                                     "annex": "annex_1", "paragraph": "21"}]
    assert "Zahra" not in case.text
    assert "Haddad" not in case.text
    assert "Muharraq" not in case.text

    world.reporter_event(report, "withdrawal", {"day": utc_day()})
    key_file = world.created.config.keys_dir / "release.key"
    moved = key_file.rename(key_file.with_suffix(".away"))  # a host without the key
    assert "no tombstone could be signed here" in coord.page(page)
    moved.rename(key_file)
    swept = coord.post("/release/outbox/sweep", {}, token_from="/release/outbox")
    assert swept.status_code == 302
    kinds = [(i.kind, i.status) for i in world.runtime.outbox.items()]
    assert kinds == [("release", "sent"), ("tombstone", "sent")]
    assert world.casebase_case(record_id).status_code == 404
    assert "withdrawn (tombstone)" in coord.page(page)
    _no_identifying_logs(caplog, report.report_id, record_id)


def _no_identifying_logs(caplog, report_id: str, record_id: str) -> None:
    """Canary: what the apps log (the test servers' access log aside) names no person,
    place, narrative, report, record or address."""
    ours = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in
            ("haven", "reviewer", "casebase", "vault")]
    for secret in ("Zahra", "Haddad", "Muharraq", "passport", "woman human rights",
                   report_id, record_id, "127.0.0.1"):
        assert not [m for m in ours if secret in m], secret


def test_re_identifiable_report_is_refused_with_every_reason(release_world):
    world = release_world  # an empty case base: no class can reach k
    report = world.submit({**FIELDS, "risk": {"detained": "yes"}})
    world.reporter_event(report, "consent_change", {
        "scopes": {"casebase_anonymized": "grant"}, "given_by": "victim", "day": utc_day()})
    vera, coord = world.reviewer("vera"), world.reviewer("coord")
    page = f"/release/reports/{report.report_id}"
    form = draft_form(coord.key_id, narrative="Zahra Haddad lost her passport.",
                      suspect_set_estimate="3")
    refused = vera.post(f"{page}/draft", form, token_from=page)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    for code in ("not_verified", "risk_flag_open", "identifier_left", "re_identifiable"):
        assert f'data-code="{code}"' in text, code
    assert "suspect set is estimated at 3" in text
    assert 'data-rule="consent" data-ok="yes"' in text
    assert world.runtime.outbox.items() == []
