"""S14 with reporter events: an assignee outside the triage set reads the reporter's
messages through one signed grant per event envelope (vault/SPEC.md §5). Assignment grants
every existing event; a message that arrives later is named as not granted until a
coordinator opens the report, which grants it; revocation removes every grant."""

from __future__ import annotations

import pytest
from nacl.signing import SigningKey

from reviewer.vault_client import Rejected, VaultApiError
from vault.api.testkit import PASSPHRASE
from vault.canonical import b64encode, sign, utc_day
from vault.format import parse_envelope
from vault.open import grant_access


def _assign(rv, coord, report, username):
    person = rv.instance.people[username]
    path = f"/reports/{report.report_id}"
    coord.post(f"{path}/assign", {"account_id": f"{person.account_id}:{person.key_id}",
                                  "passphrase": PASSPHRASE}, token_from=path)


def test_assignee_reads_earlier_and_later_reporter_messages(rv):
    report = rv.submit({"narrative": "assigned with messages"})
    rv.reporter_event(report, "message", {"text": "message before assignment"})
    coord = rv.driver("coord")
    _assign(rv, coord, report, "otto")  # otto is not in the triage set

    otto = rv.driver("otto")
    path = f"/reports/{report.report_id}"
    page = otto.page(path)
    assert "assigned with messages" in page
    assert "message before assignment" in page
    assert "event_not_granted" not in page

    rv.reporter_event(report, "message", {"text": "message after assignment"})
    page = otto.page(path)
    assert "event_not_granted" in page
    assert "message after assignment" not in page
    assert "message before assignment" in page  # the granted one still shows

    assert "message after assignment" in coord.page(path)  # a coordinator opens: re-grant
    page = otto.page(path)
    assert "message after assignment" in page
    assert "event_not_granted" not in page
    assert "event_sequence_gap" not in page

    coord.post(f"{path}/revoke", {"key_id": rv.instance.people["otto"].key_id},
               token_from=path)
    assert otto.client.get(path).status_code == 403
    listed = _coordinator_api(rv).report(report.report_id)
    otto_key = rv.instance.people["otto"].key_id
    assert all(g.key_id != otto_key for g in (*listed.grants, *listed.event_grants))


def _coordinator_api(rv):
    from reviewer.vault_client import VaultClient
    from vault.api.testkit import PASSWORD

    client = VaultClient(rv.api_url)
    return client.with_token(client.login("coord", PASSWORD, totp=rv.totp("coord")).token)


def _grant(rv, envelope, grantee):
    """What the coordinator's reviewer app makes: a signed grant naming one envelope."""
    coord = rv.instance.people["coord"].keypair
    return grant_access(envelope, coord.key_id, coord.x25519_sk,
                        rv.instance.verified_bundle(), rv.instance.people[grantee].key_id,
                        granter=coord, day=utc_day())


def test_the_api_checks_event_grants(rv):
    report = rv.submit({"narrative": "api checks"})
    rv.reporter_event(report, "message", {"text": "one"})
    client = _coordinator_api(rv)
    detail = client.report(report.report_id)
    event = detail.events[0].sealed
    signed = _grant(rv, event, "otto")
    with pytest.raises(VaultApiError, match="grant the report envelope") as refused:
        client.grant(report.report_id, signed)  # the report grant comes first
    assert (refused.value.status, refused.value.api_code) == (409, "key_state")

    other = rv.submit({"narrative": "another report"})
    stray = dict(signed["grant"], report_id=other.report_id)
    with pytest.raises(Rejected):  # signed for another report: refused
        client.grant(other.report_id, {"grant": stray, "signature": signed["signature"]})
    nowhere = dict(signed["grant"], header_hash="00" * 32)
    coord = rv.instance.people["coord"].keypair
    forged = {"grant": nowhere, "signature": b64encode(
        sign("reviewer-record", nowhere, SigningKey(coord.ed25519_seed)))}
    with pytest.raises(Rejected, match="neither this report's header"):
        client.grant(report.report_id, forged)

    client.grant(report.report_id, _grant(rv, detail.envelope, "otto"))
    stored = client.grant(report.report_id, signed)
    assert stored.envelope == "event"
    assert stored.header_hash == parse_envelope(event).header_hash.hex()
    listed = client.report(report.report_id)
    assert [g.header_hash for g in listed.event_grants] == [stored.header_hash]
    assert {g.envelope for g in listed.grants} == {"report"}


def test_offboarding_deletes_the_event_grants(rv):
    report = rv.submit({"narrative": "offboarded assignee"})
    rv.reporter_event(report, "message", {"text": "granted then gone"})
    coord = rv.driver("coord")
    _assign(rv, coord, report, "otto")
    client = _coordinator_api(rv)
    otto_key = rv.instance.people["otto"].key_id
    assert [g.key_id for g in client.report(report.report_id).event_grants] == [otto_key]
    rv.admin_api().offboard(rv.instance.people["otto"].account_id)
    listed = client.report(report.report_id)
    assert all(g.key_id != otto_key for g in (*listed.grants, *listed.event_grants))
