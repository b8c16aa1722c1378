"""`haven casebase ...` on a real instance directory."""

import secrets

import pytest
from click.testing import CliRunner
from nacl.signing import SigningKey

from haven.cli import cli
from vault.keys import save_signing_key


@pytest.fixture
def instance(tmp_path, database_url):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "session-secret.key").write_text(secrets.token_hex(32))
    (tmp_path / "haven.toml").write_text(
        f'instance_id = "{secrets.token_hex(16)}"\n[casebase]\ndatabase_url = "{database_url}"\n'
        "publication_delay_days = 3\n")
    save_signing_key(tmp_path / "keys" / "release.key", SigningKey.generate(), purpose="release")
    return tmp_path


def _run(instance, *args, **kwargs):
    return CliRunner().invoke(cli, ["casebase", *args, "--instance", str(instance)],
                              catch_exceptions=False, **kwargs)


def test_init_seed_report_and_partner_token(instance):
    assert "administrator admin-1" in _run(instance, "init").output
    key = str(instance / "keys" / "release.key")
    seeded = _run(instance, "seed-public-cases", "--org-key", key, "--trust")
    assert seeded.exit_code == 0, seeded.output
    assert seeded.output.count(" created") == 5
    again = _run(instance, "seed-public-cases", "--org-key", key, "--trust")
    assert again.output.count(" repeat") == 5
    assert _run(instance, "snapshot").exit_code == 0
    report = _run(instance, "report", "--year", "2022").output
    assert "Reprisals report figures for 2022" in report
    assert "Cases: <5" in report
    assert _run(instance, "publish-due").output.strip() == "0 published"
    made = _run(instance, "add-partner", "ishr", "--org", "partner-org",
                env={"HAVEN_PARTNER_PASSWORD": "correct horse battery"})
    assert made.exit_code == 0, made.output
    token = _run(instance, "token", "ishr").output.strip()
    assert token.startswith("hcb_")
    assert "1 tokens revoked" in _run(instance, "token", "ishr", "--revoke-all").output


def test_trust_needs_two_admin_keys_and_errors_are_clear(instance):
    _run(instance, "init")
    (instance / "keys" / "casebase-admin-2.key").unlink()
    pk = "A" * 43
    result = CliRunner().invoke(cli, ["casebase", "trust", "org-x", pk, "--instance",
                                      str(instance)])
    assert result.exit_code != 0
    assert "two registered administrators" in result.output


def test_short_partner_password_is_refused(instance):
    _run(instance, "init")
    result = CliRunner().invoke(cli, ["casebase", "add-partner", "ishr", "--org", "p-org",
                                      "--instance", str(instance)],
                                env={"HAVEN_PARTNER_PASSWORD": "short"})
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
