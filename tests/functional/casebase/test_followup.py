"""Partner follow-up events, signed by the partner's organisation (S19)."""

import pytest

from casebase.accounts import create_partner, issue_token
from casebase.followup import sign_follow_up
from casebase.synthetic import SigningOrganisation

TODAY = "2026-11-23"


@pytest.fixture
def partner_setup(cb_env):
    partner_org = SigningOrganisation("partner-org")
    cb_env.trust("partner-org", partner_org.release_pk)
    with cb_env.session() as session:
        partner = create_partner(session, "ishr", "partner-org", "correct horse battery", TODAY)
        token = issue_token(session, partner, "test", TODAY)
        session.commit()
    package = cb_env.org.release(cb_env.record(year=2019, follow_up=[]))
    cb_env.post(package)
    return partner_org, {"Authorization": f"Bearer {token}"}, package["package"]["record_id"]


def _event(record_id, **changes):
    return {"record_id": record_id, "org_id": "partner-org", "date": "2026-10",
            "event": "government_response", "stance": "investigating",
            "note": "Government says it opened an inquiry", **changes}


def test_signed_follow_up_appears_on_the_timeline(cb_env, partner_setup):
    org, headers, rid = partner_setup
    body = sign_follow_up(_event(rid), org.release_key)
    response = cb_env.client.post(f"/api/v1/cases/{rid}/follow-up", json=body, headers=headers)
    assert response.status_code == 201
    case = cb_env.client.get(f"/api/v1/cases/{rid}").json
    assert case["follow_up"][-1] == {"date": "2026-10", "event": "government_response",
                                     "stance": "investigating",
                                     "note": "Government says it opened an inquiry",
                                     "source": "partner", "org_id": "partner-org"}
    assert case["last_activity"] == "2026-10"
    stale = cb_env.client.get("/api/v1/cases?stale=6").json["cases"]
    assert rid not in {c["record_id"] for c in stale}
    again = cb_env.client.post(f"/api/v1/cases/{rid}/follow-up", json=body, headers=headers)
    assert again.status_code == 201
    assert len(cb_env.client.get(f"/api/v1/cases/{rid}").json["follow_up"]) == 1


def test_follow_up_needs_a_partner(cb_env, partner_setup):
    org, _headers, rid = partner_setup
    body = sign_follow_up(_event(rid), org.release_key)
    response = cb_env.client.post(f"/api/v1/cases/{rid}/follow-up", json=body)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"date": "2026-10-03"}, "invalid_follow_up"), ({"event": "party"}, "invalid_follow_up"),
     ({"date": "2027-01"}, "invalid_follow_up"), ({"name": "x"}, "invalid_follow_up")],
)
def test_follow_up_fields_are_the_fixed_coarse_set(cb_env, partner_setup, changes, code):
    org, headers, rid = partner_setup
    body = sign_follow_up(_event(rid, **changes), org.release_key)
    response = cb_env.client.post(f"/api/v1/cases/{rid}/follow-up", json=body, headers=headers)
    assert (response.status_code, response.json["error"]) == (422, code)


def test_follow_up_signed_by_an_untrusted_key_is_refused(cb_env, partner_setup):
    _org, headers, rid = partner_setup
    body = sign_follow_up(_event(rid), SigningOrganisation("partner-org").release_key)
    response = cb_env.client.post(f"/api/v1/cases/{rid}/follow-up", json=body, headers=headers)
    assert (response.status_code, response.json["error"]) == (403, "untrusted_key")


def test_follow_up_for_another_organisation_is_refused(cb_env, partner_setup):
    org, headers, rid = partner_setup
    body = sign_follow_up(_event(rid, org_id="org-a"), org.release_key)
    response = cb_env.client.post(f"/api/v1/cases/{rid}/follow-up", json=body, headers=headers)
    assert (response.status_code, response.json["error"]) == (403, "org_mismatch")


def test_tampered_follow_up_signature_is_refused(cb_env, partner_setup):
    org, headers, rid = partner_setup
    body = sign_follow_up(_event(rid), org.release_key)
    body["event"]["note"] = "changed after signing"
    response = cb_env.client.post(f"/api/v1/cases/{rid}/follow-up", json=body, headers=headers)
    assert (response.status_code, response.json["error"]) == (422, "bad_follow_up_signature")
