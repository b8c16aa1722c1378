"""Sign in (password + TOTP or recovery code, checked by the vault API) and sign out."""

from __future__ import annotations

import contextlib

import segno
from flask import Blueprint, redirect, render_template, session, url_for
from flask_babel import gettext as _

from reviewer.forms import EmptyForm, LoginForm
from reviewer.state import reviewer_state
from reviewer.vault_client import InvalidCredentials, Locked, RateLimited, VaultApiError
from reviewer.vault_types import TotpEnrolmentNeeded
from reviewer.web import api, rotate, sign_out

blueprint = Blueprint("auth", __name__)


@blueprint.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("login.html", form=form, error=None), 200
    error = _sign_in(form)
    if isinstance(error, TotpEnrolmentNeeded):
        # First sign-in: scan this secret, then sign in again with a code from it. No
        # session starts before a code is confirmed; the secret lives only in this page.
        form.password.data, form.totp.data = None, None
        return render_template("login.html", form=form, error=None, enrolment=error,
                               qr=_qr(error.provisioning_uri)), 200
    if error:
        return render_template("login.html", form=form, error=error), 401
    return redirect(url_for("home.index"))


def _qr(uri: str) -> str:
    """A data: URI PNG of the provisioning URI (made here with segno, no remote content)."""
    return segno.make(uri, error="m").png_data_uri(scale=5)


def _sign_in(form: LoginForm) -> str | TotpEnrolmentNeeded | None:
    """Log in through the API; on success a NEW session id carries the token (no fixation).
    With no code at all, an account that has not confirmed a TOTP gets its enrolment."""
    totp = (form.totp.data or "").replace(" ", "").strip()
    recovery = (form.recovery_code.data or "").strip()
    try:
        result = reviewer_state().vault.sign_in(form.username.data, form.password.data,
                                                totp=totp or None,
                                                recovery_code=recovery or None)
    except InvalidCredentials:
        return (_("Wrong username, password or code.") if totp or recovery else
                _("Enter the code from your authenticator app or a recovery code."))
    except Locked as locked:
        return _("Too many failed attempts: this account is locked for %(seconds)s seconds.",
                 seconds=locked.retry_after or "some")
    except RateLimited:
        return _("Too many sign-in attempts from here. Wait a minute and try again.")
    except VaultApiError as exc:
        return _("Sign-in failed: %(reason)s", reason=exc.api_code)
    if isinstance(result, TotpEnrolmentNeeded):
        return result
    session.clear()
    rotate()
    session.update(account_id=result.account.account_id, username=result.account.username,
                   roles=list(result.account.roles), token=result.token)
    return None


@blueprint.route("/logout", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    EmptyForm().validate_on_submit()  # CSRFProtect already refused a forged request
    with contextlib.suppress(VaultApiError):
        api().logout()  # on failure the server-side session still ends; the token expires
    response = redirect(url_for("auth.login"))
    sign_out(response)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
