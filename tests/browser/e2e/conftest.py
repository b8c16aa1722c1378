"""The four parts of one Haven instance served for Chromium, as `make run` serves them.

An instance from ``haven.instance.create_instance`` (coordinators "coord" and "cora", a
verifier "vera"), its case base trusting the organisation's release key, and the vault API,
intake, reviewer and case base apps built by ``haven.apps.create`` and each served on a free
loopback port. The reviewer finds the vault API and the case base through ``haven.toml``, as
it does after ``haven init``. The release world of
tests/functional/reviewer/release/conftest.py (loaded by path: test folders are not
packages) provides the case-base trust setup and the other organisation's records that k
is computed over.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from haven import apps
from haven.instance import AccountSpec, create_instance
from vault.bundle import verify_bundle
from vault.canonical import utc_day

_WORLD = Path(__file__).parents[2] / "functional" / "reviewer" / "release" / "conftest.py"
_spec = importlib.util.spec_from_file_location("haven_release_world_e2e", _WORLD)
if _spec is None or _spec.loader is None:
    raise ImportError(f"cannot load {_WORLD}")
world_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = world_module  # dataclasses look their module up there
_spec.loader.exec_module(world_module)

PASSWORD = world_module.PASSWORD
PASSPHRASE = world_module.PASSPHRASE


@dataclass
class Site:
    """Base URLs of the four served apps and the world behind them."""

    intake_url: str
    reviewer_url: str
    casebase_url: str
    api_url: str
    world: Any  # world_module.World: seeds the case base, reads its API
    password: str = PASSWORD
    passphrase: str = PASSPHRASE

    @property
    def config(self):  # type: ignore[no-untyped-def]
        return self.world.created.config

    def totp_secret(self, username: str) -> str:
        return next(a.totp_secret for a in self.world.created.accounts
                    if a.username == username)


def _extra_config(ports: dict[str, int]) -> str:
    return (
        "\n[vault_api]\nargon2_time_cost = 1\nargon2_memory_kib = 8192\n"
        "argon2_parallelism = 1\n"
        "\n[casebase]\npublication_delay_days = 0\n"
        "\n[reviewer]\n"
        f'vault_api_url = "http://127.0.0.1:{ports["vault-api"]}"\n'
        f'release_casebase_url = "http://127.0.0.1:{ports["casebase"]}"\n'
        "release_sender_seconds = 0\n"
        # A cheap proof of work: the solving still runs in the page, only faster.
        "\n[intake]\npow_difficulty = 8\npow_max_difficulty = 12\n"
        "nojs_delay_seconds = 0\nmin_free_disk_bytes = 0\n"
    )


@contextlib.contextmanager
def serve_instance(tmp_path: Path, database_url: str, serve):  # type: ignore[no-untyped-def]
    ports = {name: world_module.unused_port() for name in ("vault-api", "casebase")}
    created = create_instance(
        tmp_path / "instance", org_id="org-e2e", database_url=database_url,
        password_settings=world_module.FAST, extra_config=_extra_config(ports),
        accounts_to_create=[AccountSpec("coord", "coordinator", PASSWORD, PASSPHRASE),
                            AccountSpec("cora", "coordinator", PASSWORD, PASSPHRASE),
                            AccountSpec("vera", "verifier", PASSWORD, PASSPHRASE)])
    world_module._setup_casebase(created, "org-e2e")  # noqa: SLF001 - shared test setup
    config = created.config
    bundle = verify_bundle(json.loads(config.bundle_path.read_text()), created.fingerprint,
                           today=utc_day(), min_serial=1)
    built = {name: apps.create(name, config)
             for name in ("vault-api", "casebase", "intake", "reviewer")}
    assert "haven_intake" in built["intake"].extensions, "the intake must not fail closed"
    with contextlib.ExitStack() as stack:
        api_url = stack.enter_context(serve(built["vault-api"], ports["vault-api"]))
        casebase_url = stack.enter_context(serve(built["casebase"], ports["casebase"]))
        intake_url = stack.enter_context(serve(built["intake"]))
        reviewer_url = stack.enter_context(serve(built["reviewer"]))
        world = world_module.World(created, bundle, built["reviewer"], built["casebase"],
                                   casebase_url, world_module._ORG_B,  # noqa: SLF001
                                   reviewer_url=reviewer_url, api_url=api_url)
        try:
            yield Site(intake_url, reviewer_url, casebase_url, api_url, world)
        finally:
            built["casebase"].extensions["casebase"]["engine"].dispose()


@pytest.fixture
def haven_site(tmp_path, database_url, live_server):
    with serve_instance(tmp_path, database_url, live_server) as site:
        yield site
