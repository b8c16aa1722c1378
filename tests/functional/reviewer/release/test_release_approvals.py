"""Two-person and two-coordinator rules through the reviewer app over HTTP; attachments
approved one by one after scrubbing; both people of a release in the vault's audit log."""

from __future__ import annotations

import io
import random

from PIL import Image

from vault.canonical import utc_day

PASSPHRASE = "release test passphrase"  # noqa: S105 - test keys
FIELDS = {
    "form_version": 1,
    "identity": {"real_name": "Mariam Okonkwo"},
    "incidents": [{"date": "2023-02", "acts": ["travel_ban"]}],
    "situation": {"narrative": "Mariam Okonkwo was stopped at the border."},
    "risk": {"further_reprisal": "yes"},
    "consent": {"scopes": {"casebase_anonymized": "grant"}, "given_by": "victim",
                "day": utc_day()},
}
FORM = {
    "tier": "public", "kind": "individual", "country": "BH", "year": "2023",
    "gender": "woman", "role": "hrd", "acts": ["travel_ban"], "perpetrators": ["immigration"],
    "mechanisms": ["hrc"], "engagement": "actual", "outcome": "ongoing",
    "title": "Travel ban after cooperation with the Human Rights Council",
    "narrative": "A woman human rights defender was prevented from travelling to a session "
                 "of the Human Rights Council.",
    "suspect_set_estimate": "60", "suspect_set_reason": "Many defenders attended.",
}


def _ready(world):  # type: ignore[no-untyped-def]
    world.seed_matching(6, random.Random(3))
    world.seed_matching(1, random.Random(4), acts=["threats"])


def _verified(world, reviewer, fields, files=()):  # type: ignore[no-untyped-def]
    report = world.submit(fields, files=files)
    path = f"/reports/{report.report_id}"
    reviewer.post(f"{path}/status", {"status": "verified", "verification": "confirmed",
                                     "reliability": "high", "comment": "checked"},
                  token_from=path)
    return report, f"/release/reports/{report.report_id}"


def test_risk_override_needs_two_coordinators_and_only_the_named_one_approves(release_world):
    world = release_world
    _ready(world)
    vera, coord, cora = (world.reviewer(n) for n in ("vera", "coord", "cora"))
    report, page = _verified(world, vera, FIELDS)
    form = {**FORM, "approver": coord.key_id}
    refused = vera.post(f"{page}/draft", form, token_from=page)
    assert 'data-code="risk_flag_open"' in refused.get_data(as_text=True)

    path = f"/reports/{report.report_id}"
    reason = {"reason": "The person asked for publicity to protect her.",
              "passphrase": PASSPHRASE}
    coord.post(f"{path}/override-risk", reason, token_from=path)
    still = vera.post(f"{page}/draft", form, token_from=page)
    assert "(1 so far)" in still.get_data(as_text=True)
    cora.post(f"{path}/override-risk", reason, token_from=path)
    assert vera.post(f"{page}/draft", form, token_from=page).status_code == 302

    wrong = cora.post(f"{page}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    assert wrong.status_code == 302
    assert "names another coordinator" in cora.page(page)
    assert world.runtime.outbox.items() == []
    bad_passphrase = coord.post(f"{page}/approve", {"passphrase": "wrong"}, token_from=page)
    assert bad_passphrase.status_code == 302
    assert world.runtime.outbox.items() == []

    coord.post(f"{page}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    assert [i.status for i in world.runtime.outbox.items()] == ["sent"]
    actions = world.audit_actions()
    assert ("vera", "release_draft") in actions
    assert ("coord", "release_approve") in actions

    record_id = world.runtime.outbox.items()[0].record_id
    assert world.casebase_case(record_id).status_code == 200
    form_of = {"record_id": record_id, "reason": "safety"}
    by_verifier = vera.post(f"{page}/withdraw", {**form_of, "passphrase": PASSPHRASE},
                            token_from=page)
    assert by_verifier.status_code == 403  # noqa: PLR2004
    unknown = cora.post(f"{page}/withdraw", {**form_of, "record_id": "0" * 32,
                                             "passphrase": PASSPHRASE}, token_from=page)
    assert unknown.status_code == 302
    assert "no live release" in cora.page(page)
    pulled = cora.post(f"{page}/withdraw", {**form_of, "passphrase": PASSPHRASE},
                       token_from=page)
    assert pulled.status_code == 302
    assert world.casebase_case(record_id).status_code == 404
    assert [(i.kind, i.status) for i in world.runtime.outbox.items()] == [
        ("release", "sent"), ("tombstone", "sent")]
    assert world.runtime.outbox.items()[1].package["package"]["reason"] == "safety"
    assert ("cora", "record_release_withdrawn") in world.audit_actions()


def test_a_coordinator_cannot_approve_their_own_draft(release_world):
    world = release_world
    _ready(world)
    coord = world.reviewer("coord")
    fields = {k: v for k, v in FIELDS.items() if k != "risk"}
    _report, page = _verified(world, coord, fields)
    refused = coord.post(f"{page}/draft", {**FORM, "approver": coord.key_id}, token_from=page)
    assert refused.status_code == 422  # noqa: PLR2004
    assert 'data-code="same_person"' in refused.get_data(as_text=True)


def _photo_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CamMaker"
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_attachments_are_released_only_scrubbed_and_approved(release_world):
    world = release_world
    _ready(world)
    vera, coord = world.reviewer("vera"), world.reviewer("coord")
    fields = {k: v for k, v in FIELDS.items() if k != "risk"}
    _report, page = _verified(world, vera, fields,
                              files=(("photo.jpg", "image/jpeg", _photo_with_exif()),))
    html = vera.page(page)
    blob_id = html.split('name="attachments" value="')[1].split('"')[0]
    form = {**FORM, "approver": coord.key_id, "attachments": [blob_id]}
    refused = vera.post(f"{page}/draft", form, token_from=page)
    assert 'data-code="attachment_not_cleared"' in refused.get_data(as_text=True)
    approved = vera.post(f"{page}/attachment", {"blob_id": blob_id}, token_from=page)
    assert approved.status_code == 302
    assert "approved for release" in vera.page(page)
    assert vera.post(f"{page}/draft", form, token_from=page).status_code == 302


def test_a_draft_forged_in_another_reviewers_name_is_not_approved(release_world):
    """A verifier writes a well-formed release draft straight to the vault API claiming a
    coordinator drafted it (so another coordinator could approve it with no second person
    of their own): the approval is refused."""
    from nacl.signing import SigningKey

    from reviewer.release.draft import parse_draft
    from reviewer.release.generalise import Recoding, published_fields
    from reviewer.release.keys import load_release_key
    from reviewer.release.package import release_body, sign_as
    from vault.canonical import b64encode

    world = release_world
    _ready(world)
    coord, cora = world.reviewer("coord"), world.reviewer("cora")
    fields = {k: v for k, v in FIELDS.items() if k != "risk"}
    report, page = _verified(world, coord, fields)
    draft = parse_draft({**FORM, "approver": coord.key_id}, verification="confirmed",
                        this_year=int(utc_day()[:4]))
    bundle_pk = {k.id: b64encode(k.ed25519_pk) for k in world.bundle.keys}
    release_key = load_release_key(world.runtime.settings)
    body = release_body(
        org_id="org-test", record_id="ab" * 16, version=1, issued_at=utc_day(),
        tier="public", snapshot={"scopes": ["casebase_anonymized"], "given_by": "victim",
                                 "confirmed": utc_day()[:7]},
        record=published_fields(draft.record, Recoding.at(0)),
        release_pk=release_key.public_key,
        drafter={"id": cora.key_id, "pk": bundle_pk[cora.key_id]},
        approver={"id": coord.key_id, "pk": bundle_pk[coord.key_id]}, certificate=None)
    vera_key = SigningKey(world.created.reviewer_keys["vera"].ed25519_seed)
    forged = {"draft": {"tier": "public", "record": draft.record,
                        "suspect_set_estimate": 60, "suspect_set_reason": "x",
                        "approver_key_id": coord.key_id, "attachments": []},
              "body": body, "drafter_key_id": cora.key_id, "level": 0,
              "drafter_signature": sign_as("drafter", {**body, "drafter": {
                  "id": "x", "pk": b64encode(bytes(vera_key.verify_key))}}, vera_key)}
    world.write_record_as("vera", "release_draft", forged, report.report_id)
    assert "All eight rules hold." in coord.page(page)  # the gate alone would let it pass
    refused = coord.post(f"{page}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    assert refused.status_code == 302
    assert "does not match its drafter" in coord.page(page)
    assert world.runtime.outbox.items() == []


def test_the_latest_draft_is_the_one_approved(release_world):
    world = release_world
    _ready(world)
    vera, coord = world.reviewer("vera"), world.reviewer("coord")
    fields = {k: v for k, v in FIELDS.items() if k != "risk"}
    _report, page = _verified(world, vera, fields)
    for title in ("First title of the record", "Second, better title of the record",
                  "Third and final title of the record"):
        drafted = vera.post(f"{page}/draft", {**FORM, "approver": coord.key_id,
                                              "title": title}, token_from=page)
        assert drafted.status_code == 302
    coord.post(f"{page}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    item = world.runtime.outbox.items()[0]
    assert item.package["package"]["record"]["title"] == "Third and final title of the record"
    assert world.casebase_case(item.record_id).json()["title"].startswith("Third")


def test_a_malformed_draft_record_is_named_not_a_server_error(release_world):
    world = release_world
    coord = world.reviewer("coord")
    fields = {k: v for k, v in FIELDS.items() if k != "risk"}
    report, page = _verified(world, coord, fields)
    world.write_record_as("vera", "release_draft", {"draft": {"tier": "public"}},
                          report.report_id)
    assert "The latest draft cannot be used" in coord.page(page)
    coord.post(f"{page}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    assert "malformed" in coord.page(page)


def test_a_forged_withdrawal_record_does_not_suppress_the_tombstone(release_world):
    world = release_world
    _ready(world)
    vera, coord = world.reviewer("vera"), world.reviewer("coord")
    fields = {k: v for k, v in FIELDS.items() if k != "risk"}
    report = world.submit(fields)
    path = f"/reports/{report.report_id}"
    vera.post(f"{path}/status", {"status": "verified", "verification": "likely",
                                 "reliability": "high"}, token_from=path)
    page = f"/release/reports/{report.report_id}"
    assert vera.post(f"{page}/draft", {**FORM, "approver": coord.key_id},
                     token_from=page).status_code == 302
    coord.post(f"{page}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    record_id = world.runtime.outbox.items()[0].record_id
    world.write_record_as("vera", "release_withdrawn", {"record_id": record_id,
                                                        "version": 9, "reason": "error"},
                          report.report_id)
    world.reporter_event(report, "withdrawal", {"day": utc_day()})
    coord.post("/release/outbox/sweep", {}, token_from="/release/outbox")
    assert world.casebase_case(record_id).status_code == 404
