"""The SG report cycle board (coordinators' UN workflow, DESIGN.md §7).

Routes (blueprint ``cycle``; actions in reviewer/authz.py):

- ``GET  /cycle/``                      the current cycle: countdown, eligible cases with
                                        what each lacks, filters, the follow-up checklist
- ``POST /cycle/cycles``                set (or replace) the reporting period of a year
- ``POST /cycle/reconfirm/<report_id>`` ask the reporter to re-confirm consent (inbox)
- ``GET  /cycle/brief/<country>``       a per-State pattern brief from the case base

``install_unworkflow(app, config)`` registers this and the transmission and follow-up
blueprints.
"""

from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from haven.config import HavenConfig
from haven.taxonomy import load_taxonomy
from reviewer.errors import ReviewerConfigError
from reviewer.unworkflow import board as gathering
from reviewer.unworkflow.brief import pattern_brief
from reviewer.unworkflow.cycles import configured_cycles, current_cycle, parse_cycle
from reviewer.unworkflow.destinations import destinations_path
from reviewer.unworkflow.eligibility import board, filter_board, follow_up_checklist
from reviewer.unworkflow.errors import UnWorkflowError
from reviewer.web import keys
from vault.canonical import utc_day

blueprint = Blueprint("cycle", __name__, url_prefix="/cycle")


def install_unworkflow(app: Flask, config: HavenConfig) -> None:
    from reviewer import followup_views, transmission_views

    section = config.section("reviewer")
    try:
        app.config["HAVEN_SG_CYCLES"] = configured_cycles(section.get("sg_cycles"))
    except UnWorkflowError as exc:
        raise ReviewerConfigError(str(exc)) from None
    app.config["HAVEN_UN_CONSENT_MAX_AGE_DAYS"] = int(
        section.get("un_consent_max_age_days", gathering.DEFAULT_CONSENT_AGE_DAYS))
    app.config["HAVEN_TRANSMISSION_DESTINATIONS"] = destinations_path(config)
    app.config["HAVEN_ORGANISATION_NAME"] = str(section.get("organisation_name") or "")
    app.config["HAVEN_ORGANISATION_PATH"] = config.organisation_path
    for module in (blueprint, transmission_views.blueprint, followup_views.blueprint):
        app.register_blueprint(module)


def _today() -> dt.date:
    return dt.date.fromisoformat(utc_day())


@blueprint.route("/")
def index():  # type: ignore[no-untyped-def]
    keys()
    cycles = gathering.load_cycles()
    chosen = request.args.get("year", "")
    cycle = next((c for c in cycles if str(c.year) == chosen), None) or current_cycle(
        cycles, _today())
    gathered = gathering.gather() if cycle else gathering.Gathered()
    entries = board(gathered.cases, cycle, max_consent_age_days=gathering.
                    consent_max_age_days()) if cycle else []
    filters = {name: request.args.get(name, "") for name in ("state", "mechanism", "urgency")}
    return render_template(
        "cycle_board.html", cycles=cycles, cycle=cycle, today=_today(),
        entries=filter_board(entries, **filters), total=len(entries), filters=filters,
        checklist=follow_up_checklist(gathered.cases, cycle) if cycle else [],
        warnings=gathered.warnings, taxonomy=load_taxonomy(),
        states=sorted({e.case.country for e in entries if e.case.country}))


@blueprint.route("/cycles", methods=["POST"])
def set_cycle():  # type: ignore[no-untyped-def]
    try:
        cycle = parse_cycle(request.form)
    except UnWorkflowError as exc:
        flash(_("Not saved: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("cycle.index"))
    gathering.save_cycle(cycle)
    flash(_("Reporting period for %(year)s saved.", year=cycle.year), "status")
    return redirect(url_for("cycle.index", year=cycle.year))


@blueprint.route("/reconfirm/<uuid:report_id>", methods=["POST"])
def reconfirm(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    from reviewer.views.report_actions import send_event

    scopes = [s for s in request.form.getlist("scopes")
              if s in load_taxonomy().ids("consent_scopes")]
    if not scopes:
        flash(_("Choose at least one scope to re-confirm."), "error")
    else:
        deadline = request.form.get("deadline", "")
        send_event(report_id, "reply", {
            "text": _("The UN Secretary-General's report on reprisals is being prepared "
                      "(submissions due %(deadline)s). Please confirm whether we may still "
                      "use your report for: %(scopes)s.", deadline=deadline,
                      scopes=", ".join(scopes)),
            "reconfirm_scopes": scopes})
    return redirect(url_for("cycle.index", **{k: v for k, v in request.args.items()}))


@blueprint.route("/brief/<country>")
def brief(country: str):  # type: ignore[no-untyped-def]
    try:
        found = pattern_brief(country)
    except UnWorkflowError as exc:
        flash(_("No brief: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("cycle.index"))
    return render_template("cycle_brief.html", brief=found, taxonomy=load_taxonomy())
