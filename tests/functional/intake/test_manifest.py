"""Served-code transparency end to end, on an instance made by haven.instance: sign the
release's manifest, then a watchdog checks a live site against it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from haven.cli import cli


@pytest.fixture
def created(tmp_path, database_url):
    from haven.instance import AccountSpec, create_instance

    pg = not database_url.startswith("sqlite")
    fast = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
    return create_instance(
        tmp_path / "inst", org_id="org-manifest", database_url=database_url if pg else None,
        password_settings=fast, extra_config="[intake]\nmin_free_disk_bytes = 0\n",
        accounts_to_create=[AccountSpec("ana", "verifier", "correct horse battery 9",
                                        passphrase="a long key passphrase 1")])


def test_the_intake_serves_an_instance_made_by_haven_init(created):
    from intake.app import create_app

    app = create_app(created.config)
    assert "haven_intake" in app.extensions
    html = app.test_client().get("/report").get_data(as_text=True)
    assert f'data-fingerprint="{created.fingerprint}"' in html


def _sign(created):
    result = CliRunner().invoke(cli, ["site-manifest", "--instance",
                                      str(created.config.instance_dir), "--release", "t1"])
    assert result.exit_code == 0, result.output
    return result


def test_a_watchdog_finds_the_site_serves_its_manifest(created, live_server):
    from intake.app import create_app

    _sign(created)
    with live_server(create_app(created.config)) as url:
        result = CliRunner().invoke(cli, ["verify-site", url, "--fingerprint",
                                          created.fingerprint])
    assert result.exit_code == 0, result.output
    assert "files match release t1" in result.output


def test_a_changed_script_is_caught(created, live_server):
    from intake.app import create_app

    _sign(created)
    app = create_app(created.config)

    def tampering(environ, start_response):
        if environ["PATH_INFO"] == "/static/js/report.js":
            start_response("200 OK", [("Content-Type", "text/javascript")])
            return [b"/* exfiltrate */"]
        return app(environ, start_response)

    with live_server(tampering) as url:
        result = CliRunner().invoke(cli, ["verify-site", url, "--fingerprint",
                                          created.fingerprint])
    assert result.exit_code == 1
    assert "DIFFERS /static/js/report.js" in result.output


def test_a_manifest_under_another_root_is_refused(created, live_server):
    from intake.app import create_app

    _sign(created)
    with live_server(create_app(created.config)) as url:
        result = CliRunner().invoke(cli, ["verify-site", url, "--fingerprint",
                                          "0000-0000-0000-0000-0000-0000-0000-0000"])
    assert result.exit_code != 0
    assert "not the pinned organisation key" in result.output


def test_a_site_without_a_manifest_is_reported(created, live_server):
    from intake.app import create_app

    with live_server(create_app(created.config)) as url:
        result = CliRunner().invoke(cli, ["verify-site", url, "--fingerprint",
                                          created.fingerprint])
    assert result.exit_code != 0
    assert "no /manifest.json" in result.output


def _watch(url, created, state):
    return CliRunner().invoke(cli, ["verify-site", url, "--fingerprint", created.fingerprint,
                                    "--state", str(state)])


def test_the_watchdog_checks_the_served_bundle_and_reports_key_changes(created, live_server,
                                                                       tmp_path):
    import json

    from intake.app import create_app
    from vault.keys import ReviewerKeyPair

    _sign(created)
    state = tmp_path / "watch.json"
    with live_server(create_app(created.config)) as url:
        first = _watch(url, created, state)
        assert first.exit_code == 0, first.output
        assert "OK: key bundle serial" in first.output
        assert json.loads(state.read_text())["bundle_serial"] >= 1

        entry = ReviewerKeyPair.generate().public_entry("reviewer", "2099-01-01")
        (tmp_path / "new.pub.json").write_text(json.dumps(entry))
        added = CliRunner().invoke(cli, ["keys", "add-reviewer", "--instance",
                                         str(created.config.instance_dir),
                                         str(tmp_path / "new.pub.json")])
        assert added.exit_code == 0, added.output
        changed = _watch(url, created, state)
        assert changed.exit_code == 3, changed.output
        assert f"NEW KEY {entry['id']} (reviewer): confirm with the coordinators" \
            in changed.output
        again = _watch(url, created, state)  # reported once, then part of the known set
        assert again.exit_code == 0, again.output
        assert "NEW KEY" not in again.output


def test_the_watchdog_refuses_an_older_or_foreign_bundle(created, live_server, tmp_path):
    import json

    from intake.app import create_app
    from vault.testkit import make_keyset

    _sign(created)
    old_bundle = created.config.bundle_path.read_bytes()
    republished = CliRunner().invoke(cli, ["keys", "republish", "--instance",
                                           str(created.config.instance_dir)])
    assert republished.exit_code == 0, republished.output
    state = tmp_path / "watch.json"
    app = create_app(created.config)
    served = {"bundle": None}

    def swapping(environ, start_response):
        if environ["PATH_INFO"] == "/bundle.json" and served["bundle"] is not None:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [served["bundle"]]
        return app(environ, start_response)

    with live_server(swapping) as url:
        assert _watch(url, created, state).exit_code == 0
        served["bundle"] = old_bundle  # a rollback to the serial before
        rolled_back = _watch(url, created, state)
        assert rolled_back.exit_code == 1
        assert "BUNDLE REFUSED: BundleRolledBack" in rolled_back.output
        served["bundle"] = json.dumps(make_keyset(org_id="org-manifest").doc).encode()
        foreign = _watch(url, created, state)
        assert foreign.exit_code == 1
        assert "BUNDLE REFUSED: FingerprintMismatch" in foreign.output


def _canary(created, url, tmp_path):
    """A canary report filed with `haven submit`, its receipt kept in a file."""
    import json

    fields = tmp_path / "canary.json"
    fields.write_text(json.dumps({"form_version": 1,
                                  "situation": {"narrative": "Watchdog canary report."}}))
    result = CliRunner().invoke(cli, [
        "submit", "--bundle", f"{url}/bundle.json", "--fingerprint", created.fingerprint,
        "--instance-id", created.config.instance_id, "--intake", url, str(fields)])
    assert result.exit_code == 0, result.output
    receipt = result.output.strip().splitlines()[-1]
    canary = tmp_path / "canary-receipt.json"
    canary.write_text(json.dumps({"receipt": receipt,
                                  "instance_id": created.config.instance_id}))
    return canary


def test_the_watchdog_opens_the_canary_inbox_like_a_reporter(created, live_server, tmp_path):
    from intake.app import create_app

    _sign(created)
    app = create_app(created.config)
    altered = {"on": False}

    def serving(environ, start_response):
        # A seized site that answers receipt holders with a page instead of data.
        if altered["on"] and environ["PATH_INFO"] == "/api/v1/inbox":
            start_response("200 OK", [("Content-Type", "text/html"),
                                      ("Cache-Control", "no-store")])
            return [b"<script src=/evil.js></script>"]
        return app(environ, start_response)

    with live_server(serving) as url:
        canary = _canary(created, url, tmp_path)
        args = ["verify-site", url, "--fingerprint", created.fingerprint, "--canary",
                str(canary)]
        checked = CliRunner().invoke(cli, args)
        assert checked.exit_code == 0, checked.output
        assert "OK: the canary inbox answers JSON data only; 0 replies open and verify " \
               "(report active)" in checked.output
        altered["on"] = True
        caught = CliRunner().invoke(cli, args)
    assert caught.exit_code == 1
    assert "CANARY FAILED: the inbox answered text/html, not JSON data only" in caught.output


def test_a_canary_receipt_that_opens_nothing_is_reported(created, live_server, tmp_path):
    import json

    from intake.app import create_app
    from vault.receipts import new_receipt

    _sign(created)
    canary = tmp_path / "lost.json"
    canary.write_text(json.dumps({"receipt": new_receipt(),
                                  "instance_id": created.config.instance_id}))
    with live_server(create_app(created.config)) as url:
        result = CliRunner().invoke(cli, ["verify-site", url, "--fingerprint",
                                          created.fingerprint, "--canary", str(canary)])
    assert result.exit_code == 1
    assert "CANARY FAILED: the canary receipt opens nothing" in result.output
