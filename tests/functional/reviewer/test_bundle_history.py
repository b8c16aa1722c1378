"""Workstation mode: a reviewer app that never saw an earlier bundle fetches it from the
vault API's bundle history (GET /bundles), verifies it against its own organisation pin,
and opens reports sealed under it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import sqlalchemy as sa

from reviewer.app import create_app
from reviewer.config import reviewer_config
from reviewer.trust import BundleCache
from reviewer.vault_client import VaultClient
from vault.canonical import b64encode
from vault.db import transaction
from vault.errors import BundleMismatch
from vault.models import Bundle


def _fresh_app(rv, state_dir):
    """A reviewer app process with its own, empty state directory (a new workstation)."""
    config = replace(rv.instance.config, reviewer_state_dir=state_dir)
    app = create_app(config, vault_url=rv.api_url)
    app.config["TESTING"] = True
    return app


def test_report_sealed_under_serial_1_opens_in_a_fresh_app_after_serial_2(rv, tmp_path):
    old = rv.submit({"narrative": "sealed under the first bundle"})
    first = rv.instance.verified_bundle()
    rv.republish(triage=("coord", "vera", "otto"))
    assert rv.instance.serial == 2

    state_dir = tmp_path / "workstation"
    rv.app = _fresh_app(rv, state_dir)
    coord = rv.driver("coord")
    page = coord.page(f"/reports/{old.report_id}")
    assert "sealed under the first bundle" in page
    assert "bundle_mismatch" not in page
    # The verified copy is kept, so the next opening does not ask the API again.
    assert (state_dir / "bundles" / f"{first.sha256.hex()}.json").exists()
    new = rv.submit({"narrative": "sealed under the second bundle"})
    assert "sealed under the second bundle" in coord.page(f"/reports/{new.report_id}")


def test_the_api_lists_bundles_by_the_hash_envelopes_carry(rv):
    first = rv.instance.verified_bundle()
    rv.republish(triage=("coord", "vera"))
    second = rv.instance.verified_bundle()
    client = VaultClient(rv.api_url)
    listed = client._request("GET", "/bundles")["bundles"]
    assert [(b["serial"], b["sha256"]) for b in listed] == [
        (2, second.sha256.hex()), (1, first.sha256.hex())]
    assert client._request("GET", "/bundles/1") == _doc(rv, 1)
    assert client.bundle_by_sha256(first.sha256.hex())["bundle"]["serial"] == 1
    assert client.bundle_by_sha256("0" * 64) is None
    with pytest.raises(Exception, match="sha256 must be 64"):
        client._request("GET", "/bundles", params={"sha256": "XYZ"})
    with pytest.raises(Exception, match="no bundle with serial 9"):
        client._request("GET", "/bundles/9")


def _doc(rv, serial):
    with transaction(rv.instance.sessions()) as session:
        return json.loads(session.get(Bundle, serial).document)


def test_an_earlier_bundle_that_does_not_verify_is_refused(rv, tmp_path):
    first = rv.instance.verified_bundle()
    rv.republish(triage=("coord", "vera"))
    forged = _doc(rv, 1)
    forged["signature"] = b64encode(b"\x01" * 64)  # same payload hash, not the bundle key's
    with transaction(rv.instance.sessions()) as session:
        session.execute(sa.update(Bundle).where(Bundle.serial == 1)
                        .values(document=json.dumps(forged)))
    settings = replace(reviewer_config(rv.instance.config, rv.api_url),
                       state_dir=tmp_path / "empty")
    cache = BundleCache(settings, VaultClient(rv.api_url))
    with pytest.raises(BundleMismatch, match="does not verify"):
        cache.for_envelope(first.sha256)
    with pytest.raises(BundleMismatch, match="does not list"):
        cache.for_envelope(b"\x07" * 32)
    assert not (tmp_path / "empty" / "bundles" / f"{first.sha256.hex()}.json").exists()
