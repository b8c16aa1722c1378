"""SPEC §9 steps 1–2: declare an encrypted attachment, then PUT its wire chunks in order.

Memory stays flat in the file size: one chunk (at most 65,553 bytes) is read per request,
appended and fsynced by vault.uploads; the complete blob is hashed by streaming it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from intake.request_body import json_body, pow_fields, read_capped
from intake.storage import max_ciphertext, wire_chunk_max
from intake.upload_api import parse_declaration, read_token, upload_token

uploads_api = Blueprint("uploads_api", __name__, url_prefix="/api/v1/uploads")


def services():
    return current_app.extensions["haven_intake"]


@uploads_api.post("")
def begin():
    svc = services()
    body = json_body(max_bytes=4096)
    declaration = parse_declaration(body, max_ciphertext(svc.intake_config.max_file_bytes))
    challenge, counter = pow_fields(body)
    svc.pow.verify(challenge, counter, scope="upload", binding=declaration.binding())
    from vault.db import transaction

    with transaction(svc.sessions) as session:
        vault_id = svc.uploads.begin_upload(session, declaration.chunk_count + 1)
    return jsonify(upload_id=upload_token(svc.pepper, vault_id, declaration)), 201


@uploads_api.put("/<token>/chunks/<int:index>")
def put_chunk(token: str, index: int):
    svc = services()
    vault_id, declaration = read_token(svc.pepper, token)
    data = read_capped(wire_chunk_max())
    from vault.db import transaction

    with transaction(svc.sessions) as session:
        next_index = svc.uploads.put_chunk(session, vault_id, index, data)
        if next_index == declaration.chunk_count + 1 and index == declaration.chunk_count:
            finish(svc, session, vault_id, declaration)
    return "", 204


def finish(svc, session, vault_id: str, declaration) -> None:
    """Hash the complete blob; it must be exactly what was declared (SPEC §9 step 2)."""
    from vault.errors import ManifestMismatch

    status = svc.uploads.upload_status(session, vault_id)
    if status.received_bytes != declaration.ct_len:
        raise ManifestMismatch("the upload's length differs from its declaration")
    blob_id = svc.uploads.finish_upload(session, vault_id)
    if blob_id != declaration.blob_id:
        raise ManifestMismatch("the upload's content does not hash to its declared blob id")


@uploads_api.get("/<token>")
def status(token: str):
    """Where to resume: the next chunk index, or complete once the blob is stored."""
    svc = services()
    vault_id, declaration = read_token(svc.pepper, token)
    from vault.blobs import blob_info
    from vault.db import transaction
    from vault.errors import UnknownBlob, UnknownUpload

    with transaction(svc.sessions) as session:
        try:
            state = svc.uploads.upload_status(session, vault_id)
        except UnknownUpload:
            try:
                blob_info(session, declaration.blob_id)
            except UnknownBlob:
                raise UnknownUpload("no such upload") from None
            return jsonify(complete=True, next_index=declaration.chunk_count + 1)
    return jsonify(complete=False, next_index=state.next_index)

