"""The bundle republish timer: daily, catches up after downtime, runs the real command under
the same hardening as the vault API, and sees no key but the bundle subkey.

tests/deploy/test_configs.py runs `systemd-analyze verify` over every unit, these included.
"""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from click.testing import CliRunner

from haven.cli import cli

SYSTEMD = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
SERVICE = SYSTEMD / "haven-bundle-republish.service"
TIMER = SYSTEMD / "haven-bundle-republish.timer"


def _directives(path: Path) -> list[tuple[str, str]]:
    """(key, value) pairs in order; a unit may repeat a key (SystemCallFilter)."""
    pairs = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            pairs.append((key, value))
    return pairs


def _hardening(path: Path) -> set[tuple[str, str]]:
    text = path.read_text().split("# Hardening", 1)[1]
    lines = [line for line in text.splitlines()[1:] if line and not line.startswith("#")]
    return {tuple(line.split("=", 1)) for line in lines  # type: ignore[misc]
            if not line.startswith(("ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths",
                                    "[", "WantedBy"))}


def test_the_timer_runs_daily_catches_up_and_spreads_its_start():
    timer = configparser.ConfigParser()
    timer.read(TIMER)

    assert timer["Timer"]["OnCalendar"].endswith("*-*-* 04:00:00")
    assert timer.getboolean("Timer", "Persistent")  # a host that was off runs it at boot
    assert timer["Timer"]["RandomizedDelaySec"]
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert "Unit" not in timer["Timer"]  # it triggers the service of the same name
    assert SERVICE.exists()


def test_the_service_runs_republish_if_expiring_as_the_vault_user():
    service = dict(_directives(SERVICE))
    argv = shlex.split(service["ExecStart"])

    assert service["Type"] == "oneshot"
    assert service["User"] == "haven-vault"
    assert argv[0] == "/opt/haven/.venv/bin/haven"
    assert argv[1:4] == ["keys", "republish", "--if-expiring-within"]
    assert 0 < int(argv[4]) < 30  # re-signed well before the 30-day validity runs out
    # The command line parses: with no instance it fails on the configuration (1), not on
    # its options (2).
    result = CliRunner().invoke(cli, [*argv[1:], "--instance", "/nonexistent/haven"])
    assert result.exit_code == 1, result.output
    assert "haven.toml" in result.output


def test_the_service_has_the_vault_api_hardening_and_sees_only_the_bundle_key():
    expected = _hardening(SYSTEMD / "haven-vault-api.service")
    service = _directives(SERVICE)

    assert len(expected) > 25  # the whole block, both SystemCallFilter lines included
    assert expected <= set(service)
    assert ("TemporaryFileSystem", "/var/lib/haven/keys:ro") in service
    assert ("BindReadOnlyPaths", "/var/lib/haven/keys/bundle.key") in service
    assert ("ReadWritePaths", "/var/lib/haven/public") in service
