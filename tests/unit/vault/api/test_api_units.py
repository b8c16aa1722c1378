"""Unit checks of the vault API's data and helpers: the matrix, error mapping, settings."""

from __future__ import annotations

import pytest

from haven.config import config_from_mapping
from haven.errors import ConfigError
from vault.api import authz
from vault.api.errors import STATUS_BY_CODE, ApiError, from_vault_error
from vault.api.settings import api_settings
from vault.errors import AccountLocked, EventConflict, NoAccess, UnknownReport, WeakPassword


def test_matrix_roles_are_known_and_admin_never_reads_reports():
    for action, roles in authz.MATRIX.items():
        assert roles <= {authz.ANONYMOUS, *authz.ROLES}, action
        if action.startswith(("reports.", "records.", "grants.")):
            assert authz.ADMIN not in roles, action
            assert authz.ANONYMOUS not in roles, action


@pytest.mark.parametrize(
    ("action", "roles", "expected"),
    [
        ("reports.stanza", ("admin",), False),
        ("reports.stanza", ("admin", "verifier"), True),
        ("grants.assign", ("verifier",), False),
        ("grants.assign", ("coordinator",), True),
        ("accounts.create", ("coordinator",), False),
        ("no.such.action", ("admin", "coordinator", "verifier"), False),
    ],
)
def test_allowed(action, roles, expected):
    assert authz.allowed(action, roles) is expected


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (UnknownReport("x"), "no_access", 403),
        (NoAccess("x"), "no_access", 403),
        (EventConflict("x"), "sequence_conflict", 409),
        (WeakPassword("x"), "weak_password", 400),
        (AccountLocked("x", retry_after=30), "locked", 423),
    ],
)
def test_vault_errors_map_to_stable_codes(error, code, status):
    mapped = from_vault_error(error)
    assert (mapped.code, mapped.status) == (code, status)


def test_unknown_report_message_reveals_nothing():
    assert from_vault_error(UnknownReport("report 1234 does not exist")).message == (
        "not visible to this account")


def test_api_error_codes_are_closed():
    with pytest.raises(ValueError, match="unknown API error code"):
        ApiError("teapot", "no")
    assert all(400 <= status < 600 for status in STATUS_BY_CODE.values())


def test_settings_defaults_and_overrides(tmp_path):
    raw = {"instance_id": "0" * 32, "vault_api": {"decrypt_quota_per_day": 40,
                                                  "bulk_open_alert_threshold": 10}}
    settings = api_settings(config_from_mapping(raw, tmp_path))
    assert settings.idle_timeout_seconds == 7200
    assert settings.absolute_timeout_seconds == 43200
    assert settings.decrypt_quota_per_day == 40
    assert settings.password.time_cost == 3
    assert settings.lockout.threshold == 5


@pytest.mark.parametrize("value", [True, -1, "10", 0])
def test_settings_refuse_bad_numbers(tmp_path, value):
    raw = {"instance_id": "0" * 32, "vault_api": {"idle_timeout_seconds": value}}
    with pytest.raises(ConfigError, match="idle_timeout_seconds"):
        api_settings(config_from_mapping(raw, tmp_path))
