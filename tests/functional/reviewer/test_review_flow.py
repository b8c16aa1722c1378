"""The demo path end to end: sign in, unlock, open a report, verify it, reply; the reporter
opens the reply with their receipt keys and checks the reviewer's signature."""

from __future__ import annotations

from vault import store
from vault.db import transaction
from vault.reporter_open import open_reviewer_events


def _to_reporter(rv, report_id):
    with transaction(rv.instance.sessions()) as session:
        return [e.sealed for e in store.list_events(session, report_id, "to_reporter")]


def test_login_unlock_open_verify_reply(rv):
    report = rv.submit({"narrative": "They took my passport after Geneva.",
                        "country": "BH"})
    coord = rv.driver("coord")
    inbox = coord.page("/inbox/")
    assert report.report_id[:8] in inbox
    path = f"/reports/{report.report_id}"
    page = coord.page(path)
    assert "They took my passport after Geneva." in page
    assert "All checks passed" in page

    coord.post(f"{path}/triage", {"country": "bh", "acts": ["travel_ban"], "urgent": "y"},
               token_from=path)
    coord.post(f"{path}/status", {"status": "verified", "verification": "likely",
                                  "reliability": "high", "comment": "two sources"},
               token_from=path)
    coord.post(f"{path}/label", {"label": "detention"}, token_from=path)
    coord.post(f"{path}/note", {"text": "Called the lawyer."}, token_from=path)
    coord.post(f"{path}/checklist", {"corroboration": "y", "identity": "y"}, token_from=path)
    response = coord.post(f"{path}/reply", {"text": "We received your report."},
                          token_from=path)
    assert response.status_code == 302

    page = coord.page(path)
    assert "Called the lawyer." in page
    assert "detention" in page
    assert "verified" in page
    assert "We received your report." in page  # the sealed reviewer_event record

    sealed = _to_reporter(rv, report.report_id)
    events = open_reviewer_events(sealed, report.receipt_keys,
                                  rv.instance.verified_bundle(), report_id=report.report_id)
    assert [e.type for e in events] == ["reply"]
    assert events[0].payload == {"text": "We received your report."}
    assert events[0].signer_key_id == rv.instance.people["coord"].key_id

    urgent = coord.page("/inbox/urgent")
    assert report.report_id[:8] in urgent
    filtered = coord.page("/inbox/?label=detention&country=BH&act=travel_ban&status=verified")
    assert report.report_id[:8] in filtered
    assert report.report_id[:8] not in coord.page("/inbox/?label=other")
    coord.post(f"{path}/label", {"label": "detention", "removed": "1"}, token_from=path)
    assert report.report_id[:8] not in coord.page("/inbox/?label=detention")


def test_second_reply_chains_on_the_first(rv):
    report = rv.submit()
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    coord.post(f"{path}/reply", {"text": "one"}, token_from=path)
    vera = rv.driver("vera")
    vera.post(f"{path}/reconfirm", {"scopes": ["un_confidential"], "text": "still ok?"},
              token_from=path)
    events = open_reviewer_events(_to_reporter(rv, report.report_id), report.receipt_keys,
                                  rv.instance.verified_bundle(), report_id=report.report_id)
    assert [e.seq for e in events] == [1, 2]
    assert events[1].payload == {"text": "still ok?", "reconfirm_scopes": ["un_confidential"]}


def test_reporter_messages_and_withdrawal_are_prominent(rv):
    report = rv.submit()
    rv.reporter_event(report, "message", {"text": "More details <b>here</b>"})
    rv.reporter_event(report, "withdrawal", {"day": "2026-01-02"})
    with transaction(rv.instance.sessions()) as session:  # what the intake does on withdrawal
        store.mark_withdrawn(session, report.report_id, "2026-01-02")
    coord = rv.driver("coord")
    inbox = coord.page("/inbox/")
    assert "WITHDRAWN by their reporters" in inbox
    assert inbox.index(report.report_id[:8]) < inbox.index("</tbody>")
    path = f"/reports/{report.report_id}"
    page = coord.page(path)
    assert 'class="withdrawal" role="alert"' in page
    assert page.index("WITHDREW") < page.index("<h1>")
    assert "More details &lt;b&gt;here&lt;/b&gt;" in page
    coord.post(f"{path}/withdrawal-ack", token_from=path)
    events = open_reviewer_events(_to_reporter(rv, report.report_id), report.receipt_keys,
                                  rv.instance.verified_bundle(), report_id=report.report_id)
    assert [e.type for e in events] == ["withdrawal_ack"]


def test_tampered_event_chain_is_a_named_warning(rv):
    report = rv.submit()
    rv.reporter_event(report, "message", {"text": "first"})
    report.seq += 1  # skip a sequence number: a gap the reviewer must see
    rv.reporter_event(report, "message", {"text": "third"})
    page = rv.driver("coord").page(f"/reports/{report.report_id}")
    assert "event_sequence_gap" in page
    assert "first" in page


def test_locked_key_redirects_to_unlock_and_wrong_passphrase_is_refused(rv):
    report = rv.submit()
    vera = rv.driver("vera", unlock=False)
    response = vera.client.get(f"/reports/{report.report_id}")
    assert response.status_code == 302
    assert "/key/unlock" in response.headers["Location"]
    assert vera.unlock("not the passphrase").status_code == 401
    assert vera.unlock().status_code == 302
    assert "test report" in vera.page(f"/reports/{report.report_id}")


def test_status_change_can_be_told_to_the_reporter(rv):
    report = rv.submit()
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    coord.post(f"{path}/status", {"status": "under_verification", "verification": "",
                                  "reliability": "", "tell_reporter": "y"}, token_from=path)
    events = open_reviewer_events(_to_reporter(rv, report.report_id), report.receipt_keys,
                                  rv.instance.verified_bundle(), report_id=report.report_id)
    assert [(e.type, dict(e.payload)) for e in events] == [
        ("status", {"status": "under_verification"})]
    coord.post(f"{path}/status", {"status": "verified", "verification": "",
                                  "reliability": ""}, token_from=path)
    assert "needs a verification level" in coord.page(path)


def test_offboarding_from_the_admin_page(rv):
    ada = rv.driver("ada", unlock=False)
    otto = rv.instance.people["otto"].account_id
    response = ada.post(f"/admin/accounts/{otto}/offboard", token_from="/admin/accounts")
    assert response.status_code == 302
    page = ada.page("/admin/accounts")
    assert "publish-bundle" in page
    assert rv.driver().login("otto").status_code == 401


def test_one_coordinator_approving_twice_is_still_one_approval(rv):
    from vault.api.testkit import PASSPHRASE

    report = rv.submit()
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    for _ in range(2):
        coord.post(f"{path}/approve-urgent", {"reason": "detained tonight",
                                              "passphrase": PASSPHRASE}, token_from=path)
    page = coord.page(path)
    assert "Urgent appeal: 1 of 2 coordinator approvals." in page
    assert "detained tonight" in page
    wrong = coord.post(f"{path}/override-risk", {"reason": "x", "passphrase": "nope"},
                       token_from=path)
    assert wrong.status_code == 302
    assert "risk_override" not in coord.page(path)


def test_bad_input_is_named_and_what_was_typed_is_kept(rv):
    report = rv.submit()
    coord = rv.driver("coord")
    path = f"/reports/{report.report_id}"
    long_note = "x" * 20001
    response = coord.post(f"{path}/note", {"text": long_note}, token_from=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not saved: Note:" in page
    assert long_note in page  # back in the note box, not lost
    assert page.count(long_note) == 1  # and not copied into the other forms
    empty = coord.post(f"{path}/reply", {"text": ""}, token_from=path)
    assert empty.status_code == 400
    assert "Not sent" in empty.get_data(as_text=True)
