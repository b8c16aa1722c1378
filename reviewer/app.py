"""``create_app(config)``: the reviewer app (port 8081, one process, threads).

It must run as ONE process: sessions and unlocked keys live in this process's memory
(S13), so gunicorn runs it with one worker and several threads.
"""

from __future__ import annotations

import atexit
import logging

from flask import Flask, abort, g, redirect, render_template, request, url_for
from flask_babel import Babel
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect

from haven.config import HavenConfig
from reviewer import authz
from reviewer.config import ReviewerConfig, reviewer_config
from reviewer.errors import BundleUntrusted, KeyLocked
from reviewer.hardening import harden_process
from reviewer.headers import apply_security_headers
from reviewer.keyring import KeyHolder
from reviewer.sessions import ServerSessionInterface, SessionStore
from reviewer.state import EXTENSION, ReviewerState
from reviewer.trust import BundleCache
from reviewer.vault_client import (
    NoAccess,
    QuotaExceeded,
    Unauthenticated,
    Unavailable,
    Unreachable,
    VaultApiError,
    VaultClient,
)
from reviewer.web import current_roles, current_user

log = logging.getLogger("haven.reviewer")
MAX_FORM_BYTES = 256 * 1024


def create_app(config: HavenConfig, *, vault_url: str | None = None) -> Flask:
    settings = reviewer_config(config, vault_url)
    hardening = harden_process()
    if not hardening.not_dumpable:
        log.warning("could not make the reviewer process non-dumpable (not Linux?)")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.session_secret,
        MAX_CONTENT_LENGTH=MAX_FORM_BYTES,
        WTF_CSRF_TIME_LIMIT=None,  # bound to the session, which has its own lifetimes
        WTF_CSRF_SSL_STRICT=settings.secure_transport,
        BABEL_DEFAULT_LOCALE="en",
    )
    state = _install_state(app, settings)
    app.session_interface = state.session_interface
    CSRFProtect(app)
    Babel(app)
    _install_hooks(app, state)
    _install_errors(app)
    _register_blueprints(app)
    atexit.register(state.keys.wipe_all)
    return app


def _install_state(app: Flask, settings: ReviewerConfig) -> ReviewerState:
    keys = KeyHolder(settings.key_idle_seconds)
    store = SessionStore(settings.session_idle_seconds, settings.session_absolute_seconds,
                         on_end=keys.lock)
    iface = ServerSessionInterface(store, settings.session_cookie_name,
                                   settings.secure_transport)
    vault = VaultClient(settings.vault_api_url, timeout=settings.api_timeout_seconds)
    state = ReviewerState(settings, keys, store, iface, vault, BundleCache(settings, vault))
    app.extensions[EXTENSION] = state
    return state


def _install_hooks(app: Flask, state: ReviewerState) -> None:
    @app.before_request
    def enforce_authorisation():  # type: ignore[no-untyped-def]
        state.sessions.sweep()
        state.keys.sweep()
        action = authz.required_action(request.endpoint)
        if request.endpoint is None:
            return None  # 404/405 follow
        roles = current_roles()
        if authz.allowed(roles, action):
            g.action = action
            return None
        if not roles:
            return redirect(url_for("auth.login"))
        return abort(403)

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        return apply_security_headers(response, state.config.secure_transport)

    @app.context_processor
    def template_helpers():  # type: ignore[no-untyped-def]
        from reviewer.web import key_unlocked

        roles = current_roles()
        return {
            "user": current_user(),
            "can": lambda action: authz.can(roles, action),
            "key_unlocked": key_unlocked() if roles else False,
        }


def _install_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_refused(error):  # type: ignore[no-untyped-def]
        message = _("The form expired or did not come from this app. Reload and try again.")
        return render_template("error.html", title=_("Form refused"), message=message), 400

    @app.errorhandler(KeyLocked)
    def key_locked(error):  # type: ignore[no-untyped-def]
        return redirect(url_for("keys.unlock", next=request.path))

    @app.errorhandler(Unauthenticated)
    def api_session_ended(error):  # type: ignore[no-untyped-def]
        from reviewer.web import sign_out

        response = redirect(url_for("auth.login"))
        sign_out(response)
        return response

    @app.errorhandler(Unreachable)
    @app.errorhandler(Unavailable)
    def vault_down(error):  # type: ignore[no-untyped-def]
        message = _("The vault API cannot be reached or is unavailable. Nothing was changed.")
        return render_template("error.html", title=_("Vault unavailable"),
                               message=message), 503

    @app.errorhandler(NoAccess)
    def no_access(error):  # type: ignore[no-untyped-def]
        message = _("This report is not shared with your key (not in the triage set, not "
                    "assigned to you).")
        return render_template("error.html", title=_("Not shared with you"),
                               message=message), 403

    @app.errorhandler(QuotaExceeded)
    def quota(error):  # type: ignore[no-untyped-def]
        message = _("Your daily quota of opened reports is used up; coordinators were alerted "
                    "if this looked like a bulk export.")
        return render_template("error.html", title=_("Quota reached"), message=message), 429

    @app.errorhandler(BundleUntrusted)
    def untrusted(error):  # type: ignore[no-untyped-def]
        log.error("key bundle refused: %s", error)
        message = _("The reviewer key bundle from the vault does not verify against the "
                    "organisation pin. Nothing can be sealed or opened: tell an admin.")
        return render_template("error.html", title=_("Key bundle not trusted"),
                               message=message), 503

    @app.errorhandler(VaultApiError)
    def api_refused(error):  # type: ignore[no-untyped-def]
        status = {"not_found": 404, "forbidden": 403, "conflict": 409}.get(error.code, 400)
        if error.status >= 500:  # noqa: PLR2004
            status = 502
        message = _("The vault API refused the request (%(code)s). Nothing was changed.",
                    code=error.api_code)
        return render_template("error.html", title=_("Refused"), message=message), status

    for status, title in ((403, _l("Not allowed")), (404, _l("Not found")),
                          (405, _l("Not allowed")), (413, _l("Too large"))):
        app.register_error_handler(status, _status_page(status, title))


def _status_page(status: int, title):  # type: ignore[no-untyped-def]
    def handler(error):  # type: ignore[no-untyped-def]
        return render_template("error.html", title=str(title), message=""), status

    return handler


def _register_blueprints(app: Flask) -> None:
    from reviewer.views import admin, audit, auth, cases, home, inbox, keys, reports

    for module in (auth, home, keys, inbox, reports, cases, audit, admin):
        app.register_blueprint(module.blueprint)
