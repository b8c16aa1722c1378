"""The case base web app: ``create_app(config)``.

Public pages show only public-tier records; partner pages and the API with a token also
show partner-tier records. Every response carries strict security headers; every partner
response is ``Cache-Control: no-store`` (S20). Nothing about readers is logged.
"""

from __future__ import annotations

from typing import Callable

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFProtect

from casebase.config import CasebaseConfig, casebase_config
from casebase.db import make_engine, migrate, session_factory
from casebase.errors import CasebaseError
from casebase.feed import load_or_create_feed_key
from casebase.throttle import LoginThrottle
from haven.config import HavenConfig
from haven.i18n import init_i18n
from vault.canonical import utc_day

CSP = ("default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; require-trusted-types-for 'script'")


def create_app(config: HavenConfig | CasebaseConfig, *, today: Callable[[], str] = utc_day,
               migrate_database: bool = True) -> Flask:
    settings = config if isinstance(config, CasebaseConfig) else casebase_config(config)
    app = Flask(__name__)
    secure = settings.base_url.startswith("https://")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=512 * 1024,
        SESSION_COOKIE_NAME="__Host-casebase" if secure else "casebase_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=settings.partner_session_minutes * 60,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="en",
        JSON_SORT_KEYS=False,
    )
    engine = make_engine(settings.database_url)
    if migrate_database:
        migrate(engine)
    app.extensions["casebase"] = {
        "settings": settings,
        "sessions": session_factory(engine),
        "engine": engine,
        "today": today,
        "feed_key": load_or_create_feed_key(settings.feed_key_path),
        "login_throttle": LoginThrottle(),
    }
    init_i18n(app, keep_query=True)  # six UN languages; the switch keeps the search
    csrf = CSRFProtect(app)
    _register(app, csrf)
    return app


def _register(app: Flask, csrf: CSRFProtect) -> None:
    from casebase import auth
    from casebase.views_api import api
    from casebase.views_partner import partner
    from casebase.views_public import public

    csrf.exempt(api)  # JSON only; writes are authorised by signatures or bearer tokens
    app.register_blueprint(public)
    app.register_blueprint(partner)
    app.register_blueprint(api)
    from casebase.anonymity import register_anonymity  # the release gate's k query (S18)

    register_anonymity(app, csrf)
    app.before_request(auth.load_reader)
    app.teardown_appcontext(_close_session)
    app.after_request(_security_headers)
    app.register_error_handler(CasebaseError, _casebase_error)
    for status in (400, 404, 405, 413, 500):
        app.register_error_handler(status, _http_error)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def _security_headers(response):  # type: ignore[no-untyped-def]
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if getattr(g, "partner", None) is not None or request.path.startswith("/partner"):
        response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    response.vary.add("Authorization")
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _casebase_error(error: CasebaseError):  # type: ignore[no-untyped-def]
    if _wants_json():
        return jsonify(error=error.code, message=str(error)), error.status
    return _error_page(error.status, str(error))


def _http_error(error):  # type: ignore[no-untyped-def]
    status = getattr(error, "code", 500) or 500
    names = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
             413: "too_large", 500: "server_error"}
    message = {404: "No such page or case."}.get(status, getattr(error, "description", ""))
    if _wants_json():
        return jsonify(error=names.get(status, "error"), message=message), status
    return _error_page(status, message)


def _error_page(status: int, message: str):  # type: ignore[no-untyped-def]
    from casebase.error_pages import error_page

    return render_template("error.html", page=error_page(status, message)), status
