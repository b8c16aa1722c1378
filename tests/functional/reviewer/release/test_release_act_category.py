"""The act category step of the ladder across the three apps: a record whose act ids are
too rare in the case base is held back at every act-id level, passes once its acts are
counted by category, and is published, shown and counted with categories, not act ids."""

from __future__ import annotations

import random

from reviewer.release.anonymity import AnonymityClient
from reviewer.release.generalise import Recoding
from vault.canonical import utc_day

PASSPHRASE = "release test passphrase"  # noqa: S105 - test keys
FIELDS = {
    "form_version": 1,
    "identity": {"real_name": "Leyla Rahimi"},
    "incidents": [{"date": "2023-04", "acts": ["travel_ban"]}],
    "situation": {"narrative": "Leyla Rahimi was stopped at the airport."},
    "consent": {"scopes": {"casebase_anonymized": "grant"}, "given_by": "victim",
                "day": utc_day()},
}
FORM = {
    "tier": "public", "kind": "individual", "country": "BH", "year": "2023",
    "gender": "woman", "role": "hrd", "acts": ["travel_ban"], "perpetrators": ["immigration"],
    "mechanisms": ["hrc"], "engagement": "actual", "outcome": "ongoing",
    "title": "Defender kept from travelling after cooperating with the Council",
    "narrative": "A woman human rights defender could not leave the country to attend a "
                 "session of the Human Rights Council.",
    "suspect_set_estimate": "80", "suspect_set_reason": "Many defenders were invited.",
}
QI = {"kind": "individual", "country": "BH", "year": 2023, "year_to": None,
      "gender": "woman", "role": "hrd", "acts": ["travel_ban"], "mechanisms": ["hrc"],
      "perpetrators": ["immigration"], "detained": False}


def test_held_back_by_act_id_released_by_act_category(release_world):
    world = release_world
    # Other organisations' records: same State, year, role, gender, mechanism... but other
    # acts of the same category ("movement": passport, entry_denied), and one "threats"
    # record so that the class holds two act categories (l-diversity).
    world.seed_matching(5, random.Random(5), acts=["passport"])
    world.seed_matching(1, random.Random(6), acts=["threats"])
    vera, coord = world.reviewer("vera"), world.reviewer("coord")
    report = world.submit(FIELDS)
    path = f"/reports/{report.report_id}"
    vera.post(f"{path}/status", {"status": "verified", "verification": "confirmed",
                                 "reliability": "high", "comment": "checked"}, token_from=path)
    page = f"/release/reports/{report.report_id}"
    form = {**FORM, "approver": coord.key_id}

    held = vera.post(f"{page}/draft", form, token_from=page)
    assert held.status_code == 422
    text = held.get_data(as_text=True)
    assert 'data-code="re_identifiable"' in text
    assert "acts by category" in text  # every step was tried before holding it back

    world.seed_matching(1, random.Random(7), acts=["entry_denied"])  # 7 = k 5 + margin 2
    client = AnonymityClient.from_settings(world.runtime.settings)
    for level in range(3):  # by act id the class stays empty at every level
        assert client.counts(QI, Recoding.at(level), None)["public"].k == 0
    assert client.counts(QI, Recoding.at(3), None)["public"].k == 6  # noqa: PLR2004

    drafted = vera.post(f"{page}/draft", form, token_from=page)
    assert drafted.status_code == 302, drafted.get_data(as_text=True)[:2000]
    shown = vera.page(page)
    assert "Generalisation applied: year band, role group and acts by category." in shown
    assert "generalisation level year band, role group and acts by category" in shown
    assert 'id="draft-acts" data-generalised="yes"' in shown
    assert "Restrictions on movement, nationality and exile" in shown

    approved = coord.post(f"{page}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    assert approved.status_code == 302
    items = world.runtime.outbox.items()
    assert [(i.kind, i.status) for i in items] == [("release", "sent")]
    record = items[0].package["package"]["record"]
    assert (record["acts"], record["act_categories"]) == ([], ["movement"])
    assert (record["year"], record["year_to"], record["role"]) == (2022, 2023, None)
    assert record["gender"] == "woman"  # the last step was not needed

    case = world.casebase_case(items[0].record_id).json()
    assert (case["acts"], case["act_categories"]) == ([], ["movement"])
    html = world.casebase_app.test_client().get(f"/cases/{items[0].record_id}")
    assert "Acts (generalised)" in html.get_data(as_text=True)
    # It counts by category for the next release, never by an act id it does not publish
    # (its role is published suppressed, so it is in the class of records without one).
    no_role = {**QI, "role": None}
    assert client.counts(no_role, Recoding.at(3), None)["public"].k == 1
    assert client.counts(no_role, Recoding.at(2), None)["public"].k == 0
