"""vault.keys: root, certificates, fingerprints, reviewer pairs and 0600 signing key files."""

import json
import stat
from pathlib import Path

import pytest

from vault.errors import KeyFileInvalid, SubkeyExpired, SubkeyNotCertified
from vault.keys import (
    ReviewerKeyPair,
    certify_subkey,
    fingerprint,
    fingerprints_equal,
    generate_root,
    key_id,
    load_signing_key,
    save_signing_key,
    verify_certificate,
)


def test_fingerprint_is_readable_and_compares_loosely() -> None:
    root = generate_root()
    text = fingerprint(root.verify_key)
    groups = text.split("-")
    assert len(groups) == 8
    assert all(len(g) == 4 for g in groups)
    assert fingerprints_equal(text, text.upper().replace("-", " "))
    assert not fingerprints_equal(text, fingerprint(generate_root().verify_key))
    assert not fingerprints_equal("", "")


def test_certificate_verifies_and_binds_purpose_org_and_expiry() -> None:
    root = generate_root()
    _sk, cert = certify_subkey(root, "release", "2026-06-30", "org-a", issued_at="2026-01-01")
    doc = cert.to_dict()
    assert verify_certificate(doc, root.verify_key, "release", today="2026-06-30") == cert
    with pytest.raises(SubkeyNotCertified):
        verify_certificate(doc, root.verify_key, "bundle", today="2026-01-02")
    with pytest.raises(SubkeyNotCertified):
        verify_certificate(doc, root.verify_key, "release", today="2026-01-02", org_id="org-b")
    with pytest.raises(SubkeyNotCertified):
        verify_certificate(doc, generate_root().verify_key, "release", today="2026-01-02")
    with pytest.raises(SubkeyExpired):
        verify_certificate(doc, root.verify_key, "release", today="2026-07-01")
    doc["certificate"]["not_after"] = "2030-01-01"
    with pytest.raises(SubkeyNotCertified):
        verify_certificate(doc, root.verify_key, "release", today="2026-01-02")


def test_unknown_purpose_is_refused() -> None:
    with pytest.raises(ValueError, match="purpose"):
        certify_subkey(generate_root(), "anything", "2030-01-01", "org")


def test_reviewer_pair_key_id_names_both_keys() -> None:
    pair = ReviewerKeyPair.generate()
    assert pair.key_id == key_id(pair.x25519_pk, pair.ed25519_pk)
    entry = pair.public_entry("reviewer", "2030-01-01")
    assert entry["id"] == pair.key_id
    assert key_id(pair.x25519_pk, bytes(32)) != pair.key_id
    assert pair.x25519_sk.hex() not in repr(pair)
    assert repr(pair.x25519_sk) not in repr(pair)


def test_key_files_round_trip_with_mode_0600(tmp_path: Path) -> None:
    root = generate_root()
    save_signing_key(tmp_path / "root.json", root, purpose="root")
    assert stat.S_IMODE((tmp_path / "root.json").stat().st_mode) == 0o600
    assert load_signing_key(tmp_path / "root.json", purpose="root") == root
    with pytest.raises(KeyFileInvalid):
        load_signing_key(tmp_path / "root.json", purpose="bundle")


@pytest.mark.parametrize("content", ["", "[]", '{"type": "haven-signing-key/1"}', "{bad json"])
def test_broken_key_files_give_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "k.json"
    path.write_text(content)
    with pytest.raises(KeyFileInvalid):
        load_signing_key(path)


def test_tampered_key_file_is_refused(tmp_path: Path) -> None:
    save_signing_key(tmp_path / "k.json", generate_root(), purpose="bundle")
    doc = json.loads((tmp_path / "k.json").read_text())
    doc["public_key"] = doc["public_key"][::-1]
    (tmp_path / "k.json").write_text(json.dumps(doc))
    with pytest.raises(KeyFileInvalid, match="does not match"):
        load_signing_key(tmp_path / "k.json")
