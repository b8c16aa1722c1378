"""Redact a report's narrative with the assistant's suggestions; each save is a version."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from reviewer.forms import RedactionForm
from reviewer.redact import SPAN_TYPES, RedactionError
from reviewer.redaction import (
    added_spans,
    candidates,
    decide,
    latest_version,
    preview,
    segments,
)
from reviewer.report_fields import narrative
from reviewer.service import read_records, reviewer_names, write_record
from reviewer.views.reports import RID, blueprint, load_view
from vault.canonical import utc_day


def _state(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    view = load_view(report_id)
    text = narrative(view.report.fields)
    records = read_records(report_id=str(report_id), kind="redaction", names=reviewer_names())
    previous = latest_version(records)
    return view, text, previous, candidates(text, view.report.fields, previous)


@blueprint.route(f"/{RID}/redact")
def redact(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    try:
        _view, text, previous, options = _state(report_id)
    except RedactionError as exc:
        flash(_("The redaction assistant failed: %(reason)s", reason=str(exc)), "error")
        return redirect(url_for("reports.show", report_id=report_id))
    form = RedactionForm(base=str(previous.number if previous else 0))
    return render_template("redact.html", report_id=report_id, text=text, options=options,
                           segments=segments(text, options), previous=previous,
                           preview=preview(text, previous), form=form, span_types=SPAN_TYPES)


@blueprint.route(f"/{RID}/redact", methods=["POST"], endpoint="redact_save")
def redact_save(report_id: uuid.UUID):  # type: ignore[no-untyped-def]
    form = RedactionForm()
    back = redirect(url_for("reports.redact", report_id=report_id))
    _view, text, previous, options = _state(report_id)
    if not form.validate_on_submit() or form.base.data != str(previous.number if previous else 0):
        flash(_("Another version was saved meanwhile (or the form expired): review again."),
              "error")
        return back
    kept = {int(i) for i in request.form.getlist("keep") if i.isdigit()}
    try:
        added = added_spans(text, form.mention.data or "", form.mention_type.data)
        version = decide(options, kept, previous=previous, author=session["username"],
                         added=added, day=utc_day())
    except RedactionError as exc:
        flash(_("Not saved: %(reason)s", reason=str(exc)), "error")
        return back
    write_record("redaction", {"version": version.to_dict()}, report_id=str(report_id))
    flash(_("Redaction version %(n)s saved.", n=version.number), "status")
    return back
