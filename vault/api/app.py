"""The vault API's Flask app factory: ``create_app(config)`` (vault/api/API.md).

Fails closed: a bad ``[vault_api]`` section, an unmigrated database, a missing or
inconsistent organisation pin or audit key raise ``ConfigError`` at start-up (``haven.apps``
then serves 503 to everything), and a database that fails at run time answers 503.
Every request is authenticated (bearer token) and authorised (``authz.MATRIX``) before its
view runs; every response carries the strict headers of API.md §1.
"""

from __future__ import annotations

import logging

from flask import Flask, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError

from haven.config import HavenConfig
from haven.errors import ConfigError
from vault import audit
from vault.api import authz, bundles, context, errors
from vault.api.access import Quota
from vault.api.bundles import load_organisation
from vault.api.credentials import AuthPolicy, resolve_token
from vault.api.errors import ApiError
from vault.api.settings import ApiSettings, api_settings
from vault.blobs import backend_for
from vault.db import current_revision, make_engine, session_factory
from vault.errors import AuditError, VaultError

log = logging.getLogger("vault.api")

REQUIRED_REVISION = "0006_totp_enrolment"  # accounts.totp_confirmed (API.md §2)
# Sealed records, reviewer events, whole bundles and re-sealed envelopes may exceed the small
# default body limit.
LARGE_BODY_ACTIONS = frozenset({"records.write", "reports.events.write", "bundle.publish",
                                "reports.reseal"})
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: HavenConfig, *, settings: ApiSettings | None = None) -> Flask:
    settings = settings or api_settings(config)
    state = _build_state(settings)
    if config.section("vault").get("blob_store", "files") != "files":
        # Blobs as rows in the vault database (vault.blobs_pg), shared by several hosts.
        from dataclasses import replace

        from vault.blobs import backend_from_config

        state = replace(state, blobs=backend_from_config(config))
    app = Flask("vault.api")
    app.config.update(MAX_CONTENT_LENGTH=settings.max_upload_bytes, JSON_SORT_KEYS=False)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[context.STATE_KEY] = state
    limiter = Limiter(get_remote_address, app=app, storage_uri=settings.ratelimit_storage_url,
                      default_limits=[], headers_enabled=False)
    errors.register(app)
    _register_blueprints(app, limiter, settings)
    app.before_request(_authenticate)
    app.after_request(_finish)
    app.teardown_request(_close_session)
    return app


def _build_state(settings: ApiSettings) -> context.ApiState:
    from pathlib import Path

    engine = make_engine(settings.database_url)
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        raise ConfigError(f"vault database unreachable: {type(exc).__name__}") from None
    if revision is None or revision < REQUIRED_REVISION:
        raise ConfigError(f"vault database at revision {revision}: run `haven init`/migrate")
    try:
        organisation = load_organisation(Path(settings.organisation_path))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"organisation pin unusable: {exc}") from None
    try:
        audit_key = audit.load_audit_key(Path(settings.audit_target_key_path))
    except AuditError as exc:
        raise ConfigError(str(exc)) from None
    auth = AuthPolicy(settings.password, settings.lockout, settings.idle_timeout_seconds,
                      settings.absolute_timeout_seconds, _totp_key(settings, engine))
    return context.ApiState(
        settings=settings, sessions=session_factory(engine),
        blobs=backend_for(Path(settings.blob_dir)), organisation=organisation,
        audit_target_key=audit_key, auth=auth,
        quota=Quota(settings.decrypt_quota_per_day, settings.bulk_open_alert_threshold),
        bundle_path=Path(settings.bundle_path),
    )


def _totp_key(settings: ApiSettings, engine) -> bytes:  # type: ignore[no-untyped-def]
    """The totp-wrap key (made on first use), after sealing every TOTP secret still stored
    in plaintext: the data step of migration 0005 (vault.totp_wrap)."""
    from pathlib import Path

    from vault import totp_wrap
    from vault.db import transaction

    path = Path(settings.totp_wrap_key_path or
                Path(settings.audit_target_key_path).with_name(totp_wrap.KEY_FILE))
    try:
        key = totp_wrap.load_or_create_key(path)
        with transaction(session_factory(engine)) as session:
            sealed = totp_wrap.seal_plaintext_secrets(session, key)
    except (VaultError, OSError, SQLAlchemyError) as exc:
        raise ConfigError(f"TOTP secrets unusable: {type(exc).__name__}: {exc}") from None
    if sealed:
        log.info("sealed %d TOTP secret(s) stored in plaintext", sealed)
    return key


def _register_blueprints(app: Flask, limiter: Limiter, settings: ApiSettings) -> None:
    from vault.api import views_admin, views_auth, views_records, views_reports

    for module in (views_auth, views_reports, views_records, views_admin):
        app.register_blueprint(module.blueprint)
    # flask-limiter checks inside the wrapper it returns: serve the wrapped login view.
    limited = limiter.limit(settings.login_rate_limit, error_message="too many login attempts")
    app.view_functions["auth.login"] = limited(views_auth.login)


def _authenticate() -> None:
    if request.endpoint is None or request.endpoint == "static":
        return  # unknown route: Flask answers 404/405
    view = _view(request.endpoint)
    action = getattr(view, "haven_action", None)
    if action is None or action not in authz.MATRIX:
        raise ApiError("forbidden", "this route has no authorisation rule")
    g.action = action
    state = context.state()
    limit = (state.settings.max_upload_bytes if action in LARGE_BODY_ACTIONS
             else state.settings.max_body_bytes)
    if (request.content_length or 0) > limit:
        raise ApiError("too_large", f"this request body is limited to {limit} bytes")
    if authz.is_public(action):
        return
    header = request.headers.get("Authorization", "")
    token = header[len("Bearer "):] if header.startswith("Bearer ") else None
    session = context.db()
    _follow_bundles(session, state)
    g.caller = resolve_token(session, token, now=context.now(), policy=state.auth)
    if not authz.allowed(action, g.caller.account.roles):
        raise ApiError("forbidden", "your role may not do this")


def _follow_bundles(session, state: context.ApiState) -> None:
    latest = bundles.current_serial(session)
    if latest != state.applied_serial[0]:
        bundles.sync_with_latest_bundle(session, context.today())
        session.commit()
        state.applied_serial[0] = latest


def _view(endpoint: str):
    from flask import current_app

    return current_app.view_functions.get(endpoint)


def _finish(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    session = g.get("db_session")
    if session is None:
        return response
    try:
        if response.status_code < 400 or g.get("commit_on_error"):  # noqa: PLR2004
            session.commit()
        else:
            session.rollback()
    except SQLAlchemyError as exc:
        session.rollback()
        log.error("vault API commit failed: %s", type(exc).__name__)
        return errors.error_response(ApiError("unavailable", "the vault is unavailable"))
    return response


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
