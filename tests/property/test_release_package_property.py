"""Property: a release package never carries a structured-field identifier of its report.

Reports are generated with a person's name, city, phone and e-mail in their structured
fields; the reviewer-written narrative and title may echo them in many forms. Whatever is
written, either the gate refuses (and no package is built) or the signed package — the
exact bytes the case base receives — contains none of those identifiers.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from reviewer.redact import KnownIdentifiers
from reviewer.release.anonymity import Assessment
from reviewer.release.facts import Person, ReleaseFacts
from reviewer.release.gate import run_gate
from reviewer.release.package import consent_snapshot, finish_release, release_body, sign_as
from reviewer.release.settings import ReleaseSettings
from reviewer.report_fields import known_identifiers
from vault.canonical import b64encode, canonical_json
from vault.events import ConsentState

GIVEN = ("Zahra", "Mariam", "Ahmed", "Olga", "Jean-Pierre", "Nguyễn", "Koffi", "Dilnoza",
         "Rashid", "Ana María")
FAMILY = ("Haddad", "Al-Khawaja", "Petrova", "Mbeki", "Okonkwo", "Tran", "Rahimova",
          "Fernández", "Abdulhadi", "Kowalczyk")
CITIES = ("Muharraq", "Sitra", "Tashkent", "Bujumbura", "Barranquilla", "Mazar-i-Sharif")
SAFE = (
    "A human rights defender was prevented from travelling to a session of the Council.",
    "Officers questioned the defender about contacts with UN staff.",
    "The organisation's registration was suspended after the submission.",
    "Relatives were warned to stop the cooperation.",
    "The case was raised by a special rapporteur.",
)


@st.composite
def reports(draw):  # type: ignore[no-untyped-def]
    given_name, family = draw(st.sampled_from(GIVEN)), draw(st.sampled_from(FAMILY))
    city = draw(st.sampled_from(CITIES))
    phone = "+973 3{} {}".format(*(draw(st.from_regex(r"\A[0-9]{3}\Z")),
                                   draw(st.from_regex(r"\A[0-9]{4}\Z"))))
    email = f"{given_name.lower().replace(' ', '')[:6]}{draw(st.integers(1, 99))}@example.org"
    fields = {
        "form_version": 1,
        "identity": {"real_name": f"{given_name} {family}",
                     "contact": f"Phone {phone}, e-mail {email}"},
        "person": {"city": city, "name_to_publish": ""},
        "incidents": [{"date": "2022-05", "place": city}],
    }
    identifiers = {"name": f"{given_name} {family}", "given": given_name, "family": family,
                   "city": city, "phone": phone, "email": email}
    return fields, identifiers


@st.composite
def narratives(draw, identifiers):  # type: ignore[no-untyped-def]
    parts = list(draw(st.lists(st.sampled_from(SAFE), min_size=1, max_size=3)))
    echoes = draw(st.lists(st.sampled_from(sorted(identifiers)), max_size=2))
    for key in echoes:
        value = identifiers[key]
        form = draw(st.sampled_from(("plain", "upper", "possessive")))
        value = value.upper() if form == "upper" else (
            f"{value}'s" if form == "possessive" and key in ("name", "family") else value)
        parts.insert(draw(st.integers(0, len(parts))), f"It concerns {value} directly.")
    return " ".join(parts), bool(echoes)


RECORD = {
    "kind": "individual", "title": "Reprisal after cooperation with the Council", "name": None,
    "country": "BH", "year": 2022, "year_to": None, "gender": None, "role": "hrd",
    "acts": ["threats"], "perpetrators": [], "mechanisms": ["hrc"], "engagement": "actual",
    "verification": "likely", "anonymity_requested": True, "named": False, "detained": False,
    "un_actors": [], "follow_up": [], "outcome": "ongoing", "sg_citations": [],
}
CONSENT = ConsentState(granted=frozenset({"casebase_anonymized"}), given_by="victim",
                       last_day={"casebase_anonymized": "2026-11-01"})
KEYS = {role: SigningKey.generate() for role in ("release", "drafter", "approver")}


def package_for(record: dict) -> bytes:
    def person(role: str) -> dict:
        return {"id": role, "pk": b64encode(bytes(KEYS[role].verify_key))}

    body = release_body(org_id="org-test", record_id="0" * 32, version=1,
                        issued_at="2026-11-23", tier="public",
                        snapshot=consent_snapshot(CONSENT, "casebase_anonymized"),
                        record=record, release_pk=bytes(KEYS["release"].verify_key),
                        drafter=person("drafter"), approver=person("approver"),
                        certificate=None)
    signed = finish_release(body, sign_as("drafter", body, KEYS["drafter"]),
                            sign_as("approver", body, KEYS["approver"]), KEYS["release"])
    return canonical_json(signed)


def leaked(text: str, identifiers: dict) -> list[str]:
    folded, digits = text.casefold(), re.sub(r"\D", "", text)
    found = [k for k in ("name", "given", "family", "city", "email")
             if identifiers[k].casefold() in folded]
    phone_digits = re.sub(r"\D", "", identifiers["phone"])
    if phone_digits[3:] in digits:
        found.append("phone")
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_package_carries_a_structured_field_identifier(data):
    fields, identifiers = data.draw(reports())
    narrative, echoed = data.draw(narratives(identifiers))
    title = data.draw(st.sampled_from((RECORD["title"], f"The case of {identifiers['family']}")))
    record = {**RECORD, "narrative": narrative, "title": title}
    facts = ReleaseFacts(
        today="2026-11-23", tier="public", record=record, consent=CONSENT,
        verification="likely", risk_flags=(), risk_override_by=frozenset(),
        risk_override_reason="", known=KnownIdentifiers.from_mapping(known_identifiers(fields)),
        language="en", anonymity=Assessment(True, 0, record, {}, "k holds"),
        anonymity_error=None, suspect_set_estimate=100, previous_release=None,
        drafter=Person("d" * 32, False), approver=Person("e" * 32, True),
        latest_incident_day="2022-05-31")
    result = run_gate(facts, ReleaseSettings())
    if echoed or title != RECORD["title"]:
        assert not result.passed, (narrative, title)
        assert [r.rule for r in result.reasons] == ["redaction"]
        return
    assert result.passed, [r.message for r in result.reasons]
    text = package_for(facts.record).decode("utf-8")
    assert leaked(text, identifiers) == []
