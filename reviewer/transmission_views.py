"""Transmission packages for OHCHR or the mechanism concerned (DESIGN.md §7).

Routes (blueprint ``transmission``; actions in reviewer/authz.py):

- ``GET  /transmissions/<report_id>``                        gate verdict, package preview,
                                                             drafts, sent packages and log
- ``POST /transmissions/<report_id>/draft``                  run the gate, seal the draft
- ``POST /transmissions/<report_id>/<tid>/approve``          named coordinator, passphrase
                                                             again: build, encrypt, record
- ``GET  /transmissions/<report_id>/<tid>.age``              the encrypted package
- ``POST /transmissions/<report_id>/<tid>/log``              sent / acknowledged / reference
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from reviewer.errors import WrongPassphrase
from reviewer.release.context import ReportContext, load_context
from reviewer.release_support import coordinators
from reviewer.unlock import confirm_passphrase
from reviewer.unworkflow import transmissions as tx
from reviewer.unworkflow.board import case_titles, load_cycles
from reviewer.unworkflow.cycles import current_cycle
from reviewer.unworkflow.destinations import Destination, load_destinations
from reviewer.unworkflow.errors import TransmissionRefused, UnWorkflowError
from reviewer.unworkflow.package import SUMMARY_LANGUAGES, USES
from reviewer.web import api, keys
from vault.canonical import b64decode, utc_day

blueprint = Blueprint("transmission", __name__, url_prefix="/transmissions")
RID = "<uuid:report_id>"
TID = "<uuid:transmission_id>"


def destinations() -> list[Destination]:
    return load_destinations(Path(current_app.config["HAVEN_TRANSMISSION_DESTINATIONS"]))


def organisation_name() -> str:
    name = current_app.config.get("HAVEN_ORGANISATION_NAME")
    if name:
        return str(name)
    try:
        doc = json.loads(Path(current_app.config["HAVEN_ORGANISATION_PATH"]).read_text())
        return str(doc["org_id"])
    except (OSError, ValueError, KeyError):
        return "unknown organisation"


def _back(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return redirect(url_for("transmission.show", report_id=report_id))


def _page(ctx: ReportContext, *, reasons: list[str] | None = None, values=None,  # type: ignore[no-untyped-def]
          status: int = 200):
    today = dt.date.fromisoformat(utc_day())
    cycle = current_cycle(load_cycles(), today)
    sent = {e.content.get("transmission_id") for e in ctx.records.of("transmission")}
    try:
        configured = destinations()
    except UnWorkflowError as exc:  # a malformed destinations file: say so, show the rest
        flash(_("Destinations: %(reason)s", reason=str(exc)), "error")
        configured = []
    return render_template(
        "transmission_report.html", ctx=ctx, destinations=configured, uses=USES,
        languages=SUMMARY_LANGUAGES, coordinators=coordinators(ctx), me=keys().key_id,
        drafts=[e for e in ctx.records.of("transmission_draft")
                if e.content.get("transmission_id") not in sent],
        sent=ctx.records.of("transmission"), reasons=reasons or [], steps=tx.LOG_STEPS,
        logs=[e for e in ctx.records.of("action_log")
              if e.content.get("kind") == "transmission"],
        values=values or {"cycle": cycle.year if cycle else ""}, today=utc_day()), status


@blueprint.route(f"/{RID}")
def show(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return _page(load_context(str(report_id)))


@blueprint.route(f"/{RID}/draft", methods=["POST"])
def draft(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    ctx = load_context(str(report_id))
    try:
        request_ = tx.parse_draft(request.form, destinations())
        tx.draft(ctx, request_, destinations())
    except TransmissionRefused as refused:
        flash(_("The transmission gate refused: nothing was signed."), "error")
        return _page(ctx, reasons=refused.reasons, values=request.form, status=422)
    except UnWorkflowError as exc:
        flash(_("Not saved: %(reason)s", reason=str(exc)), "error")
        return _page(ctx, values=request.form, status=422)
    flash(_("Draft sealed; the coordinator you named can approve and export it."), "status")
    return _back(report_id)


@blueprint.route(f"/{RID}/{TID}/approve", methods=["POST"])
def approve(report_id: uuid.UUID, transmission_id: uuid.UUID):  # type: ignore[no-untyped-def]
    try:
        confirm_passphrase(api(), keys(), request.form.get("passphrase", ""))
    except WrongPassphrase:
        flash(_("Wrong passphrase: nothing was approved."), "error")
        return _back(report_id)
    ctx = load_context(str(report_id))
    try:
        sealed = tx.approve(ctx, str(transmission_id), destinations(), organisation_name())
    except TransmissionRefused as refused:
        flash(_("The transmission gate refused: nothing was exported."), "error")
        return _page(ctx, reasons=refused.reasons, status=422)
    except UnWorkflowError as exc:
        flash(_("Not approved: %(reason)s", reason=str(exc)), "error")
        return _back(report_id)
    flash(_("Approved and encrypted (SHA-256 %(sha)s). Download it and record when it was "
            "sent.", sha=sealed.sha256[:16]), "status")
    return _back(report_id)


@blueprint.route(f"/{RID}/{TID}.age")
def download(report_id: uuid.UUID, transmission_id: uuid.UUID):  # type: ignore[no-untyped-def]
    ctx = load_context(str(report_id))
    entry = next((e for e in ctx.records.of("transmission")
                  if e.content.get("transmission_id") == str(transmission_id)), None)
    if entry is None:
        abort(404)
    name = f"haven-transmission-{str(transmission_id)[:8]}.age"
    return Response(b64decode(str(entry.content["package_age_b64"])),
                    mimetype="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.route(f"/{RID}/{TID}/log", methods=["POST"])
def log(report_id: uuid.UUID, transmission_id: uuid.UUID):  # type: ignore[no-untyped-def]
    ctx = load_context(str(report_id))
    try:
        entry = tx.parse_log(request.form, dt.date.fromisoformat(utc_day()))
        case_id = case_titles().get(str(report_id), (None, ""))[0]
        tx.log_step(ctx, str(transmission_id), entry, case_id or None)
    except UnWorkflowError as exc:
        flash(_("Not logged: %(reason)s", reason=str(exc)), "error")
        return _back(report_id)
    flash(_("Logged on the case's action log."), "status")
    return _back(report_id)
