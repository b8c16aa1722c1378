"""Chunked, resumable uploads of encrypted attachments (SPEC §9 steps 1–2), as plain functions.

The upload id handed to the client is ``<vault upload id>.<blob_id>.<ct_len>.<chunk_count>.
<mac>``, the MAC keyed from the instance's lookup pepper: the declaration travels with the id,
survives a restart (so uploads resume after a dropped connection or a server restart) and
cannot be altered, and the vault's upload table stays free of anything but counters.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from intake.errors import UploadError

_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Declaration:
    blob_id: str
    ct_len: int
    chunk_count: int

    def binding(self) -> str:
        """What a proof of work for this upload pays for."""
        text = f"{self.blob_id}:{self.ct_len}:{self.chunk_count}"
        return hashlib.sha256(text.encode("ascii")).hexdigest()


def parse_declaration(body: object, max_ct_len: int) -> Declaration:
    from vault.format import check_blob_declaration

    if not isinstance(body, dict):
        raise UploadError("expected a JSON object")
    blob_id, ct_len, chunk_count = body.get("blob_id"), body.get("ct_len"), body.get("chunk_count")
    if not isinstance(blob_id, str) or not _HEX64.fullmatch(blob_id):
        raise UploadError("blob_id must be 64 lowercase hex digits")
    for name, value in (("ct_len", ct_len), ("chunk_count", chunk_count)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise UploadError(f"{name} must be a whole number >= 1")
    if int(ct_len) > max_ct_len:
        from intake.errors import TooLarge

        raise TooLarge("this file is larger than the site accepts (500 MB)")
    check_blob_declaration(ct_len, chunk_count)
    return Declaration(blob_id, int(ct_len), int(chunk_count))


def upload_token(key: bytes, vault_upload_id: str, declaration: Declaration) -> str:
    body = (f"{vault_upload_id}.{declaration.blob_id}.{declaration.ct_len}."
            f"{declaration.chunk_count}")
    return f"{body}.{_mac(key, body)}"


def read_token(key: bytes, token: str) -> tuple[str, Declaration]:
    from vault.errors import UnknownUpload

    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 5:  # noqa: PLR2004 - id, blob, length, count, mac
        raise UnknownUpload("no such upload")
    body, mac = token.rsplit(".", 1)
    if not hmac.compare_digest(_mac(key, body), mac):
        raise UnknownUpload("no such upload")
    vault_id, blob_id, ct_len, chunk_count = body.split(".")
    return vault_id, Declaration(blob_id, int(ct_len), int(chunk_count))


def _mac(key: bytes, body: str) -> str:
    derived = hashlib.blake2b(key, digest_size=32, person=b"haven-upload-id").digest()
    return hmac.new(derived, body.encode("ascii"), hashlib.sha256).hexdigest()[:32]
