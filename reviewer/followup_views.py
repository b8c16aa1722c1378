"""Follow-up of a case: its timeline, new events, and the case-base update (DESIGN.md §7).

Routes (blueprint ``followup``; actions in reviewer/authz.py):

- ``GET  /followup/<report_id>``            the timeline (follow-up events, transmissions,
                                             their log) and the event form
- ``POST /followup/<report_id>/event``      a citation, government communication or
                                             response, State statement, outcome...
- ``POST /followup/<report_id>/casebase``   a new case-base package version carrying the
                                             events marked for the case base (release gate)
"""

from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from haven.taxonomy import load_taxonomy
from reviewer.release.context import load_context
from reviewer.release.errors import GateRefused, ReleaseError
from reviewer.release_support import coordinators
from reviewer.service import write_record
from reviewer.unworkflow import followup as fu
from reviewer.unworkflow.casebase_update import propose_update
from reviewer.unworkflow.errors import UnWorkflowError
from reviewer.web import keys
from vault.canonical import utc_day

blueprint = Blueprint("followup", __name__, url_prefix="/followup")
RID = "<uuid:report_id>"


def _back(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return redirect(url_for("followup.show", report_id=report_id))


@blueprint.route(f"/{RID}")
def show(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    ctx = load_context(str(report_id))
    records = ctx.records
    items = fu.timeline(records.of(fu.RECORD_KIND),
                        records.of("transmission_draft", "transmission"),
                        [e for e in records.of("action_log")
                         if e.content.get("kind") == "transmission"])
    return render_template(
        "followup_timeline.html", ctx=ctx, items=items, taxonomy=load_taxonomy(),
        coordinators=coordinators(ctx), me=keys().key_id, today=utc_day(),
        released=bool(ctx.records.of("release_draft")))


@blueprint.route(f"/{RID}/event", methods=["POST"])
def event(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    keys()
    try:
        content = fu.parse_event(request.form, dt.date.fromisoformat(utc_day()))
    except UnWorkflowError as exc:
        flash(_("Not saved: %(reason)s", reason=str(exc)), "error")
        return _back(report_id)
    write_record(fu.RECORD_KIND, content, report_id=str(report_id))
    flash(_("Follow-up event added to the timeline."), "status")
    return _back(report_id)


@blueprint.route(f"/{RID}/casebase", methods=["POST"])
def casebase(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    ctx = load_context(str(report_id))
    try:
        count = propose_update(ctx, request.form.get("approver", ""),
                               request.form.get("outcome", ""))
    except GateRefused as refused:
        flash(_("The release gate refused the new version: %(reasons)s",
                reasons="; ".join(str(r.message) for r in refused.reasons)), "error")
        return _back(report_id)
    except (ReleaseError, UnWorkflowError) as exc:
        flash(_("Not drafted: %(reason)s", reason=str(exc)), "error")
        return _back(report_id)
    flash(_("A new case-base version with %(n)s follow-up event(s) is drafted; the approver "
            "approves it on the release page.", n=count), "status")
    return redirect(url_for("release.report", report_id=report_id))
