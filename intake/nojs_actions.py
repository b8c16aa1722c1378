"""The no-JS inbox's actions: a message, consent changes, or withdrawing the whole report,
each signed with the receipt-derived key and sealed by the server (``server_sealed``)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from intake.errors import FormError
from intake.form_values import blocked_scopes

MAX_MESSAGE = 20000


def perform(services, keys, view, form: Mapping) -> str:
    from vault.canonical import utc_day

    action = form.get("action", "")
    day = utc_day()
    if view.state != "active":
        raise FormError(_("This report was withdrawn; nothing more can be added."), "action")
    if action == "message":
        text = form.get("message", "").strip()
        if not text or len(text) > MAX_MESSAGE:
            raise FormError(_("Please write a message (at most 20,000 characters)."), "message")
        _send(services, keys, view, "message", {"text": text, "day": day})
        return _("Sent, signed with your receipt.")
    if action == "consent":
        payload = consent_change(form, day)
        _send(services, keys, view, "consent_change", payload)
        return _("Your choices were recorded.")
    if action == "withdraw":
        _send(services, keys, view, "withdrawal", {"day": day}, withdraw=True)
        return _("Withdrawal recorded. A reviewer will confirm it with a signed acknowledgement.")
    raise FormError(_("Unknown action."), "action")


def consent_change(form: Mapping, day: str) -> dict:
    from haven.taxonomy import load_taxonomy

    changes = {}
    for scope in load_taxonomy().ids("consent_scopes"):
        choice = form.get(f"scope-{scope}", "")
        if choice in ("grant", "withdraw"):
            changes[scope] = choice
    given_by = form.get("given_by", "")
    if given_by not in load_taxonomy().ids("consent_givers"):
        raise FormError(_("Please say who gives consent."), "given_by")
    granted = [scope for scope, choice in changes.items() if choice == "grant"]
    if blocked_scopes(given_by, granted):
        raise FormError(
            _("Until the person targeted consents, UN and publication choices stay off."),
            "scopes")
    if not changes:
        raise FormError(_("Choose at least one change."), "scopes")
    return {"scopes": changes, "given_by": given_by, "risks_explained":
            form.get("risks_explained") == "yes", "day": day, "how": form.get("how", "")[:500]}


def _send(services, keys, view, type_name: str, payload: dict, *, withdraw: bool = False) -> None:
    from intake.inbox import store_reporter_event
    from intake.reporter_inbox import chain_position, sealed_head
    from vault.canonical import utc_day
    from vault.seal import seal_reporter_event

    seq, prev_hash = chain_position(view, keys)
    sealed = seal_reporter_event(view.report_id, seq, prev_hash, type_name, payload,
                                 bundle=services.bundle.parsed, receipt_keys=keys,
                                 day=utc_day(), server_sealed=True)
    store_reporter_event(services, keys.lookup_id, sealed.envelope, seq=seq,
                         head=sealed_head(keys, seq, sealed.event_hash), withdraw=withdraw,
                         server_sealed=True)


def burn(services, keys, view) -> None:
    """Burn my receipt (S6): the signed ``receipt_burned`` event, sealed by the server."""
    from intake.burn import burn as burn_receipt
    from intake.reporter_inbox import chain_position
    from vault.canonical import utc_day
    from vault.seal import seal_reporter_event

    seq, prev_hash = chain_position(view, keys)
    sealed = seal_reporter_event(view.report_id, seq, prev_hash, "receipt_burned",
                                 {"day": utc_day()}, bundle=services.bundle.parsed,
                                 receipt_keys=keys, day=utc_day(), server_sealed=True)
    burn_receipt(services, keys.lookup_id, sealed.envelope, seq=seq, server_sealed=True)
