"""The watchdog's view of a served key bundle: verified from the pinned root, never older
than the last run, and key changes named (haven/bundle_watch.py)."""

from __future__ import annotations

import pytest

from haven.bundle_watch import WatchState, WatchStateUnreadable, check_served_bundle
from vault.testkit import make_keyset

TODAY = "2026-01-12"


def test_first_run_learns_the_keys_without_calling_them_new():
    keyset = make_keyset(reviewers=2, seed=b"w" * 32)
    watch = check_served_bundle(keyset.doc, _fp(keyset), today=TODAY, state=WatchState())
    assert watch.ok, watch.problem
    assert watch.serial == 1
    assert not watch.changed
    assert len(watch.state.keys) == 2


def test_a_key_added_or_removed_since_the_last_run_is_named():
    keyset = make_keyset(reviewers=2, seed=b"w" * 32)
    first, second = check_served_bundle(keyset.doc, _fp(keyset), today=TODAY,
                                        state=WatchState()).state.keys
    state = WatchState(bundle_serial=1, keys=(first, ("00" * 16, "coordinator")))
    watch = check_served_bundle(keyset.doc, _fp(keyset), today=TODAY, state=state)
    assert watch.ok, watch.problem
    assert watch.added == (second,)
    assert watch.removed == (("00" * 16, "coordinator"),)


def test_a_serial_below_the_last_seen_is_refused():
    keyset = make_keyset(seed=b"w" * 32)
    watch = check_served_bundle(keyset.doc, _fp(keyset), today=TODAY,
                                state=WatchState(bundle_serial=2))
    assert not watch.ok
    assert watch.problem.startswith("BundleRolledBack")


def test_nothing_served_or_not_a_bundle_is_refused():
    keyset = make_keyset(seed=b"w" * 32)
    assert check_served_bundle(None, _fp(keyset), today=TODAY, state=WatchState()).problem \
        == "the site serves no /bundle.json"
    assert not check_served_bundle({"bundle": 1}, _fp(keyset), today=TODAY,
                                   state=WatchState()).ok


def test_state_round_trips_and_a_foreign_file_is_refused(tmp_path):
    path = tmp_path / "state.json"
    WatchState(3, (("ab" * 16, "reviewer"),)).save(path)
    assert WatchState.load(path) == WatchState(3, (("ab" * 16, "reviewer"),))
    assert WatchState.load(tmp_path / "absent.json") == WatchState()
    path.write_text("{}")
    with pytest.raises(WatchStateUnreadable):
        WatchState.load(path)


def _fp(keyset):
    from vault.keys import fingerprint

    return fingerprint(keyset.root.verify_key.encode())
