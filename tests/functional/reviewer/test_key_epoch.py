"""S6 key epochs end to end: after a bundle retires a key, a coordinator re-seals the live
reports (and their reporter messages) to the current bundle in the reviewer app; the retired
key then opens neither, the new triage key does, and assignees are granted again."""

from __future__ import annotations

import re

import pytest

from reviewer.vault_client import Conflict, Rejected
from vault import store
from vault.api.testkit import PASSPHRASE
from vault.db import transaction
from vault.errors import NoStanzaForKey
from vault.format import parse_envelope
from vault.open import open_report, reseal_envelope


def _stored(rv, report_id):
    with transaction(rv.instance.sessions()) as session:
        report = store.get_report(session, report_id)
        events = [e.sealed for e in store.list_events(session, report_id, "from_reporter")]
        return report.envelope, report.bundle_serial, events


def _epoch(coord, passphrase=PASSPHRASE):
    return coord.client.post("/key/epoch", data={"csrf_token": coord.csrf("/key/epoch"),
                                                 "passphrase": passphrase})


def test_retired_key_opens_nothing_after_the_epoch_and_the_new_key_does(rv):
    report = rv.submit({"narrative": "live across an epoch"})
    rv.reporter_event(report, "message", {"text": "a message across the epoch"})
    old_envelope, _serial, old_events = _stored(rv, report.report_id)
    rv.republish(triage=("coord", "otto"), retire=("vera",))
    vera, otto = rv.instance.people["vera"].keypair, rv.instance.people["otto"].keypair
    current = rv.instance.verified_bundle()

    coord = rv.driver("coord")
    assert "still sealed to an older bundle: 1." in coord.page("/key/epoch")
    refused = _epoch(coord, "not the passphrase")
    assert refused.status_code == 400
    assert _stored(rv, report.report_id)[0] == old_envelope  # nothing changed

    done = _epoch(coord).get_data(as_text=True)
    assert re.search(r"Re-sealed: 1 report", done), done
    envelope, serial, events = _stored(rv, report.report_id)
    assert serial == current.serial
    assert envelope != old_envelope
    assert events != old_events
    info = parse_envelope(envelope)
    assert set(info.stanza_key_ids) == set(current.triage)
    assert parse_envelope(events[0]).bundle_sha256 == current.sha256
    with pytest.raises(NoStanzaForKey):  # the retired key: no stanza in anything current
        open_report(envelope, vera.key_id, vera.x25519_sk, current)
    with pytest.raises(NoStanzaForKey):
        reseal_envelope(events[0], vera.key_id, vera.x25519_sk, current, current)
    opened = open_report(envelope, otto.key_id, otto.x25519_sk, current)  # the new key
    assert opened.fields["narrative"] == "live across an epoch"
    page = rv.driver("otto").page(f"/reports/{report.report_id}")
    assert "live across an epoch" in page
    assert "a message across the epoch" in page
    assert "still sealed to an older bundle: 0." in coord.page("/key/epoch")


def test_assignees_are_granted_again_after_the_epoch(rv):
    report = rv.submit({"narrative": "assigned across an epoch"})
    rv.reporter_event(report, "message", {"text": "assignee message"})
    coord = rv.driver("coord")
    otto = rv.instance.people["otto"]
    path = f"/reports/{report.report_id}"
    coord.post(f"{path}/assign", {"account_id": f"{otto.account_id}:{otto.key_id}",
                                  "passphrase": PASSPHRASE}, token_from=path)
    rv.republish(triage=("coord",), retire=("vera",))
    done = _epoch(rv.driver("coord")).get_data(as_text=True)
    assert re.search(r"Re-sealed: 1 report\(s\); 1 assignee grant", done), done
    page = rv.driver("otto").page(path)
    assert "assigned across an epoch" in page
    assert "assignee message" in page
    assert "event_not_granted" not in page


def test_a_coordinator_outside_the_triage_set_is_refused(rv):
    rv.submit({"narrative": "x"})
    rv.republish(triage=("vera",))
    answer = _epoch(rv.driver("coord"))
    assert answer.status_code == 400
    assert "not in the current triage set" in answer.get_data(as_text=True)


def test_the_api_checks_a_reseal_without_a_key(rv):
    report = rv.submit({"narrative": "checked"})
    rv.reporter_event(report, "message", {"text": "m"})
    old_bundle = rv.instance.verified_bundle()
    rv.republish(triage=("coord", "otto"), retire=("vera",))
    current = rv.instance.verified_bundle()
    coord_pair = rv.instance.people["coord"].keypair
    envelope, _serial, events = _stored(rv, report.report_id)
    client = _coordinator_api(rv)

    def resealed(bundle):
        return (reseal_envelope(envelope, coord_pair.key_id, coord_pair.x25519_sk,
                                old_bundle, bundle),
                [{"seq": 1, "sealed_b64": _b64(reseal_envelope(
                    events[0], coord_pair.key_id, coord_pair.x25519_sk, old_bundle,
                    bundle))}])

    stale, stale_events = resealed(old_bundle)
    with pytest.raises(Conflict, match="not sealed to the current bundle"):
        client.reseal(report.report_id, stale, stale_events)
    good, good_events = resealed(current)
    with pytest.raises(Rejected, match="exactly one re-sealed envelope per reporter event"):
        client.reseal(report.report_id, good, [])
    other = rv.submit({"narrative": "another"})
    with pytest.raises(Rejected, match="changes report_id"):
        client.reseal(other.report_id, good, [])
    assert _stored(rv, report.report_id)[0] == envelope  # every refusal changed nothing
    answer = client.reseal(report.report_id, good, good_events)
    assert answer["bundle_serial"] == current.serial
    assert answer["events"] == 1


def _b64(data):
    from vault.canonical import b64encode

    return b64encode(data)


def _coordinator_api(rv):
    from reviewer.vault_client import VaultClient
    from vault.api.testkit import PASSWORD

    client = VaultClient(rv.api_url)
    return client.with_token(client.login("coord", PASSWORD, totp=rv.totp("coord")).token)
