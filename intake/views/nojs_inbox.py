"""The inbox without JavaScript (S9): the receipt is posted, keys are derived and replies
opened in this process's memory only, and forgotten when the page is sent. The page
carries the receipt back in a hidden field of its forms (POST bodies only, never URLs;
pages are never cached)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from intake.errors import FormError, UnknownReceipt
from intake.form_schema import SECTIONS_BY_ID

nojs_inbox = Blueprint("nojs_inbox", __name__, url_prefix="/inbox/nojs")


def services():
    return current_app.extensions["haven_intake"]


def _keys_and_view(svc):
    from intake.inbox import read_inbox
    from intake.nojs_seal import derive_keys
    from vault.errors import ReceiptInvalid

    receipt = request.form.get("receipt", "")
    try:
        keys = derive_keys(svc, receipt)
        return receipt, keys, read_inbox(svc, keys.lookup_id)
    except (ReceiptInvalid, UnknownReceipt):
        # One answer for a mistyped, unknown or burned receipt: the page tells nothing.
        raise UnknownReceipt(_("No report matches this receipt. Check each word.")) from None


@nojs_inbox.post("")
def open_inbox():
    svc = services()
    receipt, keys, view = _keys_and_view(svc)
    return _render(svc, receipt, keys, view, message="")


@nojs_inbox.post("/act")
def act():
    from intake.nojs_actions import perform

    svc = services()
    receipt, keys, view = _keys_and_view(svc)
    if request.form.get("action") in ("burn_confirm", "burn"):
        return _burn(svc, receipt, keys, view)
    try:
        message = perform(svc, keys, view, request.form)
    except FormError as exc:
        return _render(svc, receipt, keys, view, message=str(exc)), 400
    from intake.inbox import read_inbox

    return _render(svc, receipt, keys, read_inbox(svc, keys.lookup_id), message=message)


def _burn(svc, receipt, keys, view):
    """Burn my receipt without JavaScript: a confirmation page first, then the burn."""
    from intake.nojs_actions import burn

    if request.form.get("action") == "burn_confirm" or request.form.get("confirm") != "yes":
        return _no_store(render_template("inbox_nojs_burn.html", receipt=receipt))
    burn(svc, keys, view)
    return _no_store(render_template("inbox_nojs_burned.html"))


def _no_store(body: str):
    response = current_app.make_response(body)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def _render(svc, receipt, keys, view, message: str):
    from intake.reporter_inbox import current_status, open_replies

    events = open_replies(view, keys, svc.bundle.parsed)
    scopes = next(f for f in SECTIONS_BY_ID["consent"].fields if f.name == "scopes").options()
    return _no_store(render_template(
        "inbox_nojs.html", receipt=receipt, view=view, events=events,
        status=current_status(view, events, keys, svc.bundle.parsed), scope_options=scopes,
        message=message))

