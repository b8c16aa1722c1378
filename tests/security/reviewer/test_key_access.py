"""S6/S14 through the reviewer app and the real API: a retired key opens nothing sealed
after its retirement; a reviewer who joins later reads an old report only after a
coordinator re-seals it (with the passphrase again)."""

from __future__ import annotations

import pytest

from vault import store
from vault.api.testkit import PASSPHRASE
from vault.db import transaction
from vault.errors import NoStanzaForKey
from vault.open import open_report


def _envelope(rv, report_id):
    with transaction(rv.instance.sessions()) as session:
        return store.get_report(session, report_id).envelope


def test_retired_key_cannot_read_reports_sealed_after_retirement(rv):
    before = rv.submit({"narrative": "before retirement"})
    vera = rv.driver("vera")
    assert "before retirement" in vera.page(f"/reports/{before.report_id}")

    rv.republish(triage=("coord",), retire=("vera",))
    after = rv.submit({"narrative": "after retirement"})

    response = vera.client.get(f"/reports/{after.report_id}")
    assert response.status_code == 403
    assert "after retirement" not in response.get_data(as_text=True)
    inbox = vera.client.get("/inbox/").get_data(as_text=True)
    assert after.report_id[:8] not in inbox
    # And cryptographically: her retired private key has no stanza in the new envelope.
    pair = rv.instance.people["vera"].keypair
    with pytest.raises(NoStanzaForKey):
        open_report(_envelope(rv, after.report_id), pair.key_id, pair.x25519_sk,
                    rv.instance.verified_bundle())
    coord = rv.driver("coord")
    assert "after retirement" in coord.page(f"/reports/{after.report_id}")


def test_new_reviewer_reads_old_reports_only_after_a_coordinator_reseals(rv):
    old = rv.submit({"narrative": "an old report"})
    coord = rv.driver("coord")
    coord.page("/inbox/")  # the app sees (and keeps) the bundle the old report names
    old_bundle = rv.instance.verified_bundle()
    rv.republish(triage=("coord", "vera", "otto"))
    otto = rv.driver("otto")
    path = f"/reports/{old.report_id}"
    assert otto.client.get(path).status_code == 403

    pair = rv.instance.people["otto"].keypair
    with pytest.raises(NoStanzaForKey):
        open_report(_envelope(rv, old.report_id), pair.key_id, pair.x25519_sk, old_bundle)

    wrong = coord.post(f"{path}/reseal", {"passphrase": "not it"}, token_from=path)
    assert wrong.status_code == 302
    assert otto.client.get(path).status_code == 403

    coord.post(f"{path}/reseal", {"passphrase": PASSPHRASE}, token_from=path)
    assert "an old report" in otto.page(path)
    vera_sees = rv.driver("vera").page(path)  # vera was in the old triage set already
    assert "an old report" in vera_sees


def test_assignment_reseals_to_the_assignee_only(rv):
    report = rv.submit({"narrative": "assign me"})
    otto = rv.driver("otto")
    path = f"/reports/{report.report_id}"
    assert otto.client.get(path).status_code == 403
    coord = rv.driver("coord")
    page = coord.page(path)
    assert "otto" in page
    otto_choice = f'{rv.instance.people["otto"].account_id}:{rv.instance.people["otto"].key_id}'
    coord.post(f"{path}/assign", {"account_id": otto_choice, "passphrase": PASSPHRASE},
               token_from=path)
    assert "assign me" in otto.page(path)
    coord.post(f"{path}/revoke", {"key_id": rv.instance.people["otto"].key_id},
               token_from=path)
    assert otto.client.get(path).status_code == 403
    verifier = rv.driver("vera")
    refused = verifier.post(f"{path}/assign", {"account_id": otto_choice,
                                               "passphrase": PASSPHRASE}, token_from=path)
    assert refused.status_code == 403
