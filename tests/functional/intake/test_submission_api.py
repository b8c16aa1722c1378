"""SPEC §9 step 3 through the intake: a sealed report is stored; every bad body gets its
named error and leaves nothing behind."""

from __future__ import annotations

import hashlib

import pytest

from vault.canonical import b64encode


def test_a_sealed_report_is_stored_and_opens_for_a_reviewer(
        intake_client, intake_instance, intake_kit, rows):
    sealed, keys, _receipt = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    body = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id)
    response = intake_client.post("/api/v1/submissions", json=body)
    assert response.status_code == 201
    assert response.get_json() == {"report_id": sealed.report_id}
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Set-Cookie" not in response.headers
    assert rows(intake_instance, "reports") == 1
    opened = intake_kit.open_report(intake_instance, sealed.envelope)
    assert opened.fields == intake_kit.minimal_fields
    assert opened.server_sealed is False


def _post(client, body):
    return client.post("/api/v1/submissions", json=body)


def test_without_proof_of_work_nothing_is_stored(intake_client, intake_instance, intake_kit, rows):
    sealed, keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    body = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id)
    del body["pow"]
    response = _post(intake_client, body)
    assert response.status_code == 403
    assert response.get_json()["error"] == "bad_proof_of_work"
    assert rows(intake_instance, "reports") == 0


def test_a_proof_of_work_is_single_use_and_bound_to_the_envelope(
        intake_client, intake_instance, intake_kit):
    from intake.pow import leading_zero_bits, solution_hash

    sealed, keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    other, other_keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    other_binding = hashlib.sha256(other.envelope).hexdigest()
    while True:
        # At a test's low difficulty a counter can happen to pay for the other envelope too
        # (1 in 2^difficulty): take a challenge whose solution does not.
        body = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id)
        challenge, counter = body["pow"]["challenge"], body["pow"]["counter"]
        difficulty = int(challenge.split(".")[3])
        if leading_zero_bits(solution_hash(challenge, other_binding, counter)) < difficulty:
            break
    swapped = {**body, "envelope": b64encode(other.envelope),
               "lookup_id": b64encode(other_keys.lookup_id)}
    assert _post(intake_client, swapped).get_json()["error"] == "bad_proof_of_work"
    assert _post(intake_client, body).status_code == 201
    replay = {**body, "lookup_id": b64encode(other_keys.lookup_id)}
    assert _post(intake_client, replay).status_code == 403


def test_a_proof_made_for_uploads_does_not_pay_for_a_submission(
        intake_client, intake_instance, intake_kit):
    sealed, keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    body = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id)
    body["pow"] = intake_kit.solve_pow(intake_client, "upload",
                                       hashlib.sha256(sealed.envelope).hexdigest())
    assert _post(intake_client, body).status_code == 403


@pytest.mark.parametrize(
    ("mangle", "code"),
    [
        (lambda e: e[:10], "truncated"),
        (lambda e: b"haven-envelope/9\n" + e[17:], "unknown_version"),
        (lambda e: e + b"\x00", "trailing_data"),
        (lambda e: e[:17] + b"\x07" + e[18:], "unknown_type"),
        (lambda e: e[:-5], "truncated"),
    ],
)
def test_malformed_envelopes_get_the_spec_error(  # noqa: PLR0917 - fixtures and parameters
        intake_client, intake_instance, intake_kit, rows, mangle, code):
    sealed, keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    envelope = mangle(sealed.envelope)
    response = _post(intake_client,
                     intake_kit.submission_body(intake_client, envelope, keys.lookup_id))
    assert response.status_code == 422
    assert response.get_json()["error"] == code
    assert rows(intake_instance, "reports") == 0


def test_an_envelope_for_another_bundle_is_refused(
        intake_client, intake_instance, intake_kit, tmp_path):
    directory = tmp_path / "other"
    directory.mkdir()
    other = intake_kit.build_instance(directory, f"sqlite:///{directory / 'other.db'}")
    sealed, keys, _ = intake_kit.sealed_report(
        intake_instance, intake_kit.minimal_fields, bundle=intake_kit.verified_bundle(other))
    response = _post(intake_client,
                     intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id))
    assert response.status_code == 422
    assert response.get_json()["error"] == "bundle_mismatch"


def test_the_browser_path_cannot_claim_server_sealing(intake_client, intake_instance, intake_kit):
    sealed, keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields,
                                               server_sealed=True)
    response = _post(intake_client,
                     intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id))
    assert response.status_code == 422
    assert response.get_json()["error"] == "malformed_header"


def test_the_same_report_twice_is_a_conflict(intake_client, intake_instance, intake_kit, rows):
    sealed, keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    first = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id)
    assert _post(intake_client, first).status_code == 201
    again = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id)
    response = _post(intake_client, again)
    assert response.status_code == 409
    assert response.get_json()["error"] == "duplicate_report"
    assert rows(intake_instance, "reports") == 1


def test_a_blob_that_was_never_uploaded_is_refused(intake_client, intake_instance, intake_kit,
                                                   rows):
    sealed, keys, _ = intake_kit.sealed_report(intake_instance, intake_kit.minimal_fields)
    body = intake_kit.submission_body(intake_client, sealed.envelope, keys.lookup_id,
                                      blobs=["ab" * 32])
    response = _post(intake_client, body)
    assert response.status_code == 422
    assert response.get_json()["error"] == "unknown_blob"
    assert rows(intake_instance, "reports") == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"envelope": "not base64!", "lookup_id": "AA"}, 400, "bad_request"),
        ({"envelope": "AAAA", "lookup_id": b64encode(b"short")}, 400, "bad_request"),
        ({"envelope": "AAAA", "lookup_id": b64encode(bytes(32)), "blobs": ["xyz"]}, 400,
         "bad_request"),
        ({"envelope": "AAAA", "lookup_id": b64encode(bytes(32)), "blobs": "ab"}, 400,
         "bad_request"),
    ],
)
def test_bad_bodies_get_a_clear_error(intake_client, body, status, code):
    response = intake_client.post("/api/v1/submissions", json=body)
    assert response.status_code == status
    assert response.get_json()["error"] == code


def test_a_body_that_is_not_json_is_refused(intake_client):
    response = intake_client.post("/api/v1/submissions", data=b"\xff\xfe",
                                  content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_an_oversized_body_gets_413_before_it_is_read(intake_client):
    response = intake_client.post("/api/v1/submissions", data=b"x" * (7 * 1024 * 1024),
                                  content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"


def test_above_the_disk_high_water_mark_new_data_is_refused(tmp_path, database_url, intake_kit):
    from intake.app import create_app

    instance = intake_kit.build_instance(tmp_path, database_url,
                                         intake={"min_free_disk_bytes": 2**62})
    client = create_app(instance.config).test_client()
    sealed, keys, _ = intake_kit.sealed_report(instance, intake_kit.minimal_fields)
    response = client.post("/api/v1/submissions",
                           json=intake_kit.submission_body(client, sealed.envelope,
                                                           keys.lookup_id))
    assert response.status_code == 503
    assert response.get_json()["error"] == "disk_full"
