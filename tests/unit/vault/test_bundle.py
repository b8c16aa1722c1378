"""vault.bundle: root → subkey certificate → bundle signature, freshness, serial floor."""

import copy
from pathlib import Path

import pytest

from vault.bundle import verify_bundle
from vault.errors import (
    BundleExpired,
    BundleMalformed,
    BundleRolledBack,
    BundleSignatureBad,
    FingerprintMismatch,
    UnknownSigner,
)
from vault.keys import add_days
from vault.testkit import make_keyset

KEYS = make_keyset(seed=b"unit-bundle", reviewers=3, triage=2)


def test_valid_bundle_gives_a_frozen_verified_bundle() -> None:
    bundle = KEYS.verified()
    assert bundle.serial == 1
    assert set(bundle.triage) == set(KEYS.triage)
    assert len(bundle.triage_keys) == 2
    assert len(bundle.sha256) == 32
    with pytest.raises(AttributeError):
        bundle.serial = 2  # type: ignore[misc]


def test_signer_refuses_revoked_and_unknown_keys() -> None:
    third = KEYS.reviewers[2].key_id
    doc = KEYS.rebundle(serial=2, issued_at=KEYS.today, revoked=(third,))
    bundle = verify_bundle(doc, KEYS.fingerprint, today=KEYS.today, min_serial=1)
    assert bundle.signer(KEYS.triage[0])
    with pytest.raises(UnknownSigner):
        bundle.signer(third)
    with pytest.raises(UnknownSigner):
        bundle.signer("00" * 16)


@pytest.mark.parametrize(("change", "error"), [
    (lambda d: d["bundle"].update(serial=5), BundleSignatureBad),
    (lambda d: d["bundle"]["triage"].append("ab" * 16), BundleSignatureBad),
    (lambda d: d["bundle"].pop("revoked"), BundleMalformed),
    (lambda d: d.update(signature="AAAA"), BundleMalformed),
    (lambda d: d["bundle"]["keys"][0].update(id="00" * 16), BundleSignatureBad),
])
def test_tampering_is_rejected(change, error) -> None:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(KEYS.doc)
    change(doc)
    with pytest.raises(error):
        verify_bundle(doc, KEYS.fingerprint, today=KEYS.today, min_serial=1)


def test_pin_freshness_and_floor() -> None:
    other = make_keyset(seed=b"unit-bundle-other")
    with pytest.raises(FingerprintMismatch):
        verify_bundle(KEYS.doc, other.fingerprint, today=KEYS.today, min_serial=1)
    with pytest.raises(BundleExpired):
        KEYS.verified(today=add_days(KEYS.today, 31))
    with pytest.raises(BundleRolledBack):
        KEYS.verified(min_serial=2)


def test_old_bundle_can_be_checked_without_freshness() -> None:
    late = add_days(KEYS.today, 90)
    bundle = verify_bundle(KEYS.doc, KEYS.fingerprint, today=late, min_serial=9,
                           check_freshness=False)
    assert bundle.serial == 1


def test_empty_triage_is_malformed() -> None:
    with pytest.raises(BundleMalformed):
        verify_bundle(KEYS.rebundle(serial=2, issued_at=KEYS.today, triage=()),
                      KEYS.fingerprint, today=KEYS.today, min_serial=1)


def test_days_left_counts_to_the_last_valid_day() -> None:
    from vault.bundle import days_left

    assert days_left("2026-02-09", "2026-01-10") == 30
    assert days_left("2026-01-10", "2026-01-10") == 0  # valid through its last day
    assert days_left("2026-01-09", "2026-01-10") == -1
    with pytest.raises(ValueError, match="not a day"):
        days_left("2026-1-9", "2026-01-10")


def test_next_contents_then_sign_contents_is_reissue_bundle() -> None:
    from vault.bundle import next_contents, reissue_bundle, sign_contents

    third = KEYS.reviewers[2].key_id
    signing = {"bundle_sk": KEYS.bundle_key, "certificate": KEYS.certificate}
    contents = next_contents(KEYS.doc, retire=[third])
    two_steps = sign_contents(contents, **signing, root_public_key=bytes(KEYS.root.verify_key),
                              issued_at=KEYS.today)
    one_step = reissue_bundle(KEYS.doc, **signing, issued_at=KEYS.today, retire=[third])
    assert two_steps == one_step
    bundle = verify_bundle(two_steps, KEYS.fingerprint, today=KEYS.today, min_serial=2)
    assert bundle.serial == 2
    assert third in bundle.revoked
    assert bundle.expires_at == add_days(KEYS.today, 30)
    assert next_contents(KEYS.doc, serial=9).serial == 9


def test_sign_contents_refuses_a_validity_browsers_would_refuse() -> None:
    from vault.bundle import next_contents, sign_contents

    with pytest.raises(ValueError, match="0 to 30 days"):
        sign_contents(next_contents(KEYS.doc), bundle_sk=KEYS.bundle_key,
                      certificate=KEYS.certificate, root_public_key=bytes(KEYS.root.verify_key),
                      issued_at=KEYS.today, validity_days=31)


def test_write_bundle_file_replaces_the_file_whole_and_public(tmp_path: Path) -> None:
    import os
    import stat

    from vault.bundle import write_bundle_file

    path = tmp_path / "public" / "bundle.json"
    write_bundle_file(path, "old")
    before = path.stat().st_ino
    write_bundle_file(path, "new")
    assert path.read_text() == "new"
    assert path.stat().st_ino != before  # a new file renamed over the old one
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert os.listdir(path.parent) == ["bundle.json"]  # no temporary file left
