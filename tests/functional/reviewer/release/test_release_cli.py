"""`haven release`: link the gate to a local case base, list and deliver the outbox."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from haven.cli import cli
from haven.instance import create_instance
from reviewer.release.keys import load_release_key
from reviewer.release.package import tombstone
from reviewer.release.runtime import build_runtime
from reviewer.release.settings import release_settings
from vault.canonical import utc_day


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_link_status_and_deliver(tmp_path, database_url):
    extra = (f"\n[reviewer]\nrelease_casebase_url = \"http://127.0.0.1:{_unused_port()}\"\n"
             "release_sender_seconds = 0\n")
    created = create_instance(tmp_path / "instance", org_id="org-cli",
                              database_url=database_url, extra_config=extra)
    instance = ["--instance", str(tmp_path / "instance")]
    runner = CliRunner()

    linked = runner.invoke(cli, ["release", "link-casebase", *instance])
    assert linked.exit_code == 0, linked.output
    token = (created.config.keys_dir / "casebase-token.key")
    assert token.read_text().startswith("hcb_")
    assert oct(token.stat().st_mode & 0o777) == "0o600"
    again = runner.invoke(cli, ["release", "link-casebase", *instance])
    assert again.exit_code != 0
    assert "exists already" in again.output

    assert "the outbox is empty" in runner.invoke(cli, ["release", "status", *instance]).output
    settings = release_settings(created.config)
    key = load_release_key(settings)
    grave = tombstone(org_id=key.org_id, record_id="f" * 32, version=2, issued_at=utc_day(),
                      reason="safety", release_key=key.signing_key,
                      certificate=key.certificate)
    build_runtime(settings).outbox.enqueue_tombstone(grave, None)
    delivered = runner.invoke(cli, ["release", "deliver", *instance])
    assert delivered.output.strip() == "1 retry"  # the case base is down: kept for later
    listed = runner.invoke(cli, ["release", "status", *instance]).output
    assert f"tombstone {'f' * 32} v2" in listed
    assert "pending" in listed
    assert "unreachable" in listed
