"""`haven keys`: fingerprint, reviewer keys in and out of the signed bundle (S3, S6, S14)."""

import json
from pathlib import Path

from click.testing import CliRunner

from haven.cli import cli
from haven.config import load_config
from haven.instance import create_instance
from vault import bundle_store
from vault.bundle import verify_bundle
from vault.canonical import utc_day
from vault.db import make_engine, session_factory, transaction
from vault.keys import ReviewerKeyPair


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _fail(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code != 0
    return result.output


def test_reviewer_keys_enter_and_leave_the_bundle(tmp_path: Path, database_url: str) -> None:
    created = create_instance(tmp_path / "inst", org_id="org-k", database_url=database_url)
    inst = str(tmp_path / "inst")
    config = load_config({}, instance_dir=tmp_path / "inst")
    entries = []
    for name in ("a", "b"):
        # The public entry of a registered key, as the vault API's bundle draft lists it.
        entry = ReviewerKeyPair.generate().public_entry("reviewer", "2099-01-01")
        (tmp_path / f"{name}.pub.json").write_text(json.dumps(entry))
        entries.append(entry)
        assert "published bundle serial" in _run(
            "keys", "add-reviewer", "--instance", inst, str(tmp_path / f"{name}.pub.json"))
    assert _run("keys", "fingerprint", "--instance", inst).strip() == created.fingerprint

    bundle = verify_bundle(json.loads(config.bundle_path.read_text()), created.fingerprint,
                           today=utc_day(), min_serial=3)
    assert set(bundle.triage) == {e["id"] for e in entries}

    _run("keys", "retire", "--instance", inst, entries[0]["id"])
    bundle = verify_bundle(json.loads(config.bundle_path.read_text()), created.fingerprint,
                           today=utc_day(), min_serial=4)
    assert bundle.triage == (entries[1]["id"],)
    assert entries[0]["id"] in bundle.revoked
    assert bundle.key(entries[0]["id"]) is None

    _run("keys", "republish", "--instance", inst)
    engine = make_engine(config.database_url)
    with transaction(session_factory(engine)) as session:
        latest = bundle_store.latest_bundle(session)
    engine.dispose()
    assert latest is not None
    assert latest.serial == 5
    assert latest.document == config.bundle_path.read_text()


def test_refusals_are_clear(tmp_path: Path, database_url: str) -> None:
    create_instance(tmp_path / "inst", org_id="org-k", database_url=database_url)
    inst = str(tmp_path / "inst")
    assert "not a key of the current bundle" in _fail("keys", "retire", "--instance", inst,
                                                      "00" * 16)
    # With no reviewer yet the served bundle has no triage set: fingerprint says so.
    assert "does not verify" in _fail("keys", "fingerprint", "--instance", inst)
    # Reviewer private keys are made only where they are wrapped (accounts add, key setup).
    assert "No such command" in _fail("keys", "generate-reviewer", str(tmp_path / "k.key"),
                                      "--not-after", "2099-01-01")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "00" * 16, "x25519_pk": "AA"}))
    assert "bundle not published" in _fail("keys", "add-reviewer", "--instance", inst, str(bad))
