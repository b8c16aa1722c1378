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
