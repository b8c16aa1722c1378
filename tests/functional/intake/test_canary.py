"""The watchdog's canary inbox (haven/canary.py) against a live intake: the replies to the
canary open with its receipt keys and verify; a reply signed outside the bundle, or a broken
chain, is a failed canary."""

from __future__ import annotations

import requests
from nacl.signing import SigningKey

from haven.canary import Canary, check_canary_inbox
from vault.events import ZERO_HASH


def _filed(intake_client, intake_instance, intake_kit):
    sealed, keys, receipt = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    body = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id)
    assert intake_client.post("/api/v1/submissions", json=body).status_code == 201
    return sealed.report_id, keys, Canary(receipt, intake_instance.config.instance_id)


def _check(live_server, intake_app, intake_instance, intake_kit, canary):
    with live_server(intake_app) as url, requests.Session() as session:
        return check_canary_inbox(session, url, canary, intake_kit.verified_bundle(
            intake_instance))


def test_replies_to_the_canary_open_and_verify(intake_client, intake_app, intake_instance,
                                               intake_kit, live_server):
    report_id, keys, canary = _filed(intake_client, intake_instance, intake_kit)
    first = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1,
                                      prev_hash=ZERO_HASH)
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=2, prev_hash=first)
    result = _check(live_server, intake_app, intake_instance, intake_kit, canary)
    assert result.ok, result.problem
    assert (result.replies, result.state) == (2, "active")


def test_a_reply_signed_outside_the_bundle_fails_the_canary(
        intake_client, intake_app, intake_instance, intake_kit, live_server):
    report_id, keys, canary = _filed(intake_client, intake_instance, intake_kit)
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1, prev_hash=ZERO_HASH,
                              signing_key=SigningKey.generate(), key_id="ab" * 16)
    result = _check(live_server, intake_app, intake_instance, intake_kit, canary)
    assert not result.ok
    assert result.problem.startswith("a reply to the canary does not open or verify")


def test_a_broken_reply_chain_fails_the_canary(intake_client, intake_app, intake_instance,
                                               intake_kit, live_server):
    report_id, keys, canary = _filed(intake_client, intake_instance, intake_kit)
    first = intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=1,
                                      prev_hash=ZERO_HASH)
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=2, prev_hash=first)
    intake_kit.reviewer_reply(intake_instance, report_id, keys, seq=3, prev_hash=first)  # fork
    result = _check(live_server, intake_app, intake_instance, intake_kit, canary)
    assert not result.ok
    assert result.problem.startswith(
        "a reply to the canary does not open or verify (EventFork: event 3 does not follow")
