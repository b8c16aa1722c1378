"""Release pages: the gate's verdict in words, the draft, the approval, the outbox.

Routes (blueprint ``release``; actions in reviewer/authz.py):

- ``GET  /release/reports/<id>``          the draft form, the gate's reasons, releases, outbox
- ``POST /release/reports/<id>/draft``    run the gate; when it passes, sign as drafter
- ``POST /release/reports/<id>/approve``  coordinator named in the draft, passphrase again
- ``POST /release/reports/<id>/attachment`` scrub one attachment and approve it for release
- ``POST /release/reports/<id>/withdraw`` coordinator, passphrase: tombstone (safety, error)
- ``GET  /release/outbox``                packages waiting, sent, refused; k re-check
- ``POST /release/outbox/deliver``        send what is due now (consent re-checked)
- ``POST /release/outbox/sweep``          tombstones for every release whose consent ended
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from haven.config import HavenConfig
from haven.taxonomy import load_taxonomy
from reviewer.errors import ScrubError, WrongPassphrase
from reviewer.outbox_messages import anonymity_error, translated_items
from reviewer.release.context import load_context
from reviewer.release.draft import DraftInput, parse_draft
from reviewer.release.errors import GateRefused, ReleaseError
from reviewer.release.runtime import EXTENSION, build_runtime, release_runtime
from reviewer.release.service import (
    approve,
    check,
    deliver,
    draft_from_record,
    recheck_k,
    save_draft,
    withdraw_if_needed,
    withdraw_record,
)
from reviewer.release.settings import release_settings
from reviewer.release_support import (
    approve_attachment,
    coordinators,
    default_form,
    form_values,
    level_words,
    published_acts,
    redacted_reference,
    released_report_ids,
)
from reviewer.unlock import confirm_passphrase
from reviewer.vault_client import VaultApiError
from reviewer.web import api, keys
from vault.canonical import utc_day

blueprint = Blueprint("release", __name__, url_prefix="/release")
RID = "<uuid:report_id>"


def install_release(app: Flask, config: HavenConfig) -> None:
    runtime = build_runtime(release_settings(config))
    app.extensions[EXTENSION] = runtime
    app.register_blueprint(blueprint)
    runtime.start_sender(runtime.settings.sender_seconds)


def _page(ctx, values: dict[str, Any], *, checked=None, status: int = 200):  # type: ignore[no-untyped-def]
    runtime = release_runtime()
    draft = ctx.latest_draft()
    body = draft.content.get("body") if draft else None
    body = body if isinstance(body, dict) else {}
    released = ctx.releases().get(str(body.get("record_id")))
    approved = bool(released and int(released["version"]) >= int(body.get("version") or 0))
    drafted = draft.content.get("draft") if draft else None
    info = None if draft is None else {
        "day": draft.day, "author": draft.author, "record_id": body.get("record_id", "?"),
        "version": body.get("version", "?"), "tier": body.get("tier", "?"),
        "level": level_words(draft.content.get("level", "?")),
        "acts": published_acts(body.get("record")),
        "approver": drafted.get("approver_key_id") if isinstance(drafted, dict) else None}
    return render_template(
        "release_report.html", ctx=ctx, values=values, checked=checked, draft=info,
        approved=approved,
        releases=ctx.releases(), withdrawn=ctx.withdrawn_records(),
        coordinators=coordinators(ctx), me=keys().key_id, settings=runtime.settings,
        taxonomy=load_taxonomy(), reference=redacted_reference(ctx),
        level_words=level_words, published_acts=published_acts,
        items=[i for i in runtime.outbox.items() if i.report_id == ctx.report_id],
    ), status


@blueprint.route(f"/reports/{RID}")
def report(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    ctx = load_context(str(report_id))
    try:
        queued = withdraw_if_needed(ctx, release_runtime())
    except ReleaseError as exc:  # e.g. no release key on this workstation
        queued = []
        flash(_("Consent was withdrawn but no tombstone could be signed here: %(reason)s",
                reason=str(exc)), "error")
    if queued:
        flash(_("Consent was withdrawn: %(n)s tombstone(s) signed and queued.", n=len(queued)),
              "status")
        ctx = load_context(str(report_id))
    checked, draft = None, ctx.latest_draft()
    values = default_form(ctx)
    if draft is not None:
        try:
            stored = draft_from_record(draft.content["draft"])
            checked = check(ctx, stored, release_runtime(),
                            drafter_key_id=str(draft.content.get("drafter_key_id")))
            values = dict(draft.content["draft"])
        except (ReleaseError, KeyError, TypeError) as exc:
            flash(_("The latest draft cannot be used: %(reason)s", reason=str(exc)), "error")
    return _page(ctx, form_values(values), checked=checked)


@blueprint.route(f"/reports/{RID}/draft", methods=["POST"])
def draft(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    ctx = load_context(str(report_id))
    form = {key: request.form.getlist(key) if key in MULTI else request.form.get(key)
            for key in request.form}
    try:
        parsed: DraftInput = parse_draft(form, verification=ctx.verification(),
                                         this_year=int(utc_day()[:4]))
        checked = save_draft(ctx, parsed, release_runtime())
    except GateRefused as refused:
        flash(_("The release gate refused this draft: nothing was signed."), "error")
        return _page(ctx, form_values(form), checked=refused.checked, status=422)
    except ReleaseError as exc:
        flash(_("Not saved: %(reason)s", reason=str(exc)), "error")
        return _page(ctx, form_values(form), status=422)
    flash(_("Draft signed by you at level '%(level)s'; the coordinator you named can approve "
            "it now.", level=level_words(checked.facts.anonymity.level_name)
            if checked.facts.anonymity else "-"), "status")
    return redirect(url_for("release.report", report_id=report_id))


MULTI = ("acts", "perpetrators", "mechanisms", "attachments")


@blueprint.route(f"/reports/{RID}/approve", methods=["POST"])
def approve_release(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    back = redirect(url_for("release.report", report_id=report_id))
    try:
        confirm_passphrase(api(), keys(), request.form.get("passphrase", ""))
    except WrongPassphrase:
        flash(_("Wrong passphrase: nothing was approved."), "error")
        return back
    ctx = load_context(str(report_id))
    try:
        _checked, deliveries = approve(ctx, release_runtime())
    except GateRefused as refused:
        for reason in refused.reasons:
            flash(f"{reason.rule}: {reason.message}", "error")
        return back
    except ReleaseError as exc:
        flash(_("Not approved: %(reason)s", reason=str(exc)), "error")
        return back
    sent = sum(1 for d in deliveries if d.outcome == "sent")
    flash(_("Approved and signed; %(n)s package(s) acknowledged by the case base (the rest "
            "stay in the outbox and are retried).", n=sent), "status")
    return back


@blueprint.route(f"/reports/{RID}/withdraw", methods=["POST"])
def withdraw(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    back = redirect(url_for("release.report", report_id=report_id))
    try:
        confirm_passphrase(api(), keys(), request.form.get("passphrase", ""))
    except WrongPassphrase:
        flash(_("Wrong passphrase: nothing was withdrawn."), "error")
        return back
    try:
        withdraw_record(load_context(str(report_id)), release_runtime(),
                        request.form.get("record_id", ""), request.form.get("reason", ""))
    except ReleaseError as exc:
        flash(_("Not withdrawn: %(reason)s", reason=str(exc)), "error")
        return back
    sent = sum(1 for d in deliver(release_runtime()) if d.outcome == "sent")
    flash(_("Tombstone signed and queued (%(n)s package(s) acknowledged now).", n=sent),
          "status")
    return back


@blueprint.route(f"/reports/{RID}/attachment", methods=["POST"])
def attachment(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    blob_id = request.form.get("blob_id", "")
    try:
        found = approve_attachment(str(report_id), blob_id)
    except (ScrubError, ReleaseError) as exc:
        flash(_("Not approved: %(reason)s", reason=str(exc)), "error")
    else:
        if found:
            flash(_("The scrubbed copy still carries metadata (%(what)s): not approved.",
                    what=", ".join(found)), "error")
        else:
            flash(_("Scrubbed copy checked (no metadata) and approved for release."), "status")
    return redirect(url_for("release.report", report_id=report_id))


@blueprint.route("/outbox")
def outbox():  # type: ignore[no-untyped-def]
    runtime = release_runtime()
    low, error = [], None
    try:
        low = recheck_k(runtime)
    except ReleaseError as exc:
        error = anonymity_error(exc)
    return render_template("release_outbox.html", items=translated_items(runtime.outbox.items()),
                           low=low, error=error, settings=runtime.settings)


@blueprint.route("/outbox/deliver", methods=["POST"])
def deliver_now():  # type: ignore[no-untyped-def]
    runtime = release_runtime()
    runtime.outbox.retry_now()
    outcomes = [d.outcome for d in deliver(runtime)]
    flash(_("Delivery tried: %(sent)s sent, %(retry)s to retry, %(other)s other.",
            sent=outcomes.count("sent"), retry=outcomes.count("retry"),
            other=len(outcomes) - outcomes.count("sent") - outcomes.count("retry")), "status")
    return redirect(url_for("release.outbox"))


@blueprint.route("/outbox/sweep", methods=["POST"])
def sweep():  # type: ignore[no-untyped-def]
    queued = []
    for report_id in released_report_ids():
        try:
            queued += withdraw_if_needed(load_context(report_id), release_runtime())
        except (VaultApiError, ReleaseError) as exc:
            flash(_("A report could not be checked: %(reason)s", reason=str(exc)), "error")
    deliver(release_runtime())
    flash(_("%(n)s tombstone(s) signed and queued.", n=len(queued)), "status")
    return redirect(url_for("release.outbox"))
