"""`haven accounts`: the console twin of the admin routes, on the same store."""

from __future__ import annotations

import pyotp
from click.testing import CliRunner

from haven.cli import cli
from vault import reviewer_store
from vault.api.testkit import PASSWORD, add_report


def _run(instance, *args, input_text=None):
    return CliRunner().invoke(cli, ["accounts", *args, "--instance",
                                    str(instance.config.instance_dir)], input=input_text)


def test_add_list_and_log_in_through_the_api(vapi_instance, vapi_client):
    result = _run(vapi_instance, "add", "lena", "--role", "verifier", "--with-key",
                  "--password", PASSWORD, input_text="key passphrase long\nkey passphrase long\n")
    assert result.exit_code == 0, result.output
    assert "pending until the next signed bundle" in result.output
    secret = next(line.split()[-1] for line in result.output.splitlines()
                  if line.startswith("TOTP secret:"))
    login = vapi_client.post("/api/v1/auth/login", json={
        "username": "lena", "password": PASSWORD, "totp": pyotp.TOTP(secret).now()})
    assert login.status_code == 200
    keys = login.get_json()["account"]["keys"]
    assert [k["status"] for k in keys] == ["pending"]
    listed = _run(vapi_instance, "list")
    assert "lena" in listed.output
    assert "verifier" in listed.output
    assert secret not in listed.output


def test_errors_are_named(vapi_instance):
    duplicate = _run(vapi_instance, "add", "coord", "--role", "admin", "--password", PASSWORD)
    assert duplicate.exit_code != 0
    assert "conflict" in duplicate.output
    missing = _run(vapi_instance, "reset-totp", "nobody")
    assert "no account named 'nobody'" in missing.output


def test_reset_totp_unlock_and_offboard(vapi_instance, vapi_client, vapi_as):
    add_report(vapi_instance)
    reset = _run(vapi_instance, "reset-totp", "otto")
    assert reset.exit_code == 0
    assert "Recovery codes" in reset.output
    assert _run(vapi_instance, "unlock", "otto").exit_code == 0
    offboarded = _run(vapi_instance, "offboard", "vera", "--yes")
    assert offboarded.exit_code == 0, offboarded.output
    assert "1 stanzas deleted" in offboarded.output
    assert "Publish a new signed bundle" in offboarded.output
    assert vapi_client.get("/api/v1/me", headers=vapi_as("vera")).status_code == 401
    with vapi_instance.sessions()() as session:
        assert reviewer_store.find_account(session, "vera").state == "offboarded"
    entries = vapi_client.get("/api/v1/audit?limit=200", headers=vapi_as("ada")).get_json()
    actions = [(e["actor"], e["action"]) for e in entries["entries"]]
    assert ("cli", "offboard") in actions
    assert ("cli", "totp_reset") in actions
