"""Attachments: never rendered inline. A scrubbed copy made by the sandboxed scrubber, or
the original after the passphrase again; both audited and served as octet-stream with a
sandbox CSP and a sanitised name (S15, S16)."""

from __future__ import annotations

import uuid

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from reviewer import forms as f
from reviewer.errors import ScrubError, WrongPassphrase
from reviewer.filenames import content_disposition, with_suffix
from reviewer.headers import DOWNLOAD_CSP
from reviewer.scrub import scrub
from reviewer.service import write_record
from reviewer.state import reviewer_state
from reviewer.unlock import confirm_passphrase
from reviewer.views.reports import RID, blueprint, load_view
from reviewer.web import api, keys
from vault.canonical import utc_day
from vault.errors import VaultError
from vault.open import custody_record, open_attachment, sign_custody_record

BLOB = "<string(length=64):blob_id>"


def _plaintext(report_id: uuid.UUID, blob_id: str):  # type: ignore[no-untyped-def]
    """The verified plaintext, whole or not at all (kept in this process's memory only)."""
    view = load_view(report_id)
    entry = next((a for a in view.report.attachments if a.blob_id == blob_id), None)
    if entry is None:
        abort(404)
    client = api()
    buffer = bytearray()
    for chunk in open_attachment(entry, lambda bid: client.blob(str(report_id), bid)):
        buffer += chunk
    return entry, bytes(buffer)


def _download(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


@blueprint.route(f"/{RID}/attachments/{BLOB}/scrubbed")
def scrubbed(report_id: uuid.UUID, blob_id: str):  # type: ignore[no-untyped-def]
    try:
        entry, data = _plaintext(report_id, blob_id)
        clean = scrub(data, reviewer_state().scrub_limits)
    except (VaultError, ScrubError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "code", "error")
        flash(_("No scrubbed copy (%(reason)s): %(message)s", reason=reason, message=str(exc)),
              "error")
        return redirect(url_for("reports.show", report_id=report_id))
    api().audit_event("scrubbed_download", str(report_id))
    # S8: a derived copy records its transform and its parent's hash (sealed, signed).
    write_record("derived", {"blob_id": blob_id, "parent_sha256": clean.parent_sha256,
                             "transform": clean.transform, "sha256": clean.sha256},
                 report_id=str(report_id))
    response = _download(clean.data, with_suffix(entry.name, "scrubbed", clean.extension))
    response.headers["X-Haven-Transform"] = clean.transform
    return response


@blueprint.route(f"/{RID}/attachments/{BLOB}/custody", methods=["POST"])
def custody(report_id: uuid.UUID, blob_id: str):  # type: ignore[no-untyped-def]
    """S8: after the file opened and its SHA-256 matched, sign what was verified."""
    f.EmptyForm().validate_on_submit()
    try:
        entry, _data = _plaintext(report_id, blob_id)  # every check of open_attachment
    except VaultError as exc:
        flash(_("The file failed its checks (%(code)s): nothing was recorded.", code=exc.code),
              "error")
        return redirect(url_for("reports.show", report_id=report_id))
    view = load_view(report_id)
    signed = sign_custody_record(custody_record(view.report, entry, day=utc_day()),
                                 keys().signing_key())
    write_record("custody", signed, report_id=str(report_id))
    flash(_("Chain-of-custody record signed for this file."), "status")
    return redirect(url_for("reports.show", report_id=report_id))


@blueprint.route(f"/{RID}/attachments/{BLOB}/raw")
def raw(report_id: uuid.UUID, blob_id: str):  # type: ignore[no-untyped-def]
    return render_template("raw_download.html", report_id=report_id, blob_id=blob_id,
                           form=f.PassphraseForm(), error=None)


@blueprint.route(f"/{RID}/attachments/{BLOB}/raw", methods=["POST"], endpoint="raw_confirm")
def raw_confirm(report_id: uuid.UUID, blob_id: str):  # type: ignore[no-untyped-def]
    form = f.PassphraseForm()
    try:
        if not form.validate_on_submit():
            raise WrongPassphrase("the passphrase is required")
        confirm_passphrase(api(), keys(), form.passphrase.data)
    except WrongPassphrase:
        return render_template("raw_download.html", report_id=report_id, blob_id=blob_id,
                               form=form, error=_("Wrong passphrase.")), 401
    try:
        entry, data = _plaintext(report_id, blob_id)
    except VaultError as exc:
        flash(_("The file failed its checks (%(code)s): %(message)s", code=exc.code,
                message=str(exc)), "error")
        return redirect(url_for("reports.show", report_id=report_id))
    api().audit_event("raw_download", str(report_id))
    return _download(data, entry.name)
