"""Gather the cycle board's inputs through the vault API (Flask request context).

Every report this coordinator can open is opened (an audited decrypt, counted toward the
daily quota), with its sealed reviewer records, into a ``CaseSnapshot``; a report that does
not open becomes a named warning, never a silent gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from reviewer.opening import ReportUnreadable
from reviewer.release.context import ReportContext, load_context
from reviewer.release.draft import latest_incident_day
from reviewer.report_fields import risk_flags
from reviewer.service import read_records, records_by_case, reviewer_names, write_record
from reviewer.unworkflow import followup as fu
from reviewer.unworkflow.cycles import RECORD_KIND, Cycle, fold_cycles, replaced_record
from reviewer.unworkflow.eligibility import CaseSnapshot
from reviewer.unworkflow.package import missing_items
from reviewer.vault_client import VaultApiError
from reviewer.web import api
from reviewer.workspace import case_states, report_state

DEFAULT_CONSENT_AGE_DAYS = 365
TRANSMISSION_KINDS = ("transmission_draft", "transmission")


def consent_max_age_days() -> int:
    """``[reviewer] un_consent_max_age_days``, copied into the app config at install."""
    return int(current_app.config.get("HAVEN_UN_CONSENT_MAX_AGE_DAYS",
                                      DEFAULT_CONSENT_AGE_DAYS))


def _cycle_records() -> list[tuple[str, Mapping[str, Any]]]:
    return [(e.record_id, e.content) for e in read_records(kind=RECORD_KIND).entries]


def load_cycles() -> list[Cycle]:
    """Cycles from ``[reviewer] sg_cycles`` overridden by those coordinators set in the app."""
    return fold_cycles([*current_app.config.get("HAVEN_SG_CYCLES", []), *_cycle_records()])


def save_cycle(cycle: Cycle) -> None:
    previous = replaced_record(_cycle_records(), cycle.year)
    write_record(RECORD_KIND, {**cycle.as_content(), "replaces": previous},
                 supersedes=previous)


@dataclass
class Gathered:
    cases: list[CaseSnapshot] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def case_titles() -> dict[str, tuple[str, str]]:
    """report id -> (case id, case title) for reports linked to a case."""
    titles: dict[str, tuple[str, str]] = {}
    for case in case_states(records_by_case(reviewer_names())).values():
        for report_id in case.reports:
            titles.setdefault(report_id, (case.case_id, case.title))
    return titles


def gather() -> Gathered:
    gathered = Gathered()
    titles = case_titles()
    for summary in api().reports():
        try:
            ctx = load_context(summary.report_id)
        except (ReportUnreadable, VaultApiError) as exc:
            gathered.warnings.append(f"report {summary.report_id[:8]}: {exc}")
            continue
        title = titles.get(summary.report_id, ("", ""))[1]
        gathered.cases.append(snapshot(ctx, title, withdrawn=summary.state == "withdrawn"))
    return gathered


def _section(fields: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = fields.get(name)
    return value if isinstance(value, Mapping) else {}


def snapshot(ctx: ReportContext, title: str = "", *, withdrawn: bool = False) -> CaseSnapshot:
    fields, records = ctx.fields, ctx.records
    state = report_state(records)
    un_link = _section(fields, "un_link")
    mechanisms = un_link.get("mechanisms")
    country = state.country or str(_section(fields, "person").get("country") or "")[:2]
    incident = latest_incident_day(fields, None)
    followups = sorted(records.of(fu.RECORD_KIND), key=lambda e: str(e.content.get("date")))
    asked = [e.day for e in records.of("reviewer_event")
             if e.content.get("payload", {}).get("reconfirm_scopes")]
    return CaseSnapshot(
        report_id=ctx.report_id, title=title or f"Report {ctx.report_id[:8]}",
        received=dt.date.fromisoformat(ctx.view.report.day),
        incident_day=dt.date.fromisoformat(incident) if incident else None,
        country=country.upper(),
        mechanisms=tuple(m for m in mechanisms if isinstance(m, str))
        if isinstance(mechanisms, list) else (),
        urgent=state.urgent or bool(risk_flags(fields)), status=state.status,
        verification=state.verification, consent=ctx.view.consent,
        missing_items=tuple(missing_items(fields)),
        un_link_checked=bool(state.checklist.get("un_link")),
        cited_years=tuple(c["year"] for c in fu.citations(followups)
                          if isinstance(c.get("year"), int)),
        transmitted_years=tuple(int(e.content["cycle"]) for e in records.of("transmission")
                                if isinstance(e.content.get("cycle"), int)),
        follow_up_dates=tuple(str(e.content.get("date")) for e in followups),
        last_follow_up=dict(followups[-1].content) if followups else None,
        reconfirmation_asked=max(asked) if asked else None,
        withdrawn=withdrawn or ctx.view.consent.report_withdrawn)
