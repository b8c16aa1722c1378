"""The authorisation matrix of the vault API: role × action, as data, in one place.

Every view is registered with exactly one action (``vault.api.auth.route``); a request is
allowed when the caller holds any role listed for that action. ``PUBLIC`` actions need no
token. Only reviewer roles (verifier, coordinator) touch reports; an admin who is not also a
reviewer gets no stanzas, envelopes, events, blobs or records. The functional test
``tests/functional/vault/api/test_authz_matrix.py`` walks every route for every role and
for an anonymous client against this table.
"""

from __future__ import annotations

from types import MappingProxyType

ANONYMOUS = "anonymous"
VERIFIER = "verifier"
COORDINATOR = "coordinator"
ADMIN = "admin"
ROLES = (VERIFIER, COORDINATOR, ADMIN)

_EVERYONE = frozenset({ANONYMOUS, VERIFIER, COORDINATOR, ADMIN})
_SIGNED_IN = frozenset({VERIFIER, COORDINATOR, ADMIN})
_REVIEWERS = frozenset({VERIFIER, COORDINATOR})
_COORDINATORS = frozenset({COORDINATOR})
_MANAGERS = frozenset({COORDINATOR, ADMIN})
_ADMINS = frozenset({ADMIN})

MATRIX = MappingProxyType({
    # public
    "health": _EVERYONE,
    "openapi": _EVERYONE,
    "organisation.read": _EVERYONE,
    "bundle.read": _EVERYONE,
    "bundles.list": _EVERYONE,
    "bundles.read": _EVERYONE,
    "auth.login": _EVERYONE,
    # any account
    "auth.logout": _SIGNED_IN,
    "auth.rotate": _SIGNED_IN,
    "me.read": _SIGNED_IN,
    "me.keys.read": _SIGNED_IN,
    "me.password": _SIGNED_IN,
    "me.recovery_codes": _SIGNED_IN,
    "reviewers.list": _SIGNED_IN,
    # reviewers
    "me.keys.register": _REVIEWERS,
    "reports.list": _REVIEWERS,
    "reports.read": _REVIEWERS,
    "reports.stanza": _REVIEWERS,
    "reports.events.read": _REVIEWERS,
    "reports.events.write": _REVIEWERS,
    "reports.blob": _REVIEWERS,
    "records.list": _REVIEWERS,
    "records.read": _REVIEWERS,
    "records.write": _REVIEWERS,
    "audit.report": _REVIEWERS,
    # coordinators
    "grants.assign": _COORDINATORS,
    "grants.revoke": _COORDINATORS,
    "reports.reseal": _COORDINATORS,
    # coordinators and admins
    "triage.read": _MANAGERS,
    "triage.write": _MANAGERS,
    "alerts.list": _MANAGERS,
    # admins
    "accounts.list": _ADMINS,
    "accounts.create": _ADMINS,
    "accounts.read": _ADMINS,
    "accounts.roles": _ADMINS,
    "accounts.reset_totp": _ADMINS,
    "accounts.unlock": _ADMINS,
    "accounts.offboard": _ADMINS,
    "bundle.draft": _ADMINS,
    "bundle.publish": _ADMINS,
    "audit.list": _ADMINS,
    "audit.verify": _ADMINS,
})


def is_public(action: str) -> bool:
    return ANONYMOUS in MATRIX[action]


def allowed(action: str, roles: tuple[str, ...] | frozenset[str]) -> bool:
    """True when any of ``roles`` may perform ``action``; unknown actions are refused."""
    permitted = MATRIX.get(action)
    if permitted is None:
        return False
    return bool(permitted.intersection(roles))
