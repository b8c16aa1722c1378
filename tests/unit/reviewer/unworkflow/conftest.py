"""Factories for the UN workflow unit tests: a full report's fields and consent states."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reviewer.unworkflow.cycles import Cycle
from vault.events import ConsentState


def full_fields() -> dict[str, Any]:
    """A report that gives every item OHCHR asks for."""
    return {
        "form_version": 1,
        "danger": {"danger_now": "no"},
        "un_link": {"linked": "yes", "mechanisms": ["hrc", "special_procedures"],
                    "official": "Special Rapporteur on human rights defenders",
                    "when": "2026-03", "how": ["testimony"], "engagement": "actual",
                    "references": "HRC 61st session; communication AL BHR 1/2026",
                    "reason": "Questioned about the testimony two days after returning."},
        "person": {"reporter": "self", "kind": "individual", "gender": "woman",
                   "age_band": "30_49", "roles": ["hrd"], "nationality": "Bahraini",
                   "city": "Manama", "country": "BH", "relatives_targeted": "yes",
                   "name_to_publish": "Zahra Haddad"},
        "identity": {"real_name": "Zahra Haddad", "contact": "signal: +973 5555 0101"},
        "incidents": [
            {"date": "2026-03-20", "place": "Manama airport", "acts": ["travel_ban"],
             "perpetrator_kind": "state", "perpetrators": ["border_police"],
             "unit": "Airport security"},
            {"date": "2026-04-02", "place": "Manama", "acts": ["interrogation_un_contacts"],
             "perpetrator_kind": "state", "perpetrators": ["intelligence"]}],
        "situation": {"state_responsible": "BH", "charges": "none", "ongoing": "yes",
                      "narrative": "I was stopped at the airport."},
        "remedies": {"domestic_complaint": "no", "raised_with_un": "yes",
                     "cited_sg_report": "no"},
        "risk": {"further_reprisal": "yes", "detained": "no", "urgent_protection": False},
        "consent": {"giver": "victim", "risks_explained": "yes",
                    "risks_explained_when": "2026-04-05", "risks_explained_how": "video call"},
    }


def consent(*scopes: str, given_by: str = "victim", day: str = "2026-04-05",
            withdrawn: tuple[str, ...] = (), report_withdrawn: bool = False) -> ConsentState:
    return ConsentState(granted=frozenset(scopes), withdrawn=frozenset(withdrawn),
                        given_by=given_by, risks_explained=True,
                        last_day={s: day for s in (*scopes, *withdrawn)},
                        report_withdrawn=report_withdrawn, counted_events=1)


@pytest.fixture
def cycles_2026_2027() -> tuple[Cycle, Cycle]:
    """Two consecutive reporting periods (1 May - 30 April, due in May)."""
    return (Cycle(2026, "SG report 2026", dt.date(2025, 5, 1), dt.date(2026, 4, 30),
                  dt.date(2026, 5, 31)),
            Cycle(2027, "SG report 2027", dt.date(2026, 5, 1), dt.date(2027, 4, 30),
                  dt.date(2027, 5, 31)))
