"""Partner login and logout (argon2id passwords; CSRF-protected forms)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from casebase import auth
from casebase.accounts import authenticate

partner = Blueprint("partner", __name__, url_prefix="/partner")


@partner.get("/login")
def login_form() -> str:
    return render_template("login.html", error=None)


@partner.post("/login")
def login():  # type: ignore[no-untyped-def]
    username = request.form.get("username", "")[:64]
    password = request.form.get("password", "")[:1024]
    throttle = auth.state()["login_throttle"]
    if throttle.blocked(username):
        message = _("Too many failed attempts for this user name. Try again later.")
        return render_template("login.html", error=message), 429
    found = authenticate(auth.db(), username, password)
    if found is None:
        throttle.failed(username)
        return render_template("login.html", error=_("Wrong user name or password.")), 401
    throttle.succeeded(username)
    auth.log_in(found)
    return redirect(url_for("public.index"))


@partner.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    session.clear()
    return redirect(url_for("public.index"))
