import json
import secrets

import pytest

from haven.config import config_from_mapping
from reviewer.audit_check import check_audit
from reviewer.config import reviewer_config
from reviewer.errors import ReviewerConfigError
from reviewer.hardening import harden_process, is_dumpable
from reviewer.vault_types import AuditEntry, AuditVerification, BadResponse, ReportSummary


def _config(tmp_path, reviewer=None, urls=None, secret=True):
    (tmp_path / "keys").mkdir(exist_ok=True)
    if secret:
        (tmp_path / "keys" / "session-secret.key").write_text(secrets.token_hex(32))
    raw = {"instance_id": "a" * 32, "reviewer": reviewer or {}, "urls": urls or {}}
    return config_from_mapping(raw, tmp_path)


def test_defaults_and_overrides(tmp_path):
    settings = reviewer_config(_config(tmp_path, {"key_idle_seconds": 60}))
    assert settings.key_idle_seconds == 60
    assert settings.session_idle_seconds == 7200
    assert settings.vault_api_url == "http://127.0.0.1:8083"
    assert settings.session_cookie_name == "haven-reviewer-dev"
    workstation = reviewer_config(_config(tmp_path), "https://vault.example/")
    assert workstation.vault_api_url == "https://vault.example"


def test_https_gives_host_prefixed_cookie(tmp_path):
    settings = reviewer_config(_config(tmp_path, urls={"reviewer": "https://r.example"}))
    assert settings.secure_transport
    assert settings.session_cookie_name == "__Host-haven-reviewer"


@pytest.mark.parametrize("section", [{"key_idle_seconds": 0}, {"scrub_max_pixels": "many"},
                                     {"session_idle_seconds": True},
                                     {"organisation_fingerprint": 5}])
def test_bad_values_fail_closed(tmp_path, section):
    with pytest.raises(ReviewerConfigError):
        reviewer_config(_config(tmp_path, section))


def test_missing_or_short_secret_fails_closed(tmp_path):
    with pytest.raises(ReviewerConfigError, match="missing"):
        reviewer_config(_config(tmp_path, secret=False))
    (tmp_path / "keys" / "session-secret.key").write_text("abcd")
    with pytest.raises(ReviewerConfigError, match="at least"):
        reviewer_config(_config(tmp_path, secret=False))


def test_bad_vault_url(tmp_path):
    with pytest.raises(ReviewerConfigError):
        reviewer_config(_config(tmp_path), "file:///etc")


def test_hardening_makes_the_process_non_dumpable():
    result = harden_process()
    assert result.no_core_files
    if result.not_dumpable:
        assert is_dumpable() is False


def test_api_answers_are_checked_field_by_field():
    good = {"report_id": "r", "day": "2026-01-01", "bundle_serial": None, "event_count": 1,
            "blob_count": 0, "access": ["triage"], "assignees": [], "recipients": ["k"]}
    assert ReportSummary.from_json(good).bundle_serial is None
    for broken in ({**good, "event_count": "1"}, {**good, "access": [1]},
                   {k: v for k, v in good.items() if k != "day"}, [], None):
        with pytest.raises(BadResponse):
            ReportSummary.from_json(broken)


def _entries(*hashes):
    return [AuditEntry(i + 1, "2026-01-01", None, "login", None, h)
            for i, h in enumerate(hashes)]


def test_audit_head_is_remembered_and_rewrites_are_caught(tmp_path):
    ok = AuditVerification(True, 2, "h2", None)
    first = check_audit(ok, _entries("h1", "h2"), tmp_path)
    assert first.consistent is None
    assert json.loads((tmp_path / "audit-head.json").read_text()) == {"entries": 2,
                                                                       "head": "h2"}
    grown = check_audit(AuditVerification(True, 3, "h3", None), _entries("h1", "h2", "h3"),
                        tmp_path)
    assert grown.consistent
    assert grown.problem is None
    rewritten = check_audit(AuditVerification(True, 3, "x3", None),
                            _entries("x1", "x2", "x3"), tmp_path)
    assert rewritten.consistent is False
    assert "no longer contains" in rewritten.problem
    broken = check_audit(AuditVerification(False, 3, "h3", "entry 2 altered"),
                         _entries("h1", "h2", "h3"), tmp_path)
    assert broken.problem == "entry 2 altered"


def test_client_refuses_endless_paging(monkeypatch):
    from reviewer import vault_client

    client = vault_client.VaultClient("http://vault.invalid")
    pages = []

    def endless(method, path, **kwargs):
        pages.append(path)
        return {"records": [], "next_cursor": "again"}

    monkeypatch.setattr(client, "_request", endless)
    with pytest.raises(BadResponse, match="paging"):
        client.records()
    assert len(pages) == vault_client.MAX_PAGES


def test_client_maps_error_codes():
    import requests

    from reviewer import vault_client

    def answer(status, code, headers=None):
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps({"error": {"code": code, "message": "m"}}).encode()
        response.headers.update(headers or {})
        return vault_client._error(response)

    assert isinstance(answer(401, "invalid_credentials"), vault_client.InvalidCredentials)
    locked = answer(423, "locked", {"Retry-After": "60"})
    assert isinstance(locked, vault_client.Locked)
    assert locked.retry_after == 60
    assert isinstance(answer(409, "sequence_conflict"), vault_client.Conflict)
    assert isinstance(answer(429, "quota_exceeded"), vault_client.QuotaExceeded)
    assert isinstance(answer(422, "invalid_bundle"), vault_client.Rejected)
    assert isinstance(answer(403, "no_access"), vault_client.NoAccess)
    assert type(answer(500, "weird")) is vault_client.VaultApiError


def test_unreachable_api_is_a_named_error():
    from reviewer import vault_client

    client = vault_client.VaultClient("http://127.0.0.1:9", timeout=2)
    with pytest.raises(vault_client.Unreachable):
        client.bundle()
