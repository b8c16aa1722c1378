"""The same form without JavaScript (S9): posted as multipart, sealed on the server at once."""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from intake.errors import FormError
from intake.headers import CLEAR_SITE_DATA
from intake.nojs_seal import AUDIO_FIELD, FILES_FIELD, NoJsFile, seal_nojs_report

nojs = Blueprint("nojs", __name__)


def services():
    return current_app.extensions["haven_intake"]


@nojs.post("/report/nojs")
def submit():
    svc = services()
    request.max_content_length = svc.intake_config.nojs_max_form_bytes
    request.file_budget_bytes = svc.intake_config.nojs_max_attachment_bytes
    values = {key: request.form.getlist(key) for key in request.form}
    files = [
        NoJsFile(key, upload.filename or "file",
                 upload.mimetype or "application/octet-stream", upload.stream)
        for key in (FILES_FIELD, AUDIO_FIELD)
        for upload in request.files.getlist(key)
        if upload.filename
    ]
    try:
        result = seal_nojs_report(svc, values, files)
    except FormError as exc:
        return render_template("nojs_error.html", message=str(exc), field=exc.field), 400
    words = result.receipt.split()
    position = 1 + (len(words) - 1) // 2  # ask for a word from the middle
    response = current_app.make_response(render_template(
        "receipt_nojs.html", receipt=result.receipt, position=position,
        tag=_check_tag(svc, position, words[position])))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response, 201


@nojs.post("/receipt/check")
def check_receipt():
    """Without JS, the "did you write it down?" check: the page carries a MAC of the expected
    word, never the word, so the server keeps nothing and the check needs no state."""
    svc = services()
    position = request.form.get("position", "0")
    typed = request.form.get("word", "").strip().lower()
    tag = request.form.get("tag", "")
    ok = position.isdigit() and hmac.compare_digest(_check_tag(svc, int(position), typed), tag)
    return render_template("receipt_checked.html", ok=ok, position=position, tag=tag,
                           message=_("Correct.") if ok else
                           _("That does not match. Please look at what you wrote."))


def _check_tag(svc, position: int, word: str) -> str:
    key = hashlib.blake2b(svc.pepper, digest_size=32, person=b"haven-rcpt-check").digest()
    return hmac.new(key, f"{position}:{word}".encode(), hashlib.sha256).hexdigest()
