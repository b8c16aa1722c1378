"""Per-request state of the vault API: the app's shared state, the database session, the
caller, the clock.

One SQLAlchemy session per request, opened on first use. ``vault.api.app`` commits it after
a successful response and rolls it back after an error — unless the view called
``commit_on_error()`` (a failed login must still count towards the lockout).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, g
from sqlalchemy.orm import Session, sessionmaker

from vault.api.access import Quota
from vault.api.bundles import Organisation
from vault.api.credentials import AuthPolicy, Caller
from vault.api.settings import ApiSettings
from vault.blobs import FileBlobBackend

STATE_KEY = "haven_vault_api"


@dataclass(frozen=True)
class ApiState:
    settings: ApiSettings
    sessions: sessionmaker[Session]
    blobs: FileBlobBackend
    organisation: Organisation
    audit_target_key: bytes
    auth: AuthPolicy
    quota: Quota
    bundle_path: Path
    # The newest bundle serial whose key states were applied (bundles may also be published
    # by `haven keys` straight into the store).
    applied_serial: list[int] = field(default_factory=lambda: [0])


def state() -> ApiState:
    return current_app.extensions[STATE_KEY]


def db() -> Session:
    session = g.get("db_session")
    if session is None:
        session = state().sessions()
        g.db_session = session
    return session


def caller() -> Caller:
    return g.caller


def commit_on_error() -> None:
    g.commit_on_error = True


def now() -> int:
    return int(time.time())


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
