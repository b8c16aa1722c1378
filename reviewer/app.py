"""``create_app(config)``: the reviewer app (port 8081, one process, threads).

It must run as ONE process: sessions and unlocked keys live in this process's memory
(S13), so gunicorn runs it with one worker and several threads.
"""

from __future__ import annotations

import atexit
import logging

from flask import Flask, abort, g, redirect, request, url_for
from flask_wtf.csrf import CSRFProtect

from haven.config import HavenConfig
from haven.i18n import init_i18n
from reviewer import authz, error_pages
from reviewer.config import ReviewerConfig, reviewer_config
from reviewer.hardening import harden_process
from reviewer.headers import apply_security_headers
from reviewer.keyring import KeyHolder
from reviewer.sessions import ServerSessionInterface, SessionStore
from reviewer.state import EXTENSION, ReviewerState
from reviewer.trust import BundleCache
from reviewer.vault_client import VaultClient
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
    init_i18n(app, keep_query=True)  # the six UN languages: ?lang= or Accept-Language
    _install_hooks(app, state)
    error_pages.register(app)
    _register_blueprints(app)
    from reviewer.release_views import install_release  # the release gate and the outbox

    install_release(app, config)
    from reviewer.cycle_views import install_unworkflow  # SG cycle, transmissions, follow-up

    install_unworkflow(app, config)
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
        from reviewer.forms import PLAIN_LABELS
        from reviewer.web import key_unlocked

        roles = current_roles()
        return {
            # A status or kind id, named in the reader's language when the catalogue has it.
            "term": lambda value: str(PLAIN_LABELS.get(value, value.replace("_", " "))),
            # A taxonomy term (consent scope, verification level…) by its translated label.
            "vocab": vocabulary_label,
            "user": current_user(),
            "can": lambda action: authz.can(roles, action),
            "key_unlocked": key_unlocked() if roles else False,
        }


def vocabulary_label(vocabulary: str, term: object) -> str:
    """The label of ``term`` in the reader's language; an unknown term shows as it is."""
    from flask_babel import gettext

    from haven.taxonomy import load_taxonomy

    label = load_taxonomy().vocabulary(vocabulary).get(str(term))
    return gettext(label) if label else str(term)


def _register_blueprints(app: Flask) -> None:
    from reviewer.views import admin, audit, auth, cases, home, inbox, keys, reports

    for module in (auth, home, keys, inbox, reports, cases, audit, admin):
        app.register_blueprint(module.blueprint)
