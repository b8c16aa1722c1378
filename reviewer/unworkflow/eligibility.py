"""Which cases the current SG report cycle can carry, and what each still lacks.

A case here is one report with its reviewer records (``CaseSnapshot``, gathered by
``reviewer/unworkflow/board.py``). For a cycle:

- **new** (Annex I): received in the period, or the reprisal happened in the period and the
  report arrived before the deadline; never cited or transmitted in an earlier cycle;
- **follow-up** (Annex II): cited in an earlier SG report, or transmitted in an earlier
  cycle, and not closed — with "no update recorded this period" as a lack until one is;
- otherwise not eligible (withdrawn, received after the period, or closed earlier case).

What a case lacks: OHCHR's required items, the victim's own consent per UN scope (signed
consent events, S1), consent old enough to need re-confirming before the deadline,
verification, and the reviewers' check of the UN link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reviewer.unworkflow.cycles import Cycle
from reviewer.unworkflow.followup import in_period
from reviewer.unworkflow.gate import OWN_CONSENT_GIVERS
from reviewer.unworkflow.package import UN_SCOPES
from vault.events import ConsentState

VERIFIED = frozenset({"confirmed", "likely"})
CLOSED = frozenset({"closed"})
SCOPES_SHOWN = ("un_confidential", "un_report_named", "un_report_anonymous",
                "state_transmission")


@dataclass(frozen=True)
class CaseSnapshot:
    report_id: str
    title: str
    received: dt.date
    incident_day: dt.date | None
    country: str
    mechanisms: tuple[str, ...]
    urgent: bool
    status: str
    verification: str | None
    consent: ConsentState
    missing_items: tuple[str, ...]
    un_link_checked: bool
    cited_years: tuple[int, ...] = ()
    transmitted_years: tuple[int, ...] = ()
    follow_up_dates: tuple[str, ...] = ()
    last_follow_up: Mapping[str, Any] | None = None
    reconfirmation_asked: str | None = None  # the day consent was last asked again
    withdrawn: bool = False


@dataclass(frozen=True)
class BoardEntry:
    case: CaseSnapshot
    category: str  # new | follow_up
    lacks: tuple[str, ...]
    consent: Mapping[str, str]  # scope -> granted | withdrawn | stale | missing
    reconfirm_scopes: tuple[str, ...]
    ready: bool = field(default=False)

    @property
    def ask_scopes(self) -> tuple[str, ...]:
        """What a one-click prompt asks the reporter to (re-)confirm: stale scopes, or the
        UN scopes never given (never the ones the reporter withdrew)."""
        if self.reconfirm_scopes:
            return self.reconfirm_scopes
        return tuple(s for s in ("un_confidential", "un_report_anonymous")
                     if self.consent.get(s) == "missing")


def is_earlier_case(case: CaseSnapshot, cycle: Cycle) -> bool:
    return any(y < cycle.year for y in (*case.cited_years, *case.transmitted_years))


def category(case: CaseSnapshot, cycle: Cycle) -> str | None:
    if case.withdrawn:
        return None
    if is_earlier_case(case, cycle):
        return None if case.status in CLOSED else "follow_up"
    if case.received > cycle.deadline:
        return None
    if cycle.covers(case.received):
        return "new"
    if case.incident_day and cycle.covers(case.incident_day):
        return "new"
    return None


def consent_by_scope(consent: ConsentState, deadline: dt.date,
                     max_age_days: int) -> dict[str, str]:
    """Each UN scope's state as of the deadline: consent older than ``max_age_days`` on the
    deadline day is ``stale`` (ask the reporter to re-confirm before then)."""
    states = {}
    for scope in SCOPES_SHOWN:
        if consent.report_withdrawn or scope in consent.withdrawn:
            states[scope] = "withdrawn"
        elif scope not in consent.granted:
            states[scope] = "missing"
        else:
            given = _day(consent.last_day.get(scope))
            old = given is None or (deadline - given).days > max_age_days
            states[scope] = "stale" if old else "granted"
    return states


def _day(value: object) -> dt.date | None:
    """A consent event's day; the reporter signs it but its shape is not checked upstream,
    so a malformed day counts as unknown (stale), never as an error."""
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def lacks(case: CaseSnapshot, cycle: Cycle, kind: str, scopes: Mapping[str, str]) -> list[str]:
    found = [f"item: {item}" for item in case.missing_items]
    if not any(scopes[s] in ("granted", "stale") for s in UN_SCOPES):
        found.append("consent: no signed victim consent for UN use")
    elif case.consent.given_by not in OWN_CONSENT_GIVERS:
        found.append(f"consent: given by {case.consent.given_by}; the victim's own is needed")
    found += [f"consent: {s} must be re-confirmed before {cycle.deadline.isoformat()}"
              for s, state in scopes.items() if state == "stale" and s in UN_SCOPES]
    if case.verification not in VERIFIED:
        found.append(f"verification: {case.verification or 'not verified yet'}")
    if not case.un_link_checked:
        found.append("verification: UN link not checked")
    if kind == "follow_up" and not any(in_period(d, cycle) for d in case.follow_up_dates):
        found.append("follow-up: no update recorded in this period")
    return found


def board(cases: Iterable[CaseSnapshot], cycle: Cycle, *, max_consent_age_days: int
          ) -> list[BoardEntry]:
    """The eligible cases of ``cycle`` with what each lacks; new cases first, then urgent."""
    entries = []
    for case in cases:
        kind = category(case, cycle)
        if kind is None:
            continue
        scopes = consent_by_scope(case.consent, cycle.deadline, max_consent_age_days)
        missing = lacks(case, cycle, kind, scopes)
        reconfirm = tuple(s for s, state in scopes.items() if state == "stale")
        entries.append(BoardEntry(case, kind, tuple(missing), scopes, reconfirm,
                                  ready=not missing))
    return sorted(entries, key=lambda e: (e.category != "new", not e.case.urgent,
                                          e.case.received))


def filter_board(entries: Iterable[BoardEntry], *, state: str = "", mechanism: str = "",
                 urgency: str = "") -> list[BoardEntry]:
    kept = []
    for entry in entries:
        if state and entry.case.country != state.upper():
            continue
        if mechanism and mechanism not in entry.case.mechanisms:
            continue
        if urgency == "urgent" and not entry.case.urgent:
            continue
        if urgency == "routine" and entry.case.urgent:
            continue
        kept.append(entry)
    return kept


def follow_up_checklist(cases: Iterable[CaseSnapshot], cycle: Cycle) -> list[CaseSnapshot]:
    """Earlier cases to follow up this cycle (cited or transmitted before), with their last
    known state on each snapshot; the ones without an update in the period first."""
    earlier = [c for c in cases if is_earlier_case(c, cycle) and not c.withdrawn]
    return sorted(earlier, key=lambda c: (any(in_period(d, cycle) for d in c.follow_up_dates),
                                          c.title))
