"""vault.bundle: root → subkey certificate → bundle signature, freshness, serial floor."""

import copy

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
