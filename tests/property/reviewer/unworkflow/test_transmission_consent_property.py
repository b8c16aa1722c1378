"""Property: a transmission package never carries a field whose scope is not consented.

Random consent (any subset of the scopes, granted or withdrawn, by any giver, the report
withdrawn or not) over a report that fills every field: the package's identity, public name
and city appear — as values anywhere in the JSON — only under the scopes that allow them,
and nothing but the header is present without a UN scope. The expectation is written here
from the consent texts, not read from the builder's own table.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.taxonomy import load_taxonomy
from reviewer.unworkflow.package import PackageInput, build_package
from vault.events import ConsentState

REAL_NAME, PUBLIC_NAME, CITY = "Zahra Real-Haddad", "Z. Public-Haddad", "Muharraq-City"
HEADER = {"format", "transmission_id", "destination", "use", "cycle", "prepared_on",
          "submitting_organisation"}
SCOPES = load_taxonomy().ids("consent_scopes")

FIELDS = {
    "un_link": {"linked": "yes", "mechanisms": ["hrc"], "when": "2026-03",
                "references": "HRC61", "reason": "after testimony"},
    "person": {"gender": "woman", "age_band": "30_49", "roles": ["hrd"],
               "nationality": "Bahraini", "city": CITY, "country": "BH",
               "name_to_publish": PUBLIC_NAME, "relatives_targeted": "yes"},
    "identity": {"real_name": REAL_NAME, "contact": "never-leaves@example.org"},
    "incidents": [{"date": "2026-03-20", "acts": ["travel_ban"], "perpetrator_kind": "state"}],
    "situation": {"charges": "none", "narrative": "stopped at the airport"},
    "remedies": {"domestic_complaint": "no"},
    "risk": {"further_reprisal": "yes"},
    "consent": {"risks_explained_how": "video call"},
}


@st.composite
def consents(draw):  # type: ignore[no-untyped-def]
    granted = draw(st.frozensets(st.sampled_from(SCOPES)))
    withdrawn = draw(st.frozensets(st.sampled_from(SCOPES))) - granted
    return ConsentState(granted=granted, withdrawn=withdrawn,
                        given_by=draw(st.sampled_from(("victim", "family", "guardian",
                                                       "not_asked"))),
                        risks_explained=draw(st.booleans()),
                        last_day={s: "2026-04-01" for s in granted | withdrawn},
                        report_withdrawn=draw(st.booleans()), counted_events=1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consent=consents(), use=st.sampled_from(("confidential", "sg_report_named",
                                                 "sg_report_anonymous")))
def test_package_never_carries_an_unconsented_field(consent, use):
    package = build_package(PackageInput(
        transmission_id="t", destination={"id": "ohchr", "name": "OHCHR"}, use=use,
        cycle=2027, prepared_on="2026-05-01", organisation="org", summary="Summary.",
        summary_lang="en", fields=FIELDS, consent=consent, verification="likely",
        reliability="high"))
    text = json.dumps(package, ensure_ascii=False)
    live = set() if consent.report_withdrawn else set(consent.granted)
    un_scope = bool(live & {"un_confidential", "un_report_named", "un_report_anonymous"})
    identity_scope = bool(live & {"un_confidential", "un_report_named"})
    assert (REAL_NAME in text) == identity_scope
    assert (CITY in text) == identity_scope
    assert (PUBLIC_NAME in text) == ("un_report_named" in live)
    assert "never-leaves@example.org" not in text
    if not un_scope:
        assert set(package) == HEADER
    else:
        assert package["consent"]["scopes"] == sorted(
            live & {"un_confidential", "un_report_named", "un_report_anonymous",
                    "state_transmission"})
        assert package["confidentiality"]["may_be_transmitted_to_state"] == (
            "state_transmission" in live)
