"""The board's eligibility for a fixture of cases across two reporting periods."""

from __future__ import annotations

import dataclasses
import datetime as dt

from reviewer.unworkflow.eligibility import (
    CaseSnapshot,
    board,
    category,
    consent_by_scope,
    filter_board,
    follow_up_checklist,
)

from .conftest import consent

D = dt.date


def case(report_id: str, received: dt.date, **change) -> CaseSnapshot:  # type: ignore[no-untyped-def]
    base = CaseSnapshot(
        report_id=report_id, title=report_id, received=received, incident_day=None,
        country="BH", mechanisms=("hrc",), urgent=False, status="verified",
        verification="likely", consent=consent("un_confidential", day="2026-09-01"),
        missing_items=(), un_link_checked=True)
    return dataclasses.replace(base, **change)


FIXTURE = (
    case("new-2026", D(2025, 9, 1)),  # in the first period
    case("new-2027", D(2026, 7, 1), country="EG", mechanisms=("upr",), urgent=True),
    case("late-incident", D(2026, 5, 20), incident_day=D(2026, 4, 10)),  # reprisal in P1
    case("after-deadline", D(2026, 6, 2), incident_day=D(2026, 4, 10)),
    case("cited-2026", D(2025, 8, 1), cited_years=(2026,),
         follow_up_dates=("2026-09",),
         last_follow_up={"event": "government_response", "date": "2026-09",
                         "stance": "denies"}),
    case("transmitted-2026", D(2025, 10, 1), transmitted_years=(2026,)),
    case("closed-earlier", D(2025, 10, 1), cited_years=(2026,), status="closed"),
    case("withdrawn", D(2026, 6, 1), withdrawn=True),
    case("not-yet", D(2027, 6, 1)),
)


def test_first_period_carries_the_new_cases_of_that_period(cycles_2026_2027):
    first, _second = cycles_2026_2027
    got = {e.case.report_id: e.category for e in board(FIXTURE, first,
                                                       max_consent_age_days=365)}
    assert got == {"new-2026": "new", "late-incident": "new", "cited-2026": "new",
                   "transmitted-2026": "new", "closed-earlier": "new"}


def test_second_period_new_cases_and_earlier_cases_to_follow_up(cycles_2026_2027):
    _first, second = cycles_2026_2027
    entries = board(FIXTURE, second, max_consent_age_days=365)
    got = {e.case.report_id: e.category for e in entries}
    assert got == {"new-2027": "new", "late-incident": "new", "after-deadline": "new",
                   "cited-2026": "follow_up", "transmitted-2026": "follow_up"}
    assert entries[0].case.report_id == "new-2027"  # new and urgent first
    by_id = {e.case.report_id: e for e in entries}
    assert by_id["cited-2026"].lacks == ()
    assert by_id["cited-2026"].ready
    assert "follow-up: no update recorded in this period" in by_id["transmitted-2026"].lacks


def test_what_a_case_lacks(cycles_2026_2027):
    _first, second = cycles_2026_2027
    lacking = case("lacking", D(2026, 8, 1), missing_items=("UN body or mechanism",),
                   verification="possible", un_link_checked=False,
                   consent=consent("un_report_anonymous", given_by="family",
                                   day="2026-09-01"))
    (entry,) = board([lacking], second, max_consent_age_days=365)
    assert entry.lacks == ("item: UN body or mechanism",
                           "consent: given by family; the victim's own is needed",
                           "verification: possible",
                           "verification: UN link not checked")
    assert not entry.ready
    nothing = case("none", D(2026, 8, 1), consent=consent())
    (entry,) = board([nothing], second, max_consent_age_days=365)
    assert "consent: no signed victim consent for UN use" in entry.lacks
    assert entry.ask_scopes == ("un_confidential", "un_report_anonymous")


def test_old_consent_must_be_reconfirmed_before_the_deadline(cycles_2026_2027):
    _first, second = cycles_2026_2027
    states = consent_by_scope(consent("un_confidential", "state_transmission",
                                      day="2026-04-01",
                                      withdrawn=("un_report_named",)),
                              second.deadline, max_age_days=365)
    assert states == {"un_confidential": "stale", "un_report_named": "withdrawn",
                      "un_report_anonymous": "missing", "state_transmission": "stale"}
    (entry,) = board([case("old", D(2026, 8, 1),
                           consent=consent("un_confidential", day="2026-04-01"))],
                     second, max_consent_age_days=365)
    assert entry.reconfirm_scopes == ("un_confidential",)
    assert entry.ask_scopes == ("un_confidential",)
    assert "consent: un_confidential must be re-confirmed before 2027-05-31" in entry.lacks


def test_filters_by_state_mechanism_and_urgency(cycles_2026_2027):
    _first, second = cycles_2026_2027
    entries = board(FIXTURE, second, max_consent_age_days=365)
    assert [e.case.report_id for e in filter_board(entries, state="eg")] == ["new-2027"]
    assert [e.case.report_id for e in filter_board(entries, mechanism="upr")] == ["new-2027"]
    assert [e.case.report_id for e in filter_board(entries, urgency="urgent")] == ["new-2027"]
    assert "new-2027" not in [e.case.report_id for e in filter_board(entries,
                                                                       urgency="routine")]


def test_follow_up_checklist_lists_earlier_cases_without_an_update_first(cycles_2026_2027):
    _first, second = cycles_2026_2027
    listed = [c.report_id for c in follow_up_checklist(FIXTURE, second)]
    assert listed == ["closed-earlier", "transmitted-2026", "cited-2026"]
    assert category(FIXTURE[-1], second) is None


def test_a_malformed_consent_day_counts_as_stale_not_as_an_error(cycles_2026_2027):
    _first, second = cycles_2026_2027
    odd = consent("un_confidential", day="last spring")
    assert consent_by_scope(odd, second.deadline, 365)["un_confidential"] == "stale"
