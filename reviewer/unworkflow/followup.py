"""Follow-up of a case: SG report citations, communications to the government and its
responses, statements by States at UN bodies, outcomes — each a sealed ``followup_event``
record on the case's timeline (DESIGN.md §7).

Record content (checked by ``parse_event``)::

    {"event": follow_up_events id, "date": "YYYY" | "YYYY-MM" | "YYYY-MM-DD",
     "summary": text, "stance"?: government_stances id (government_response only),
     "symbol"?, "year"?, "annex"?: sg_report_annexes id, "paragraph"? (citations only),
     "state"?, "body"? (statements by States), "share_with_casebase": bool}

Only the coarse fields (month, event, stance, citation) ever go to the case base (S19);
the summary stays in the vault.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from haven.taxonomy import load_taxonomy
from reviewer.unworkflow.cycles import Cycle
from reviewer.unworkflow.errors import FollowUpInvalid

RECORD_KIND = "followup_event"
CITATION_EVENTS = frozenset({"cited_sg_report_new", "cited_sg_report_follow_up"})
STATEMENT_EVENTS = frozenset({"raised_by_states"})
STANCE_EVENTS = frozenset({"government_response"})
MAX_SUMMARY = 2000
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_SYMBOL = re.compile(r"^[A-Z][A-Za-z0-9./-]{2,40}$")
_PARAGRAPH = re.compile(r"^[0-9A-Za-z.()-]{1,20}$")
_STATE = re.compile(r"^[A-Z]{2}$")


def _text(values: Mapping[str, Any], name: str) -> str:
    return str(values.get(name) or "").strip()


def _date(values: Mapping[str, Any], today: dt.date) -> str:
    raw = _text(values, "date")
    if not _DATE.match(raw):
        raise FollowUpInvalid(f"date: YYYY, YYYY-MM or YYYY-MM-DD, not {raw!r}")
    if len(raw) == 10:  # noqa: PLR2004 - a full day
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise FollowUpInvalid(f"date: {raw!r} is not a real day") from None
        if day > today:
            raise FollowUpInvalid("date: a follow-up event cannot be in the future")
    elif raw[:4] > str(today.year):
        raise FollowUpInvalid("date: a follow-up event cannot be in the future")
    return raw


def _citation(values: Mapping[str, Any], event: str) -> dict[str, Any]:
    symbol, year = _text(values, "symbol"), _text(values, "year")
    annex, paragraph = _text(values, "annex"), _text(values, "paragraph")
    if not _SYMBOL.match(symbol):
        raise FollowUpInvalid("symbol: a UN document symbol such as A/HRC/57/30")
    if not year.isdigit() or not 1990 <= int(year) <= 2100:  # noqa: PLR2004
        raise FollowUpInvalid("year: the year of the SG report")
    if annex not in load_taxonomy().ids("sg_report_annexes"):
        raise FollowUpInvalid("annex: annex_1, annex_2 or main_report")
    if event == "cited_sg_report_new" and annex == "annex_2":
        raise FollowUpInvalid("annex: a new case is cited in Annex I or the main report")
    if event == "cited_sg_report_follow_up" and annex == "annex_1":
        raise FollowUpInvalid("annex: a follow-up case is cited in Annex II or the main report")
    if paragraph and not _PARAGRAPH.match(paragraph):
        raise FollowUpInvalid("paragraph: a paragraph number such as 42 or 12(b)")
    cited = {"symbol": symbol, "year": int(year), "annex": annex}
    return {**cited, "paragraph": paragraph} if paragraph else cited


def parse_event(values: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """A checked follow-up event from form values; FollowUpInvalid names the field."""
    taxonomy = load_taxonomy()
    event = _text(values, "event")
    if event not in taxonomy.ids("follow_up_events"):
        raise FollowUpInvalid(f"event: {event!r} is not a follow-up event")
    summary = _text(values, "summary")
    if len(summary) > MAX_SUMMARY:
        raise FollowUpInvalid(f"summary: at most {MAX_SUMMARY} characters")
    content: dict[str, Any] = {"event": event, "date": _date(values, today),
                               "summary": summary,
                               "share_with_casebase": bool(values.get("share_with_casebase"))}
    stance = _text(values, "stance")
    if event in STANCE_EVENTS:
        if stance not in taxonomy.ids("government_stances"):
            raise FollowUpInvalid("stance: choose the government's stance")
        content["stance"] = stance
    elif stance:
        raise FollowUpInvalid("stance: only a government response has a stance")
    if event in CITATION_EVENTS:
        content.update(_citation(values, event))
    if event in STATEMENT_EVENTS:
        state, body = _text(values, "state").upper(), _text(values, "body")
        if not _STATE.match(state) or not body:
            raise FollowUpInvalid("state and body: which State spoke (ISO code) and where")
        content.update({"state": state, "body": body[:200]})
    return content


@dataclass(frozen=True)
class TimelineItem:
    date: str
    kind: str  # follow_up | transmission | transmission_log
    event: str
    detail: Mapping[str, Any]
    author: str


def timeline(followups: Iterable[Any], transmissions: Iterable[Any],
             logs: Iterable[Any]) -> list[TimelineItem]:
    """Every follow-up event, transmission and transmission log entry of a case, by date."""
    items = [TimelineItem(str(e.content.get("date", e.day)), "follow_up",
                          str(e.content.get("event")), e.content, e.author)
             for e in followups]
    items += [TimelineItem(str(e.content.get("prepared_on", e.day)), "transmission",
                           "transmission_drafted" if e.kind == "transmission_draft"
                           else "transmission_approved", e.content, e.author)
              for e in transmissions]
    items += [TimelineItem(str(e.content.get("day", e.day)), "transmission_log",
                           f"transmission_{e.content.get('step', 'log')}", e.content, e.author)
              for e in logs]
    # Records carry only their day and the API lists a day's records by id, not by arrival:
    # within one date, order by the natural order of the steps.
    return sorted(items, key=lambda i: (i.date, _STEP_RANK.get(i.event, 0)))


_STEP_RANK = {"transmission_drafted": 1, "transmission_approved": 2, "transmission_sent": 3,
              "transmission_acknowledged": 4, "transmission_reference_received": 5,
              "transmission_other": 6}


def citations(followups: Iterable[Any]) -> list[dict[str, Any]]:
    return [{k: e.content[k] for k in ("symbol", "year", "annex", "paragraph")
             if k in e.content} for e in followups if e.content.get("event") in CITATION_EVENTS]


def in_period(date: str, cycle: Cycle) -> bool:
    """Does a (possibly coarse) date fall in the cycle's period? A month or year counts when
    it overlaps the period."""
    first, last = _bounds(date)
    return first <= cycle.period_end and last >= cycle.period_start


def _bounds(date: str) -> tuple[dt.date, dt.date]:
    year = int(date[:4])
    if len(date) == 4:  # noqa: PLR2004
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(date[5:7])
    if len(date) == 7:  # noqa: PLR2004
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return dt.date(year, month, 1), following - dt.timedelta(days=1)
    day = dt.date.fromisoformat(date)
    return day, day


def casebase_follow_up(followups: Iterable[Any]) -> tuple[list[dict[str, Any]],
                                                          list[dict[str, Any]]]:
    """The coarse follow-up events and SG citations for a new case-base package version:
    only events the coordinator marked for the case base, dates cut to the month, no text."""
    shared = [e for e in followups if e.content.get("share_with_casebase")]
    events = []
    for entry in shared:
        c = entry.content
        item = {"date": str(c["date"])[:7], "event": c["event"]}
        if c.get("stance"):
            item["stance"] = c["stance"]
        events.append(item)
    events.sort(key=lambda e: e["date"])
    return events, citations(shared)
