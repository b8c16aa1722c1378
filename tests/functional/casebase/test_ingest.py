"""POST /api/v1/ingest: the rules of casebase/SCHEMA.md, end to end over HTTP."""

import pytest
from nacl.signing import SigningKey

from casebase.feed import verify_feed
from casebase.keyfiles import public_key_text
from casebase.synthetic import SigningOrganisation
from vault.keys import certify_subkey


def test_new_release_is_created_then_repeat_is_idempotent(cb_env):
    package = cb_env.org.release(cb_env.record(), record_id="a" * 32)
    first = cb_env.post(package)
    assert first.status_code == 201
    assert first.json == {"outcome": "created", "record_id": "a" * 32, "state": "published"}
    again = cb_env.post(package)
    assert again.status_code == 200
    assert again.json["outcome"] == "repeat"
    listing = cb_env.client.get("/api/v1/cases").json
    assert listing["total"] == 1


def test_newer_version_updates_and_older_or_equal_conflicts(cb_env):
    rid, base = "b" * 32, cb_env.record()
    assert cb_env.post(cb_env.org.release(base, record_id=rid)).status_code == 201
    updated = cb_env.post(cb_env.org.release({**base, "title": "Updated title"},
                                             record_id=rid, version=2))
    assert (updated.status_code, updated.json["outcome"]) == (200, "updated")
    assert cb_env.client.get(f"/api/v1/cases/{rid}").json["title"] == "Updated title"
    for version in (1, 2):
        stale = cb_env.post(cb_env.org.release(cb_env.record(), record_id=rid, version=version))
        assert (stale.status_code, stale.json["error"]) == (409, "version_conflict")
    assert cb_env.client.get(f"/api/v1/cases/{rid}").json["version"] == 2


def test_untrusted_key_is_403(cb_env):
    stranger = SigningOrganisation("org-a")
    response = cb_env.post(stranger.release(cb_env.record()))
    assert (response.status_code, response.json["error"]) == (403, "untrusted_key")


def test_key_of_another_organisation_is_org_mismatch(cb_env):
    impostor = SigningOrganisation("org-b", release_key=cb_env.org.release_key)
    response = cb_env.post(impostor.release(cb_env.record()))
    assert (response.status_code, response.json["error"]) == (403, "org_mismatch")


def test_record_of_another_organisation_cannot_be_overwritten(cb_env):
    other = SigningOrganisation("org-b")
    cb_env.trust("org-b", other.release_pk)
    rid = "c" * 32
    assert cb_env.post(cb_env.org.release(cb_env.record(), record_id=rid)).status_code == 201
    response = cb_env.post(other.release(cb_env.record(), record_id=rid, version=5))
    assert (response.status_code, response.json["error"]) == (403, "org_mismatch")


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda p: p["package"]["record"].update(acts=["nope"]), "invalid_package"),
        (lambda p: p["signatures"].update(release="A" * 86), "bad_package_signature"),
        (lambda p: p["signatures"].pop("drafter"), "bad_package_signature"),
    ],
)
def test_invalid_packages_are_422_with_a_named_code(cb_env, mutate, code):
    package = cb_env.org.release(cb_env.record())
    mutate(package)
    response = cb_env.post(package)
    assert (response.status_code, response.json["error"]) == (422, code)


def test_non_json_body_is_422(cb_env):
    response = cb_env.client.post("/api/v1/ingest", data=b"\x00garbage",
                                  content_type="application/json")
    assert (response.status_code, response.json["error"]) == (422, "invalid_package")


def test_tombstone_removes_the_record_at_once_and_everything_after_is_refused(cb_env):
    rid = "d" * 32
    cb_env.post(cb_env.org.release(cb_env.record(), record_id=rid))
    before = cb_env.client.get("/api/v1/stats").json
    assert 2023 in before["years"]
    tombstone = cb_env.org.tombstone(rid, version=2)
    response = cb_env.post(tombstone)
    assert (response.status_code, response.json["outcome"]) == (200, "withdrawn")
    assert cb_env.post(tombstone).json["outcome"] == "repeat"
    gone = cb_env.client.get(f"/api/v1/cases/{rid}")
    unknown = cb_env.client.get(f"/api/v1/cases/{'e' * 32}")
    assert gone.status_code == unknown.status_code == 404
    assert gone.data == unknown.data
    assert cb_env.client.get("/api/v1/cases").json["total"] == 0
    assert cb_env.client.get("/api/v1/stats").json["years"] == []  # derived statistics too
    later = cb_env.post(cb_env.org.release(cb_env.record(), record_id=rid, version=3))
    assert (later.status_code, later.json["error"]) == (409, "record_withdrawn")


def test_tombstone_for_a_record_never_seen_blocks_it(cb_env):
    rid = "f" * 32
    assert cb_env.post(cb_env.org.tombstone(rid, version=1)).status_code == 200
    response = cb_env.post(cb_env.org.release(cb_env.record(), record_id=rid, version=2))
    assert response.json["error"] == "record_withdrawn"


def test_tombstone_feed_is_signed_and_filtered_by_day(cb_env):
    rid = "1" * 32
    cb_env.post(cb_env.org.release(cb_env.record(), record_id=rid))
    cb_env.post(cb_env.org.tombstone(rid, version=2))
    feed = cb_env.client.get("/api/v1/tombstones?since=2026-11-01").json
    pinned = public_key_text(cb_env.app.extensions["casebase"]["feed_key"])
    payload = verify_feed(feed, pinned)
    assert [t["record_id"] for t in payload["tombstones"]] == [rid]
    assert payload["tombstones"][0]["reason"] == "consent_withdrawn"
    assert cb_env.client.get("/api/v1/tombstones?since=2026-11-24").json["tombstones"] == []
    assert cb_env.client.get("/api/v1/tombstones?since=yesterday").status_code == 400


def test_publication_delay_holds_releases_until_due(cb_env_factory):
    env = cb_env_factory(publication_delay_days=3)
    rid = "2" * 32
    response = env.post(env.org.release(env.record(), record_id=rid))
    assert response.json["state"] == "pending"
    assert env.client.get(f"/api/v1/cases/{rid}").status_code == 404
    env.app.extensions["casebase"]["today"] = lambda: "2026-11-26"
    assert env.client.get(f"/api/v1/cases/{rid}").status_code == 200  # on-read check


def test_revocation_with_compromised_since_quarantines_later_records(cb_env):
    early, late = "3" * 32, "4" * 32
    cb_env.post(cb_env.org.release(cb_env.record(), record_id=early))
    with cb_env.session() as session:
        from casebase.models import Record

        session.get(Record, early).ingested_on = "2026-06-01"
        session.commit()
    cb_env.post(cb_env.org.release(cb_env.record(), record_id=late, issued_at="2026-11-01"))
    cb_env.change({"action": "revoke", "org_id": "org-a", "release_pk": cb_env.org.release_pk,
                   "compromised_since": "2026-10-01"})
    assert cb_env.client.get(f"/api/v1/cases/{early}").status_code == 200
    assert cb_env.client.get(f"/api/v1/cases/{late}").status_code == 404
    refused = cb_env.post(cb_env.org.release(cb_env.record(), issued_at="2026-11-02"))
    assert refused.json["error"] == "untrusted_key"
    before = cb_env.post(cb_env.org.release(cb_env.record(), issued_at="2026-09-30"))
    assert before.status_code == 201  # signed before the compromise


def test_rotation_needs_both_keys_and_moves_the_organisation(cb_env):
    from casebase.trust import sign_rotation

    new_key = SigningKey.generate()
    statement = sign_rotation("org-a", cb_env.org.release_key, new_key, "2026-11-23")
    cb_env.change(statement)
    old = cb_env.post(cb_env.org.release(cb_env.record(), issued_at="2026-11-23"))
    assert old.json["error"] == "untrusted_key"
    cb_env.org.release_key = new_key
    assert cb_env.post(cb_env.org.release(cb_env.record(), issued_at="2026-11-23")) \
        .status_code == 201


def test_rotation_with_a_forged_new_key_signature_is_refused(cb_env):
    from casebase.errors import TrustChangeRejected
    from casebase.trust import sign_rotation

    statement = sign_rotation("org-a", cb_env.org.release_key, SigningKey.generate(),
                              "2026-11-23")
    statement["new_pk"] = public_key_text(SigningKey.generate())
    with pytest.raises(TrustChangeRejected, match="new_signature|old_signature"):
        cb_env.change(statement)


def test_trust_change_needs_two_different_administrators(cb_env):
    from casebase.errors import TrustChangeRejected

    one = cb_env.admins[:1]
    cb_env.admins = one + one
    with pytest.raises(TrustChangeRejected, match="two different administrators"):
        cb_env.trust("org-z", public_key_text(SigningKey.generate()))


def test_release_key_certified_by_a_trusted_root_is_accepted(cb_env):
    root = SigningKey.generate()
    cb_env.trust("org-r", public_key_text(root), key_kind="root")
    subkey, certificate = certify_subkey(root, "release", "2027-12-31", "org-r",
                                         issued_at="2026-01-01")
    org = SigningOrganisation("org-r", release_key=subkey, certificate=certificate.to_dict())
    assert cb_env.post(org.release(cb_env.record())).status_code == 201
    wrong_org, cert_b = certify_subkey(root, "release", "2027-12-31", "org-other",
                                       issued_at="2026-01-01")
    forged = SigningOrganisation("org-r", release_key=wrong_org, certificate=cert_b.to_dict())
    response = cb_env.post(forged.release(cb_env.record()))
    assert (response.status_code, response.json["error"]) == (403, "untrusted_key")


def test_revoking_a_certified_subkey_blocks_it(cb_env):
    root = SigningKey.generate()
    cb_env.trust("org-r", public_key_text(root), key_kind="root")
    subkey, certificate = certify_subkey(root, "release", "2027-12-31", "org-r",
                                         issued_at="2026-01-01")
    org = SigningOrganisation("org-r", release_key=subkey, certificate=certificate.to_dict())
    cb_env.change({"action": "revoke", "org_id": "org-r", "release_pk": org.release_pk,
                   "compromised_since": None})
    response = cb_env.post(org.release(cb_env.record()))
    assert (response.status_code, response.json["error"]) == (403, "untrusted_key")


def test_the_same_package_sent_concurrently_is_stored_once(cb_env, live_server):
    import concurrent.futures
    import json as json_module

    import requests

    package = cb_env.org.release(cb_env.record(), record_id="5" * 32)
    with live_server(cb_env.app) as base:
        def send(_):
            return requests.post(f"{base}/api/v1/ingest", data=json_module.dumps(package),
                                 headers={"Content-Type": "application/json"}, timeout=30)

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            statuses = sorted(r.status_code for r in pool.map(send, range(4)))
    assert statuses == [200, 200, 200, 201]
    assert cb_env.client.get("/api/v1/cases").json["total"] == 1


@pytest.mark.parametrize(
    ("before", "after"),
    [({"gender": None}, {"gender": "woman"}), ({"role": None}, {"role": "lawyer"}),
     ({"year": 2022, "year_to": 2023}, {"year": 2022, "year_to": None})],
)
def test_a_new_version_cannot_undo_generalisation(cb_env, before, after):
    rid, base = "6" * 32, cb_env.record(year=2022)
    assert cb_env.post(cb_env.org.release({**base, **before}, record_id=rid)).status_code == 201
    response = cb_env.post(cb_env.org.release({**base, **after}, record_id=rid, version=2))
    assert (response.status_code, response.json["error"]) == (422, "more_detail_than_before")
    same = cb_env.post(cb_env.org.release({**base, **before}, record_id=rid, version=3))
    assert same.status_code == 200
