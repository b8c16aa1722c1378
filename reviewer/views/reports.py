"""The report page and the annotations made on it (labels, notes, triage, status, checks,
consent obtained outside the form). Replies, access and downloads are in sibling modules
that add routes to the same blueprint."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from reviewer import authz
from reviewer import forms as f
from reviewer.access import regrant_events
from reviewer.opening import ReportUnreadable, Warning, open_for_review
from reviewer.report_fields import narrative, risk_flags, triage_defaults
from reviewer.service import read_records, reviewer_names, write_record
from reviewer.state import reviewer_state
from reviewer.vault_client import VaultApiError
from reviewer.web import api, current_roles, keys
from reviewer.workspace import report_state, urgent_appeal
from vault.errors import VaultError

blueprint = Blueprint("reports", __name__, url_prefix="/reports")
RID = "<uuid:report_id>"


def load_view(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    state = reviewer_state()
    return open_for_review(api(), str(report_id), keys(), state.bundles)


def _regrant_new_events(view) -> None:  # type: ignore[no-untyped-def]
    """A coordinator opening the report grants assignees the reporter events that arrived
    after their assignment (vault/SPEC.md §5); each grant is audited by the API."""
    if not authz.can(current_roles(), "assign"):
        return
    try:
        made = regrant_events(api(), view, keys(), reviewer_state().bundles)
    except (VaultApiError, VaultError) as exc:
        view.warnings.append(Warning("event_regrant_failed", str(exc)))
        return
    if made:
        flash(_("%(n)s new reporter message(s) granted to the assignees.", n=made), "status")


@blueprint.route(f"/{RID}")
def show(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return render_report(report_id)


def render_report(report_id: uuid.UUID, failed: tuple[str, object] | None = None,
                  status: int = 200):  # type: ignore[no-untyped-def]
    """The report page; ``failed`` = (form name, form) keeps what a reviewer typed."""
    try:
        view = load_view(report_id)
    except ReportUnreadable as exc:
        return render_template("report_unreadable.html", report_id=report_id,
                               reason=exc.reason, message=str(exc)), 422
    _regrant_new_events(view)
    names = reviewer_names()
    records = read_records(report_id=str(report_id), names=names)
    state = report_state(records)
    forms = _forms()
    if not records.of("triage"):  # start from the reporter's own answers
        forms["triage"] = f.TriageForm(formdata=None,
                                       data=triage_defaults(view.report.fields))
    if failed:
        forms[failed[0]] = failed[1]
    return render_template("report.html", view=view, records=records, state=state,
                           names=names, forms=forms, narrative=narrative(view.report.fields),
                           risk_flags=risk_flags(view.report.fields),
                           appeal=urgent_appeal(state),
                           current=reviewer_state().bundles.current()), status


def _forms() -> dict:
    """Blank forms (never bound to this request's body: one POST must not fill them all)."""
    from reviewer.views.report_actions import assign_choices

    classes = {"label": f.LabelForm, "note": f.NoteForm, "triage": f.TriageForm,
               "status": f.StatusForm, "checklist": f.ChecklistForm, "reply": f.ReplyForm,
               "reconfirm": f.ReconfirmForm, "consent": f.ConsentForm, "assign": f.AssignForm,
               "reseal": f.PassphraseForm, "revoke": f.RevokeForm,
               "approve": f.ApprovalForm, "override": f.ApprovalForm}
    forms = {name: form_class(formdata=None) for name, form_class in classes.items()}
    forms["assign"].account_id.choices = assign_choices()
    return forms


def form_errors(form) -> str:  # type: ignore[no-untyped-def]
    return "; ".join(f"{form[n].label.text}: {' '.join(e)}" for n, e in form.errors.items())


def _save(form, kind: str, report_id: uuid.UUID, content: dict | None = None):  # type: ignore[no-untyped-def]
    if not form.validate_on_submit():
        flash(_("Not saved: %(errors)s", errors=form_errors(form)), "error")
        return render_report(report_id, (kind, form), 400)
    data = content if content is not None else {
        name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    write_record(kind, data, report_id=str(report_id))
    flash(_("Saved (sealed to the reviewer keys and signed by you)."), "status")
    return redirect(url_for("reports.show", report_id=report_id))


@blueprint.route(f"/{RID}/label", methods=["POST"])
def label(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.LabelForm()
    content = {"label": (form.label.data or "").strip(), "removed": form.removed.data == "1"}
    return _save(form, "label", report_id, content)


@blueprint.route(f"/{RID}/note", methods=["POST"])
def note(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return _save(f.NoteForm(), "note", report_id)


@blueprint.route(f"/{RID}/triage", methods=["POST"])
def triage(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.TriageForm()
    content = {"country": (form.country.data or "").upper() or None,
               "acts": list(form.acts.data or []), "urgent": bool(form.urgent.data)}
    return _save(form, "triage", report_id, content)


@blueprint.route(f"/{RID}/status", methods=["POST"])
def status(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.StatusForm()
    if form.validate_on_submit() and form.status.data == "verified" and not form.verification.data:
        flash(_("A verified report needs a verification level."), "error")
        return redirect(url_for("reports.show", report_id=report_id))
    response = _save(form, "status", report_id)
    if form.validate_on_submit() and form.tell_reporter.data:
        from reviewer.views.report_actions import send_event

        send_event(report_id, "status", {"status": form.status.data})
    return response


@blueprint.route(f"/{RID}/checklist", methods=["POST"])
def checklist(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return _save(f.ChecklistForm(), "checklist", report_id)


@blueprint.route(f"/{RID}/consent", methods=["POST"])
def consent(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return _save(f.ConsentForm(), "consent", report_id)


from reviewer.views import attachments as _attachments  # noqa: E402,F401 - adds routes
from reviewer.views import redaction as _redaction  # noqa: E402,F401 - adds routes
from reviewer.views import report_actions as _actions  # noqa: E402,F401 - adds routes
