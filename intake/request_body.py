"""Reading request bodies under a cap, without trusting Content-Length and without buffering
more than the cap (a body over the cap is refused with 413 before it is all read)."""

from __future__ import annotations

import json

from flask import request
from flask_babel import gettext as _

from intake.errors import BadRequestBody, ProofOfWorkError, TooLarge

READ_BLOCK = 64 * 1024


def read_capped(max_bytes: int) -> bytes:
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        raise TooLarge(_("This is larger than the site accepts."))
    stream = request.stream
    parts, total = [], 0
    while True:
        block = stream.read(min(READ_BLOCK, max_bytes + 1 - total))
        if not block:
            break
        parts.append(block)
        total += len(block)
        if total > max_bytes:
            raise TooLarge(_("This is larger than the site accepts."))
    return b"".join(parts)


def json_body(max_bytes: int) -> dict:
    raw = read_capped(max_bytes)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequestBody("the body must be JSON") from None
    if not isinstance(body, dict):
        raise BadRequestBody("the body must be a JSON object")
    return body


def pow_fields(body: dict) -> tuple[str, str]:
    proof = body.get("pow")
    if not isinstance(proof, dict):
        raise ProofOfWorkError("this request needs a proof of work (GET /api/v1/pow)")
    challenge, counter = proof.get("challenge"), proof.get("counter")
    if not isinstance(challenge, str) or not isinstance(counter, str):
        raise ProofOfWorkError("pow needs challenge and counter as text")
    return challenge, counter
