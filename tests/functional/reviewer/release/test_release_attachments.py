"""A photo with EXIF GPS attached to a report is scrubbed, approved on its own, released
inside the signed package, served by the case base without any metadata, and gone with
the record when consent is withdrawn. Three real apps on loopback ports (S15, S19, S20)."""

from __future__ import annotations

import hashlib
import io
import random

import requests
from PIL import Image

from vault.canonical import b64decode, utc_day

PASSPHRASE = "release test passphrase"  # noqa: S105 - test keys
FIELDS = {
    "form_version": 1,
    "identity": {"real_name": "Mariam Okonkwo"},
    "person": {"city": "Sitra"},
    "incidents": [{"date": "2023-02", "acts": ["travel_ban"]}],
    "situation": {"narrative": "Mariam Okonkwo was stopped at the border; the travel ban "
                               "notice was posted on her door in Sitra."},
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


def photo_with_gps() -> bytes:
    """A phone photo: EXIF with the camera and a GPS position, XMP, an ICC profile and a
    comment, all of which must be gone from what the case base serves."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model X"
    exif[0x8825] = {1: "N", 2: (26.0, 9.0, 31.5), 3: "E", 4: (50.0, 37.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(
        out, "JPEG", exif=exif.tobytes(), comment=b"taken at home",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>',
        icc_profile=b"\x00" * 128)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as image:  # the test photo really carries GPS
        assert image.getexif().get_ifd(0x8825)
    return data


def _verified_report(world, reviewer):  # type: ignore[no-untyped-def]
    report = world.submit(FIELDS, files=(("notice.jpg", "image/jpeg", photo_with_gps()),))
    path = f"/reports/{report.report_id}"
    reviewer.post(f"{path}/status", {"status": "verified", "verification": "confirmed",
                                     "reliability": "high", "comment": "checked"},
                  token_from=path)
    world.reporter_event(report, "consent_change", {
        "scopes": {"casebase_anonymized": "grant"}, "given_by": "victim", "day": utc_day()})
    return report, f"/release/reports/{report.report_id}"


def assert_clean_image(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
            assert not image.info.get(key), key
        image.load()
        assert image.size == (64, 48)
    for marker in (b"Exif\x00\x00", b"<x:xmpmeta", b"ICC_PROFILE", b"taken at home",
                   b"PhoneMaker"):
        assert marker not in data, marker


def test_a_scrubbed_photo_is_released_served_clean_and_withdrawn(release_world):
    world = release_world
    world.seed_matching(6, random.Random(3))
    world.seed_matching(1, random.Random(4), acts=["threats"])
    vera, coord = world.reviewer("vera"), world.reviewer("coord")
    report, page = _verified_report(world, vera)
    blob_id = vera.page(page).split('name="attachments" value="')[1].split('"')[0]
    form = {**FORM, "approver": coord.key_id, "attachments": [blob_id],
            f"caption-{blob_id}": "Mariam Okonkwo's travel ban notice"}

    refused = vera.post(f"{page}/draft", form, token_from=page)  # not approved yet
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'data-code="attachment_not_cleared"' in text
    assert 'data-code="identifier_left"' in text
    assert "attachments[0].caption" in text

    assert vera.post(f"{page}/attachment", {"blob_id": blob_id},
                     token_from=page).status_code == 302
    assert "approved for release" in vera.page(page)
    form[f"caption-{blob_id}"] = "The travel ban notice, as served on the person"
    drafted = vera.post(f"{page}/draft", form, token_from=page)
    assert drafted.status_code == 302, drafted.get_data(as_text=True)[:2000]
    approved = coord.post(f"{page}/approve", {"passphrase": PASSPHRASE}, token_from=page)
    assert approved.status_code == 302
    items = world.runtime.outbox.items()
    assert [(i.kind, i.status) for i in items] == [("release", "sent")], coord.page(page)

    attachments = items[0].package["package"]["record"]["attachments"]
    assert len(attachments) == 1
    sent = b64decode(attachments[0]["data"])
    assert attachments[0]["sha256"] == hashlib.sha256(sent).hexdigest()
    assert attachments[0]["caption"] == "The travel ban notice, as served on the person"
    assert_clean_image(sent)

    record_id = items[0].record_id
    case = world.casebase_case(record_id).json()
    assert [a["sha256"] for a in case["attachments"]] == [attachments[0]["sha256"]]
    url = f"{world.casebase_url}/cases/{record_id}/attachments/{attachments[0]['sha256']}"
    served = requests.get(url, timeout=10)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.content == sent
    assert_clean_image(served.content)
    case_page = requests.get(f"{world.casebase_url}/cases/{record_id}", timeout=10).text
    assert 'alt="The travel ban notice, as served on the person"' in case_page

    world.reporter_event(report, "withdrawal", {"day": utc_day()})
    coord.post("/release/outbox/sweep", {}, token_from="/release/outbox")
    assert [(i.kind, i.status) for i in world.runtime.outbox.items()] == [
        ("release", "sent"), ("tombstone", "sent")]
    assert world.casebase_case(record_id).status_code == 404
    assert requests.get(url, timeout=10).status_code == 404


def test_a_copy_that_no_longer_matches_its_approval_is_refused(release_world):
    """The approval names the scrubbed copy's hash; if the scrub now gives other bytes (a
    forged approval, or a changed scrubber), the package builder refuses to sign."""
    world = release_world
    world.seed_matching(6, random.Random(3))
    world.seed_matching(1, random.Random(4), acts=["threats"])
    vera, coord = world.reviewer("vera"), world.reviewer("coord")
    report, page = _verified_report(world, vera)
    blob_id = vera.page(page).split('name="attachments" value="')[1].split('"')[0]
    world.write_record_as("vera", "release_attachment", {
        "blob_id": blob_id, "scrubbed_sha256": "0" * 64, "transform": "image-reencoded-jpeg",
        "parent_sha256": "1" * 64, "metadata_free": True, "day": utc_day()},
        report.report_id)
    form = {**FORM, "approver": coord.key_id, "attachments": [blob_id]}
    refused = vera.post(f"{page}/draft", form, token_from=page)
    assert refused.status_code == 422
    assert "is not the one that was approved" in refused.get_data(as_text=True)
    assert world.runtime.outbox.items() == []
