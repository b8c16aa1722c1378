"""Who is reading: the public, or a partner (session cookie or bearer API token)."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, g, request, session
from sqlalchemy.orm import Session

from casebase.accounts import partner_for_token
from casebase.errors import Unauthorized
from casebase.models import Partner


def state() -> dict[str, Any]:
    return current_app.extensions["casebase"]


def db() -> Session:
    if "db" not in g:
        g.db = state()["sessions"]()
    return g.db


def today() -> str:
    return state()["today"]()


def load_reader() -> None:
    """Set ``g.partner`` from a bearer token (API) or a live partner session (pages)."""
    g.partner = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        partner = partner_for_token(db(), token.strip()) if scheme.lower() == "bearer" else None
        if partner is None:
            raise Unauthorized("invalid or revoked API token")
        g.partner = partner
        return
    partner_id, since = session.get("partner_id"), session.get("since", 0)
    lifetime = state()["settings"].partner_session_minutes * 60
    if partner_id is not None and time.time() - since < lifetime:
        partner = db().get(Partner, partner_id)
        g.partner = partner if partner is not None and partner.active else None
    elif partner_id is not None:
        session.clear()


def tiers() -> tuple[str, ...]:
    return ("public", "partner") if g.get("partner") is not None else ("public",)


def tier_name() -> str:
    return "partner" if g.get("partner") is not None else "public"


def require_partner() -> Partner:
    if g.get("partner") is None:
        raise Unauthorized("partner login or API token required")
    return g.partner


def log_in(partner: Partner) -> None:
    session.clear()  # a fresh session at login: nothing from before carries over
    session["partner_id"] = partner.id
    session["since"] = int(time.time())
    session.permanent = True
