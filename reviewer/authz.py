"""The reviewer app's authorisation matrix, as data, in one place.

``ACTIONS`` says which roles may perform each action; ``ENDPOINTS`` says which action each
Flask endpoint performs. ``required_action`` fails closed: an endpoint missing from the table
is refused for everyone, so a new route cannot be reachable by accident. Report-level access
(only reports sealed to your key, S14) is enforced on top of this by the vault API and by
the key itself.

Admins manage accounts, keys and the audit log; they cannot read reports unless they also
hold a reviewer role (verifier or coordinator).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Mapping

ROLES = ("verifier", "coordinator", "admin")
ANONYMOUS = "anonymous"

PUBLIC = frozenset({ANONYMOUS, *ROLES})
SIGNED_IN = frozenset(ROLES)
REVIEWERS = frozenset({"verifier", "coordinator"})
COORDINATORS = frozenset({"coordinator"})
ADMINS = frozenset({"admin"})

ACTIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "sign_in": PUBLIC,
        "static": PUBLIC,
        "sign_out": SIGNED_IN,
        "home": SIGNED_IN,
        "unlock_key": REVIEWERS,
        "lock_key": REVIEWERS,
        "read_inbox": REVIEWERS,
        "read_report": REVIEWERS,
        "download_scrubbed": REVIEWERS,
        "download_raw": REVIEWERS,
        "annotate": REVIEWERS,  # labels, notes
        "redact": REVIEWERS,  # redaction versions (non-destructive)
        "triage": REVIEWERS,
        "verify": REVIEWERS,  # status, checklist, verification records
        "reply": REVIEWERS,
        "request_reconfirmation": REVIEWERS,
        "record_consent": REVIEWERS,
        "work_cases": REVIEWERS,  # cases, people, sources, evidence, action log, reminders
        "merge_cases": COORDINATORS,
        "assign": COORDINATORS,
        "reseal": COORDINATORS,
        "revoke_access": COORDINATORS,
        "approve_urgent": COORDINATORS,
        "override_risk": COORDINATORS,
        "draft_release": REVIEWERS,  # the gate's verdict, drafts, attachments for release
        "approve_release": COORDINATORS,
        "withdraw_release": COORDINATORS,  # a tombstone for safety or error
        "send_outbox": REVIEWERS,  # deliver with a consent re-check, tombstone sweep
        "read_cycle_board": REVIEWERS,  # the SG report cycle board, pattern briefs
        "set_cycle": COORDINATORS,  # reporting periods and deadlines
        "draft_transmission": REVIEWERS,  # transmission packages: the gate, drafts, log
        "approve_transmission": COORDINATORS,  # second person: approve, encrypt, export
        "work_follow_up": REVIEWERS,  # follow-up events on a case's timeline
        "read_audit": ADMINS,
        "manage_accounts": ADMINS,
    }
)

ENDPOINTS: Mapping[str, str] = MappingProxyType(
    {
        "static": "static",
        "auth.login": "sign_in",
        "auth.logout": "sign_out",
        "home.index": "home",
        "keys.unlock": "unlock_key",
        "keys.lock": "lock_key",
        "keys.setup": "unlock_key",
        "keys.epoch": "reseal",
        "inbox.index": "read_inbox",
        "inbox.urgent": "read_inbox",
        "reports.show": "read_report",
        "reports.scrubbed": "download_scrubbed",
        "reports.raw": "download_raw",
        "reports.custody": "verify",
        "reports.raw_confirm": "download_raw",
        "reports.label": "annotate",
        "reports.note": "annotate",
        "reports.triage": "triage",
        "reports.redact": "redact",
        "reports.redact_save": "redact",
        "reports.status": "verify",
        "reports.checklist": "verify",
        "reports.reply": "reply",
        "reports.withdrawal_ack": "reply",
        "reports.reconfirm": "request_reconfirmation",
        "reports.consent": "record_consent",
        "reports.assign": "assign",
        "reports.reseal": "reseal",
        "reports.revoke": "revoke_access",
        "reports.approve_urgent": "approve_urgent",
        "reports.override_risk": "override_risk",
        "cases.index": "work_cases",
        "cases.create": "work_cases",
        "cases.show": "work_cases",
        "cases.link": "work_cases",
        "cases.person": "work_cases",
        "cases.source": "work_cases",
        "cases.evidence": "work_cases",
        "cases.action": "work_cases",
        "cases.reminder": "work_cases",
        "cases.merge": "merge_cases",
        "release.report": "draft_release",
        "release.draft": "draft_release",
        "release.attachment": "draft_release",
        "release.approve_release": "approve_release",
        "release.withdraw": "withdraw_release",
        "release.outbox": "send_outbox",
        "release.deliver_now": "send_outbox",
        "release.sweep": "send_outbox",
        "cycle.index": "read_cycle_board",
        "cycle.brief": "read_cycle_board",
        "cycle.set_cycle": "set_cycle",
        "cycle.reconfirm": "request_reconfirmation",
        "transmission.show": "draft_transmission",
        "transmission.draft": "draft_transmission",
        "transmission.approve": "approve_transmission",
        "transmission.download": "draft_transmission",
        "transmission.log": "draft_transmission",
        "followup.show": "work_follow_up",
        "followup.event": "work_follow_up",
        "followup.casebase": "draft_release",
        "audit.index": "read_audit",
        "audit.verify": "read_audit",
        "admin.accounts": "manage_accounts",
        "admin.create": "manage_accounts",
        "admin.reset_totp": "manage_accounts",
        "admin.unlock": "manage_accounts",
        "admin.offboard": "manage_accounts",
    }
)


def required_action(endpoint: str | None) -> str | None:
    """The action an endpoint performs, or None when it is not in the table (refuse)."""
    if endpoint is None:
        return None
    return ENDPOINTS.get(endpoint)


def allowed(roles: Iterable[str], action: str | None) -> bool:
    if action is None:
        return False
    permitted = ACTIONS.get(action, frozenset())
    held = set(roles) or {ANONYMOUS}
    return bool(permitted & held)


def can(roles: Iterable[str], action: str) -> bool:
    """For templates: show a control only when its action is allowed."""
    return allowed(roles, action)
