"""The intake app factory: the public, anonymous reporting site.

``create_app(config)`` returns the app, or — when the ``[intake]`` section, the keys or the
signed bundle are wrong — an app that answers 503 on every route (fail closed, as SecureDrop
does): a reporter must never type a report into a site that cannot protect it.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from haven.config import HavenConfig
from haven.errors import HavenError
from haven.i18n import init_i18n
from intake.config import intake_config_from_section
from intake.errors import IntakeError, vault_error_status
from intake.headers import apply_security_headers
from intake.logging_policy import quiet_request_logs
from intake.nojs_form import IntakeRequest
from intake.services import build_services
from intake.site import CRYPTO_SCRIPTS
from vault.errors import VaultError

log = logging.getLogger("haven.intake")

# Endpoints whose pages run libsodium (and so need 'wasm-unsafe-eval').
CRYPTO_ENDPOINTS = frozenset({"pages.report", "pages.inbox"})


def create_app(config: HavenConfig) -> Flask:
    quiet_request_logs()
    try:
        intake_config = intake_config_from_section(config.section("intake"))
        services = build_services(config, intake_config)
    except HavenError as exc:
        log.error("intake unavailable (503 on every route): %s", exc)
        return unavailable_app()
    except Exception as exc:  # a broken key file or vault module must not half-start the site
        log.error("intake unavailable (503 on every route): %s", type(exc).__name__)
        return unavailable_app()
    app = Flask(__name__)
    app.request_class = IntakeRequest
    app.config.update(
        MAX_CONTENT_LENGTH=None,  # each route enforces its own cap while streaming
        JSON_SORT_KEYS=False,
        TRAP_HTTP_EXCEPTIONS=False,
    )
    app.extensions["haven_intake"] = services
    if intake_config.proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=intake_config.proxies,  # type: ignore[method-assign]
                                x_proto=intake_config.proxies)
    init_i18n(app, languages=intake_config.languages)  # ?lang= or Accept-Language, no cookie
    services.limiter.init_app(app)
    _register_blueprints(app)
    _apply_limits(app, services)
    _register_error_handlers(app)
    _register_template_globals(app, services)

    @app.after_request
    def _headers(response):
        return apply_security_headers(
            response,
            behind_tls=intake_config.behind_tls,
            onion_address=intake_config.onion_address,
            crypto_endpoints=CRYPTO_ENDPOINTS,
        )

    @app.before_request
    def _drop_cookies():
        # Nothing of the reporter's browser state is read: no cookie is ever honoured.
        request.cookies = {}  # type: ignore[misc]

    app.log_exception = _log_exception_without_request  # type: ignore[method-assign]
    return app


def _register_blueprints(app: Flask) -> None:
    from intake.views.api import api
    from intake.views.inbox_api import inbox_api
    from intake.views.nojs import nojs
    from intake.views.nojs_inbox import nojs_inbox
    from intake.views.openapi_api import openapi_api
    from intake.views.pages import pages
    from intake.views.uploads_api import uploads_api

    for blueprint in (pages, api, uploads_api, inbox_api, nojs, nojs_inbox, openapi_api):
        app.register_blueprint(blueprint)


def _misses(response) -> bool:
    """Only wrong receipts count against the receipt limit (a right one costs nothing)."""
    return response.status_code == 404  # noqa: PLR2004


# endpoint -> (IntakeConfig limit setting, which responses count); on top of the default
# page limit. Chunk PUTs are exempt from it: they need an upload id, paid for by the proof
# of work at upload start, and a 500 MB file is thousands of them.
ENDPOINT_LIMITS = {
    "api.submit": ("limit_submit", None),
    "nojs.submit": ("limit_submit", None),
    "uploads_api.begin": ("limit_upload", None),
    "inbox_api.open_inbox": ("limit_receipt", _misses),
    "inbox_api.add_event": ("limit_receipt", _misses),
    "inbox_api.burn_receipt": ("limit_receipt", _misses),
    "nojs_inbox.open_inbox": ("limit_receipt", _misses),
    "nojs_inbox.act": ("limit_receipt", _misses),
}
UNLIMITED_ENDPOINTS = ("uploads_api.put_chunk", "uploads_api.status")


def _apply_limits(app: Flask, services) -> None:
    limiter, intake = services.limiter, services.intake_config
    for endpoint, (setting, deduct_when) in ENDPOINT_LIMITS.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(
            getattr(intake, setting), deduct_when=deduct_when, override_defaults=False,
        )(view)
    for endpoint in UNLIMITED_ENDPOINTS:
        app.view_functions[endpoint] = limiter.exempt(app.view_functions[endpoint])


def _register_template_globals(app: Flask, services) -> None:
    @app.context_processor
    def _globals():
        return {"intake": services.intake_config, "site": services.site,
                "crypto_scripts": CRYPTO_SCRIPTS}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(IntakeError)
    def _intake_error(exc: IntakeError):
        if _wants_json():
            return jsonify(error=exc.code, message=str(exc)), exc.status
        return render_template("error.html", message=str(exc), status=exc.status), exc.status

    @app.errorhandler(VaultError)
    def _vault_error(exc: VaultError):
        status = vault_error_status(exc)
        if _wants_json():
            return jsonify(error=exc.code, message=str(exc)), status
        message = _("The report could not be stored. Nothing was kept. Please try again.")
        return render_template("error.html", message=message, status=status), status

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc):
        message = _("This is larger than the site accepts. Please send smaller files.")
        if _wants_json():
            return jsonify(error="too_large", message=message), 413
        return render_template("error.html", message=message, status=413), 413

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        if _wants_json():
            return jsonify(error=(exc.name or "error").lower().replace(" ", "_")), status
        return render_template("error.html", message=_http_message(status), status=status), status

    @app.errorhandler(OperationalError)
    def _database_unavailable(exc: OperationalError):
        # The database is down or unreachable: nothing was acknowledged, so nothing is lost;
        # say so plainly and ask the client to come back (never a bare 500).
        log.error("intake database unavailable: %s", type(exc.orig).__name__)
        message = _("The site cannot store reports right now. Nothing was kept. "
                    "Please try again in a few minutes.")
        if _wants_json():
            response = jsonify(error="database_unavailable", message=message)
        else:
            response = app.make_response(
                render_template("error.html", message=message, status=503))
        response.status_code = 503
        response.headers["Retry-After"] = "120"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Never echo request data back or into logs: only the type of the failure.
        log.error("intake error: %s at %s", type(exc).__name__, request.endpoint)
        if _wants_json():
            return jsonify(error="internal_error"), 500
        message = _("Something went wrong and nothing was stored. Please try again.")
        return render_template("error.html", message=message, status=500), 500


def _http_message(status: int) -> str:
    messages = {
        404: _("This page does not exist."),
        405: _("This address does not accept that kind of request."),
        429: _("Too many attempts from your network. Please wait a while and try again."),
    }
    return messages.get(status, _("The request could not be handled."))


def _log_exception_without_request(exc_info) -> None:
    log.error("unhandled %s", exc_info[0].__name__ if exc_info and exc_info[0] else "error")


def unavailable_app() -> Flask:
    """Answers 503 on every route, with the usual security headers."""
    app = Flask(__name__)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def _unavailable(path: str):
        body = "The reporting site is not available right now. Nothing was sent or stored.\n"
        return body, 503, {
            "Content-Type": "text/plain; charset=utf-8",
            "Retry-After": "300",
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        }

    return app
