"""S3 on the reviewer side: the bundle from the API must verify against the organisation
pin, and a server that serves an older bundle than this app has seen is refused."""

from __future__ import annotations

import json
from dataclasses import replace
from types import MappingProxyType

import pytest

from reviewer.app import create_app
from reviewer.config import reviewer_config
from reviewer.errors import BundleUntrusted
from reviewer.trust import BundleCache
from reviewer.vault_client import VaultClient

WRONG_PIN = "0000-1111-2222-3333-4444-5555-6666-7777"


def _cache(rv, **changes) -> BundleCache:
    settings = replace(reviewer_config(rv.instance.config, rv.api_url), **changes)
    return BundleCache(settings, VaultClient(rv.api_url))


def test_bundle_verifies_against_the_local_pin(rv):
    trusted = _cache(rv).current()
    assert trusted.bundle.serial == 1
    assert {r.key_id for r in trusted.recipients()} == {
        p.key_id for p in rv.instance.people.values() if p.key_id}


def test_wrong_pin_is_refused_and_the_app_fails_closed(rv):
    with pytest.raises(BundleUntrusted, match="fingerprint_mismatch"):
        _cache(rv, pinned_fingerprint=WRONG_PIN).current()
    report = rv.submit()
    config = rv.instance.config
    sections = {**config.sections, "reviewer": {"organisation_fingerprint": WRONG_PIN}}
    rv.app = create_app(replace(config, sections=MappingProxyType(sections)),
                        vault_url=rv.api_url)
    coord = rv.driver("coord")
    response = coord.client.get(f"/reports/{report.report_id}")
    assert response.status_code == 503
    assert "Key bundle not trusted" in response.get_data(as_text=True)
    note = coord.post(f"/reports/{report.report_id}/note", {"text": "x"})
    assert note.status_code == 503  # nothing is sealed to keys that are not verified


def test_rollback_to_an_older_bundle_is_refused(rv, tmp_path):
    state_dir = tmp_path / "reviewer-state"
    cache = _cache(rv, state_dir=state_dir)
    assert cache.current().bundle.serial == 1
    rv.republish(triage=("coord", "vera"))
    assert cache.current(refresh=True).bundle.serial == 2
    assert (state_dir / "bundle-serial").read_text() == "2"
    # A server that now serves serial 1 again (rollback) is refused by this app.
    rv.instance.config.bundle_path.write_text(json.dumps(
        rv.instance.sign_bundle({**rv.instance.bundle_doc["bundle"], "serial": 1})))
    with pytest.raises(BundleUntrusted, match="bundle_rolled_back"):
        _cache(rv, state_dir=state_dir).current()
