"""Scrubbed images in release packages: ingest checks each one (hash, size, type by magic
bytes and by Pillow, no EXIF/XMP/ICC/comment/text chunk), stores it in the case base's own
database, serves it to the record's tier only, and a tombstone deletes it (S15, S20)."""

from __future__ import annotations

import hashlib
import io
import json
import random

import sqlalchemy as sa
from PIL import Image, PngImagePlugin

from casebase.accounts import create_partner, issue_token
from casebase.models import RecordAttachment, RecordDocument
from vault.canonical import b64encode

TODAY = "2026-11-23"


def jpeg(**save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), "teal").save(out, "JPEG", **save)
    return out.getvalue()


def png(**save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), "orange").save(out, "PNG", **save)
    return out.getvalue()


def noisy_png(side: int) -> bytes:
    rng = random.Random(5)
    image = Image.frombytes("RGB", (side, side), bytes(rng.randrange(256)
                                                      for _ in range(side * side * 3)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def entry(data: bytes, media_type: str = "image/jpeg", **changes) -> dict:
    return {"media_type": media_type, "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data), "data": b64encode(data), **changes}


def exif_bytes() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CamMaker"
    exif[0x8825] = {1: "N", 2: (26.0, 13.0, 0.0)}  # GPS IFD: latitude
    return exif.tobytes()


def test_a_clean_image_is_stored_served_listed_and_deleted_by_a_tombstone(cb_env):
    photo = jpeg()
    record = cb_env.record(attachments=[entry(photo, caption="A notice on a wall")])
    package = cb_env.org.release(record)
    record_id = package["package"]["record_id"]
    answer = cb_env.post(package)
    assert answer.status_code == 201, answer.get_json()
    sha = hashlib.sha256(photo).hexdigest()
    with cb_env.session() as session:
        stored = session.scalars(sa.select(RecordAttachment)).all()
        assert [(a.sha256, a.media_type, a.size, a.caption, a.data) for a in stored] == [
            (sha, "image/jpeg", len(photo), "A notice on a wall", photo)]
        document = session.get(RecordDocument, record_id)
        kept = json.loads(document.package_json)["package"]["record"]["attachments"]
        assert kept == [{"media_type": "image/jpeg", "sha256": sha, "size": len(photo),
                         "caption": "A notice on a wall"}]  # the bytes are kept once
    url = f"/cases/{record_id}/attachments/{sha}"
    served = cb_env.client.get(url)
    assert served.status_code == 200
    assert served.data == photo
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == (
        f'inline; filename="case-{record_id[:8]}-1.jpg"')
    assert served.headers["Cache-Control"] == "no-cache"
    assert "default-src 'none'" in served.headers["Content-Security-Policy"]
    again = cb_env.client.get(url, headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304
    page = cb_env.client.get(f"/cases/{record_id}").get_data(as_text=True)
    assert f'src="{url}" alt="A notice on a wall"' in page
    case = cb_env.client.get(f"/api/v1/cases/{record_id}").get_json()
    assert case["attachments"] == [{"sha256": sha, "media_type": "image/jpeg",
                                    "size": len(photo), "caption": "A notice on a wall"}]
    csv_text = cb_env.client.get("/export.csv").get_data(as_text=True)
    header, row = csv_text.splitlines()[:2]
    assert "attachments" in header.split(",")
    assert sha in row
    assert b64encode(photo)[:40] not in csv_text
    assert "data" not in json.dumps(cb_env.client.get("/export.json").get_json()["cases"])

    gone = cb_env.post(cb_env.org.tombstone(record_id, version=2))
    assert gone.status_code == 200
    assert cb_env.client.get(url).status_code == 404
    with cb_env.session() as session:
        assert session.scalars(sa.select(RecordAttachment)).all() == []


def test_unknown_withdrawn_and_other_tier_attachments_get_the_same_404(cb_env):
    photo = png()
    sha = hashlib.sha256(photo).hexdigest()
    package = cb_env.org.release(cb_env.record(attachments=[entry(photo, "image/png")]),
                                 tier="partner")
    record_id = package["package"]["record_id"]
    assert cb_env.post(package).status_code == 201
    refused = cb_env.client.get(f"/cases/{record_id}/attachments/{sha}")
    unknown = cb_env.client.get(f"/cases/{'0' * 32}/attachments/{sha}")
    wrong_hash = cb_env.client.get(f"/cases/{record_id}/attachments/{'0' * 64}")
    assert refused.status_code == unknown.status_code == wrong_hash.status_code == 404
    for answer in (refused, unknown, wrong_hash):
        assert "No such page or case." in answer.get_data(as_text=True)
    with cb_env.session() as session:
        partner = create_partner(session, "partner-att", "org-a", "p" * 16, TODAY)
        token = issue_token(session, partner, "images", TODAY)
        session.commit()
    seen = cb_env.client.get(f"/cases/{record_id}/attachments/{sha}",
                             headers={"Authorization": f"Bearer {token}"})
    assert seen.status_code == 200
    assert seen.data == photo
    assert seen.headers["Content-Type"] == "image/png"
    assert seen.headers["Cache-Control"] == "no-store"  # never kept by a cache


def _refused(cb_env, attachment, code: str) -> str:
    answer = cb_env.post(cb_env.org.release(cb_env.record(attachments=[attachment])))
    body = answer.get_json()
    assert answer.status_code == 422, body
    assert body["error"] == code, body
    with cb_env.session() as session:
        assert session.scalars(sa.select(RecordAttachment)).all() == []
    return body["message"]


def test_a_wrong_hash_is_refused(cb_env):
    photo = jpeg()
    _refused(cb_env, entry(photo, sha256=hashlib.sha256(b"other").hexdigest()),
             "attachment_hash_mismatch")


def test_a_wrong_size_is_refused(cb_env):
    photo = jpeg()
    _refused(cb_env, entry(photo, size=len(photo) + 1), "attachment_size_mismatch")


def test_wrong_magic_bytes_are_refused(cb_env):
    _refused(cb_env, entry(jpeg(), "image/png"), "attachment_wrong_type")
    fake = b"\xff\xd8\xff" + b"not really a jpeg" * 10
    _refused(cb_env, entry(fake), "attachment_not_image")


def test_exif_is_refused(cb_env):
    message = _refused(cb_env, entry(jpeg(exif=exif_bytes())), "attachment_metadata")
    assert "APP1 (Exif)" in message


def test_xmp_is_refused(cb_env):
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    message = _refused(cb_env, entry(jpeg(xmp=xmp)), "attachment_metadata")
    assert "APP1 (http://ns.a" in message


def test_icc_profile_and_comments_are_refused(cb_env):
    assert "APP2" in _refused(cb_env, entry(jpeg(icc_profile=b"\x00" * 128)),
                              "attachment_metadata")
    assert "JPEG comment" in _refused(cb_env, entry(jpeg(comment=b"shot at home")),
                                      "attachment_metadata")


def test_png_text_chunks_are_refused(cb_env):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "someone")
    assert "PNG chunk b'tEXt'" in _refused(cb_env, entry(png(pnginfo=info), "image/png"),
                                           "attachment_metadata")
    trailing = png() + b"hidden"
    assert "after IEND" in _refused(cb_env, entry(trailing, "image/png"),
                                    "attachment_metadata")


def test_oversize_attachments_are_refused(cb_env_factory):
    env = cb_env_factory(attachment_max_bytes=2048, attachments_max_bytes=4096)
    big = noisy_png(64)
    assert len(big) > 4096
    answer = env.post(env.org.release(env.record(attachments=[entry(big, "image/png")])))
    assert answer.status_code == 422
    assert answer.get_json()["error"] == "attachment_too_large"
    small = [png(), jpeg()]
    assert sum(map(len, small)) < 4096
    ok = env.post(env.org.release(env.record(attachments=[entry(small[0], "image/png"),
                                                         entry(small[1])])))
    assert ok.status_code == 201, ok.get_json()


def test_a_schema_breaking_entry_is_refused_before_anything_else(cb_env):
    photo = jpeg()
    for bad in (entry(photo, media_type="image/gif"), {**entry(photo), "data": "no base64!"},
                {**entry(photo), "exif": "x"}):
        answer = cb_env.post(cb_env.org.release(cb_env.record(attachments=[bad])))
        assert answer.status_code == 422
        assert answer.get_json()["error"] == "invalid_package"
