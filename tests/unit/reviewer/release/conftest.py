"""Facts that pass every rule of the gate; each test changes one thing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from reviewer.redact import KnownIdentifiers
from reviewer.release.anonymity import Assessment
from reviewer.release.facts import Person, ReleaseFacts
from reviewer.release.settings import ReleaseSettings
from vault.events import ConsentState

TODAY = "2026-11-23"


def days_ago(days: int) -> str:
    return (dt.date.fromisoformat(TODAY) - dt.timedelta(days=days)).isoformat()


RECORD = {
    "kind": "individual", "title": "Travel ban after cooperation with the Council",
    "name": None, "country": "BH", "year": 2023, "year_to": None, "gender": "woman",
    "role": "hrd", "acts": ["travel_ban"], "perpetrators": ["immigration"],
    "mechanisms": ["hrc"], "engagement": "actual", "verification": "likely",
    "anonymity_requested": True, "named": False, "detained": False,
    "narrative": "A woman human rights defender was prevented from travelling to a session "
                 "of the Human Rights Council; her passport was confiscated.",
    "un_actors": [], "follow_up": [], "outcome": "ongoing", "sg_citations": [],
}


def passing_facts(**changes) -> ReleaseFacts:  # type: ignore[no-untyped-def]
    facts = ReleaseFacts(
        today=TODAY, tier="public", record=dict(RECORD),
        consent=ConsentState(granted=frozenset({"casebase_anonymized"}), given_by="victim",
                             last_day={"casebase_anonymized": days_ago(10)}),
        verification="likely", risk_flags=(), risk_override_by=frozenset(),
        risk_override_reason="",
        known=KnownIdentifiers.from_mapping({"persons": ["Zahra Haddad"],
                                             "places": ["Muharraq"]}),
        language="en", anonymity=Assessment(True, 0, dict(RECORD), {}, "k holds"),
        anonymity_error=None, suspect_set_estimate=60, previous_release=None,
        drafter=Person("a" * 32, False), approver=Person("b" * 32, True),
        latest_incident_day=days_ago(400))
    return dataclasses.replace(facts, **changes)


@pytest.fixture
def facts():  # type: ignore[no-untyped-def]
    return passing_facts


@pytest.fixture
def settings() -> ReleaseSettings:
    return ReleaseSettings()
