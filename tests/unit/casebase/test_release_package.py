"""vault.release_package: building, signing and verifying packages and tombstones."""

import copy

import pytest
from nacl.signing import SigningKey

from casebase.synthetic import SigningOrganisation
from vault.canonical import b64encode, sign
from vault.release_package import (
    Approver,
    PackageSignatureError,
    SamePersonApproval,
    approval_payload,
    build_release,
    sign_package,
    verify_package_signatures,
)

RECORD = {"kind": "individual", "title": "t"}


@pytest.fixture
def org():
    return SigningOrganisation("org-a")


def test_signed_release_verifies_and_returns_body(org):
    signed = org.release(dict(RECORD), record_id="a" * 32)
    body = verify_package_signatures(signed)
    assert body["record_id"] == "a" * 32
    assert set(signed["signatures"]) == {"release", "drafter", "approver"}


@pytest.mark.parametrize(
    "path",
    [("org_id",), ("version",), ("tier",), ("record", "title"), ("drafter", "id")],
)
def test_any_change_to_the_body_breaks_the_release_signature(org, path):
    signed = org.release(dict(RECORD))
    tampered = copy.deepcopy(signed)
    target = tampered["package"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = 7 if path[-1] == "version" else "changed"
    with pytest.raises(PackageSignatureError, match="does not verify"):
        verify_package_signatures(tampered)


def test_release_without_approver_signature_is_refused(org):
    signed = org.release(dict(RECORD))
    del signed["signatures"]["approver"]
    with pytest.raises(PackageSignatureError, match="missing approver"):
        verify_package_signatures(signed)


def test_drafter_and_approver_signatures_cannot_be_swapped(org):
    signed = org.release(dict(RECORD))
    sigs = signed["signatures"]
    sigs["drafter"], sigs["approver"] = sigs["approver"], sigs["drafter"]
    with pytest.raises(PackageSignatureError):
        verify_package_signatures(signed)


def test_same_person_cannot_draft_and_approve():
    key = SigningKey.generate()
    same = Approver("rev-1", key)
    release = SigningKey.generate()
    body = build_release(org_id="org-a", record_id="b" * 32, version=1, issued_at="2026-01-01",
                         tier="public", consent_snapshot={}, record=RECORD,
                         release_pk=bytes(release.verify_key), drafter=same.public(),
                         approver=same.public())
    with pytest.raises(SamePersonApproval):
        verify_package_signatures(sign_package(body, release, key, key))


def test_signing_refuses_a_key_the_body_does_not_list(org):
    body = org.release(dict(RECORD))["package"]
    with pytest.raises(PackageSignatureError, match="not the signing release key"):
        sign_package(body, SigningKey.generate())


def test_tombstone_needs_only_the_release_signature(org):
    signed = org.tombstone("c" * 32, version=2)
    assert verify_package_signatures(signed)["type"] == "tombstone"


def test_approval_signature_made_for_another_purpose_fails(org):
    signed = org.release(dict(RECORD))
    body = signed["package"]
    wrong = sign("release", approval_payload("drafter", body), org.drafter.signing_key)
    signed["signatures"]["drafter"] = b64encode(wrong)
    with pytest.raises(PackageSignatureError, match="drafter"):
        verify_package_signatures(signed)


def test_malformed_signature_text_is_a_named_error(org):
    signed = org.release(dict(RECORD))
    signed["signatures"]["release"] = "not base64 !!"
    with pytest.raises(PackageSignatureError, match="malformed"):
        verify_package_signatures(signed)
