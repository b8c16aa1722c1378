"""Replies to the reporter, consent re-confirmation requests, assignment, re-sealing,
revocation and the two-coordinator approvals. Actions that widen access or approve ask
for the key passphrase again (S16)."""

from __future__ import annotations

import uuid

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from reviewer import forms as f
from reviewer.access import grant_to, reseal_to_current_triage
from reviewer.errors import WrongPassphrase
from reviewer.replies import ChainUnknown, send_to_reporter
from reviewer.service import read_records, reviewer_names, write_record
from reviewer.state import reviewer_state
from reviewer.unlock import confirm_passphrase
from reviewer.vault_client import VaultApiError
from reviewer.views.reports import RID, blueprint, form_errors, load_view, render_report
from reviewer.web import api, keys
from reviewer.workspace import APPROVERS_NEEDED, distinct_approvers


def _back(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return redirect(url_for("reports.show", report_id=report_id))


def assign_choices() -> list[SelectChoice]:
    """Reviewers whose active key is in the verified bundle (never keys from the directory)."""
    bundle = reviewer_state().bundles.current().bundle
    choices = []
    for reviewer in api().reviewers():
        key = next((k for k in reviewer.key_ids if bundle.key(k) and k not in bundle.revoked),
                   None)
        if key:
            choices.append(SelectChoice(f"{reviewer.account_id}:{key}", reviewer.username))
    return choices


def send_event(report_id: uuid.UUID, type_name: str, payload: dict) -> None:
    view = load_view(report_id)
    rid = str(report_id)
    try:
        sent = send_to_reporter(
            api(), view, keys(), type_name=type_name, payload=payload,
            load_sent=lambda: read_records(report_id=rid, kind="reviewer_event",
                                           names=reviewer_names()),
            record=lambda content: write_record("reviewer_event", content, report_id=rid))
    except (ChainUnknown, VaultApiError) as exc:
        flash(_("Not sent: %(reason)s", reason=str(exc)), "error")
        return
    flash(_("Sent to the reporter (message %(seq)s).", seq=sent.seq), "status")


@blueprint.route(f"/{RID}/reply", methods=["POST"])
def reply(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.ReplyForm()
    if not form.validate_on_submit():
        flash(_("Not sent: %(errors)s", errors=form_errors(form)), "error")
        return render_report(report_id, ("reply", form), 400)
    send_event(report_id, "reply", {"text": form.text.data})
    return _back(report_id)


@blueprint.route(f"/{RID}/reconfirm", methods=["POST"])
def reconfirm(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.ReconfirmForm()
    if not form.validate_on_submit():
        flash(_("Choose at least one scope to re-confirm."), "error")
        return render_report(report_id, ("reconfirm", form), 400)
    text = form.text.data or _("Please confirm whether we may still use your report "
                               "for the purposes listed.")
    send_event(report_id, "reply", {"text": text, "reconfirm_scopes": list(form.scopes.data)})
    return _back(report_id)


@blueprint.route(f"/{RID}/withdrawal-ack", methods=["POST"], endpoint="withdrawal_ack")
def withdrawal_ack(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    f.EmptyForm().validate_on_submit()
    send_event(report_id, "withdrawal_ack", {"text": _("We received your withdrawal. We will "
                                                  "not use your report from now on.")})
    return _back(report_id)


def _step_up(form) -> bool:  # type: ignore[no-untyped-def]
    if not form.validate_on_submit():
        flash(_("Fill in every field, including your passphrase."), "error")
        return False
    try:
        confirm_passphrase(api(), keys(), form.passphrase.data)
    except WrongPassphrase:
        flash(_("Wrong passphrase: nothing was changed."), "error")
        return False
    return True


@blueprint.route(f"/{RID}/assign", methods=["POST"])
def assign(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.AssignForm()
    form.account_id.choices = assign_choices()
    if _step_up(form):
        key_id = form.account_id.data.partition(":")[2]
        view = load_view(report_id)
        bundles = reviewer_state().bundles
        grant_to(api(), view, keys(), bundles.current(refresh=True).bundle, key_id,
                 bundles=bundles)
        api().audit_event("reseal", str(report_id))
        flash(_("Assigned: the report key and the reporter's messages were re-sealed to the "
                "assignee's key."), "status")
    return _back(report_id)


@blueprint.route(f"/{RID}/reseal", methods=["POST"])
def reseal(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.PassphraseForm()
    if _step_up(form):
        view = load_view(report_id)
        bundles = reviewer_state().bundles
        grants = reseal_to_current_triage(api(), view, keys(),
                                          bundles.current(refresh=True).bundle,
                                          bundles=bundles)
        api().audit_event("reseal", str(report_id))
        flash(_("Re-sealed to %(n)s key(s) of the current triage set.", n=len(grants)),
              "status")
    return _back(report_id)


@blueprint.route(f"/{RID}/revoke", methods=["POST"])
def revoke(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = f.RevokeForm()
    if form.validate_on_submit():
        api().revoke(str(report_id), form.key_id.data)
        flash(_("Access revoked: the grant was deleted."), "status")
    return _back(report_id)


def _approve(report_id: uuid.UUID, action: str):  # type: ignore[no-untyped-def]
    form = f.ApprovalForm()
    if _step_up(form):
        write_record("approval", {"action": action, "reason": form.reason.data},
                     report_id=str(report_id))
        records = read_records(report_id=str(report_id), kind="approval",
                               names=reviewer_names())
        count = len(distinct_approvers(records.of("approval"), action))
        flash(_("Approval recorded (%(n)s of %(m)s coordinators).", n=count,
                m=APPROVERS_NEEDED), "status")
    return _back(report_id)


@blueprint.route(f"/{RID}/approve-urgent", methods=["POST"], endpoint="approve_urgent")
def approve_urgent(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return _approve(report_id, "urgent_appeal")


@blueprint.route(f"/{RID}/override-risk", methods=["POST"], endpoint="override_risk")
def override_risk(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return _approve(report_id, "risk_override")
