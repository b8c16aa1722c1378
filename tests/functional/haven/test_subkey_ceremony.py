"""Renewing the bundle subkey with the offline root, exactly as docs/key-ceremony.md §7 says:
subkey-request on the server, certify-subkey on the offline machine, install-subkey on the
server; neither private key crosses, and every wrong piece is refused with nothing changed."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.apps import create
from haven.cli import cli
from haven.instance import AccountSpec, CreatedInstance, create_instance
from vault.bundle import verify_bundle
from vault.canonical import b64encode, utc_day
from vault.keys import generate_root, load_signing_key, save_signing_key

FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def ceremony(tmp_path: Path, database_url: str) -> tuple[CreatedInstance, Path]:
    """An instance whose root key has been moved to the 'offline' directory."""
    created = create_instance(
        tmp_path / "server", org_id="org-cer", database_url=database_url,
        password_settings=FAST,
        accounts_to_create=[AccountSpec("cora", "coordinator", "a long password 1",
                                        "passphrase one")])
    offline = tmp_path / "offline"
    offline.mkdir()
    root_file = created.config.keys_dir / "organisation-root.key"
    shutil.move(root_file, offline / "organisation-root.key")
    return created, offline


def _bundle_certificates(organisation_path: Path) -> list[dict]:
    organisation = json.loads(organisation_path.read_text())
    return [c for c in organisation["certificates"] if c["certificate"]["purpose"] == "bundle"]


def test_a_new_bundle_subkey_is_certified_offline_and_signs_the_next_bundle(
        ceremony: tuple[CreatedInstance, Path]) -> None:
    created, offline = ceremony
    config, inst = created.config, str(created.config.instance_dir)
    intake = create("intake", config).test_client()
    old_key = load_signing_key(config.keys_dir / "bundle.key")

    code, out = _invoke("keys", "subkey-request", "--instance", inst, "--purpose", "bundle",
                        "--out", str(offline / "request.json"))
    assert code == 0, out
    assert created.fingerprint in out
    pending = config.keys_dir / "bundle.key.pending"
    assert stat.S_IMODE(pending.stat().st_mode) == 0o600
    request = json.loads((offline / "request.json").read_text())
    assert set(request) == {"type", "org_id", "purpose", "public_key", "root_fingerprint"}

    code, out = _invoke("keys", "certify-subkey", str(offline / "request.json"),
                        "--root-key", str(offline / "organisation-root.key"),
                        "--out", str(offline / "certificate.json"))
    assert code == 0, out
    assert "bundle subkey of org-cer certified until" in out

    code, out = _invoke("keys", "install-subkey", "--instance", inst,
                        str(offline / "certificate.json"))
    assert code == 0, out
    assert "published bundle serial 2 under the new subkey" in out

    new_key = load_signing_key(config.keys_dir / "bundle.key", purpose="bundle")
    assert new_key != old_key
    assert not pending.exists()
    certificates = _bundle_certificates(config.organisation_path)
    assert len(certificates) == 1  # the old certificate is replaced, not kept beside
    assert certificates[0]["certificate"]["public_key"] == b64encode(bytes(new_key.verify_key))
    served = json.loads(intake.get("/bundle.json").data)  # the running intake follows
    assert served["certificate"] == certificates[0]
    bundle = verify_bundle(served, created.fingerprint, today=utc_day(), min_serial=2)
    assert bundle.serial == 2
    code, out = _invoke("keys", "republish", "--instance", inst)  # the timer's path works on
    assert code == 0, out


def test_a_root_other_than_the_pinned_one_does_not_certify(
        ceremony: tuple[CreatedInstance, Path], tmp_path: Path) -> None:
    created, offline = ceremony
    inst = str(created.config.instance_dir)
    _invoke("keys", "subkey-request", "--instance", inst, "--purpose", "bundle",
            "--out", str(offline / "request.json"))
    save_signing_key(tmp_path / "other-root.key", generate_root(), purpose="root")

    code, out = _invoke("keys", "certify-subkey", str(offline / "request.json"),
                        "--root-key", str(tmp_path / "other-root.key"),
                        "--out", str(offline / "certificate.json"))

    assert code == 1
    assert "wrong root key" in out
    assert not (offline / "certificate.json").exists()
    code, out = _invoke("keys", "certify-subkey", str(offline / "request.json"),
                        "--root-key", str(offline / "organisation-root.key"),
                        "--not-after", "2001-01-01", "--out", str(offline / "certificate.json"))
    assert code == 1
    assert "--not-after must be after" in out


def test_a_certificate_for_another_key_or_tampered_is_not_installed(
        ceremony: tuple[CreatedInstance, Path]) -> None:
    created, offline = ceremony
    config, inst = created.config, str(created.config.instance_dir)
    request = ("keys", "subkey-request", "--instance", inst, "--purpose", "bundle", "--out")
    assert _invoke(*request, str(offline / "first.json"))[0] == 0
    code, out = _invoke("keys", "certify-subkey", str(offline / "first.json"), "--root-key",
                        str(offline / "organisation-root.key"), "--out", str(offline / "cert.json"))
    assert code == 0, out
    (config.keys_dir / "bundle.key.pending").unlink()  # that pending key is lost
    assert _invoke(*request, str(offline / "second.json"))[0] == 0  # a new one is pending
    organisation_before = config.organisation_path.read_bytes()
    bundle_before = config.bundle_path.read_bytes()
    key_before = (config.keys_dir / "bundle.key").read_bytes()

    code, out = _invoke("keys", "install-subkey", "--instance", inst, str(offline / "cert.json"))
    assert code == 1
    assert "for another key than" in out

    tampered = json.loads((offline / "cert.json").read_text())
    tampered["certificate"]["not_after"] = "2099-12-31"
    (offline / "tampered.json").write_text(json.dumps(tampered))
    code, out = _invoke("keys", "install-subkey", "--instance", inst,
                        str(offline / "tampered.json"))
    assert code == 1
    assert "not signed by the root" in out

    assert config.organisation_path.read_bytes() == organisation_before
    assert config.bundle_path.read_bytes() == bundle_before
    assert (config.keys_dir / "bundle.key").read_bytes() == key_before
    code, out = _invoke("keys", "subkey-request", "--instance", inst, "--purpose", "bundle",
                        "--out", str(offline / "third.json"))
    assert code == 1
    assert "install its certificate or delete it first" in out
