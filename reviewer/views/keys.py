"""Unlock (passphrase -> key in this process's memory) and lock (wipe) the reviewer key."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from reviewer.errors import KeyLocked, WrongPassphrase
from reviewer.forms import EmptyForm, NewKeyForm, PassphraseForm
from reviewer.state import reviewer_state
from reviewer.unlock import create_key, has_any_key, unwrap_all
from reviewer.web import api, rotate, session_id

blueprint = Blueprint("keys", __name__, url_prefix="/key")


@blueprint.route("/unlock", methods=["GET", "POST"])
def unlock():  # type: ignore[no-untyped-def]
    form = PassphraseForm(next=request.args.get("next", ""))
    idle_minutes = reviewer_state().config.key_idle_seconds // 60
    if not form.validate_on_submit():
        return render_template("unlock.html", form=form, error=None,
                               idle_minutes=idle_minutes)
    try:
        unwrapped = unwrap_all(api(), form.passphrase.data)
    except (WrongPassphrase, KeyLocked) as exc:
        error = _("Wrong passphrase.") if isinstance(exc, WrongPassphrase) else str(exc)
        return render_template("unlock.html", form=form, error=error,
                               idle_minutes=idle_minutes), 401
    state = reviewer_state()
    state.keys.unlock(session_id(), reviewer_id=session["account_id"],
                      key_id=unwrapped.active_key_id, secrets=unwrapped.secrets)
    # Rotate both the API token and our session id at unlock (S16).
    session["token"] = api().rotate()
    rotate()
    return redirect(_safe_next(form.next.data) or url_for("inbox.index"))


@blueprint.route("/setup", methods=["GET", "POST"])
def setup():  # type: ignore[no-untyped-def]
    """A reviewer without a key makes one here; only its wrapped form leaves this process."""
    form = NewKeyForm()
    if has_any_key(api()):
        return render_template("key_setup.html", form=None, created=None)
    if not form.validate_on_submit():
        return render_template("key_setup.html", form=form, created=None)
    try:
        key_id = create_key(api(), form.passphrase.data)
    except WrongPassphrase as exc:
        form.passphrase.errors = [str(exc)]
        return render_template("key_setup.html", form=form, created=None), 400
    return render_template("key_setup.html", form=None, created=key_id)


@blueprint.route("/lock", methods=["POST"])
def lock():  # type: ignore[no-untyped-def]
    EmptyForm().validate_on_submit()
    reviewer_state().keys.lock(session_id())
    return redirect(url_for("home.index"))


@blueprint.route("/epoch", methods=["GET", "POST"])
def epoch():  # type: ignore[no-untyped-def]
    """S6: re-seal every live report this coordinator can open to the current bundle
    (passphrase again; each re-seal is audited ``reseal`` by the API)."""
    from reviewer.epoch import NotInTriage, reseal_live_reports, stale_reports
    from reviewer.unlock import confirm_passphrase
    from reviewer.web import keys

    state = reviewer_state()
    current = state.bundles.current(refresh=True).bundle
    form = PassphraseForm()
    if not form.validate_on_submit():
        return render_template("epoch.html", form=form, serial=current.serial,
                               stale=len(stale_reports(api(), current)), result=None,
                               error=None)
    try:
        confirm_passphrase(api(), keys(), form.passphrase.data)
        result = reseal_live_reports(api(), keys(), state.bundles)
    except (WrongPassphrase, NotInTriage) as exc:
        error = _("Wrong passphrase: nothing was changed.") if isinstance(
            exc, WrongPassphrase) else str(exc)
        return render_template("epoch.html", form=form, serial=current.serial,
                               stale=len(stale_reports(api(), current)), result=None,
                               error=error), 400
    return render_template("epoch.html", form=PassphraseForm(formdata=None),
                           serial=result.serial, stale=len(stale_reports(api(), current)),
                           result=result, error=None)


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None
