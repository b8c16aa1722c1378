"""Burn my receipt (S6): the reporter makes their receipt useless from now on.

The reporter's signed, sealed ``receipt_burned`` event (vault/SPEC.md §6.1) is stored, and in
the same transaction the receipt lookup is removed and every reply, the reporter-sealed
status and the reporter's sealed chain head are deleted (``vault.reply_store.burn_receipt``).
Afterwards the receipt reaches the same ``UnknownReceipt`` as a receipt that never existed —
same code path, same page, same status — so a seized receipt opens nothing and tells
nothing. The report stays for the reviewers: burning is not withdrawing.

The audit entry says that a receipt was burned and how many replies went, and names no
report: the intake holds no audit-target key, and needs none for this.
"""

from __future__ import annotations

from intake.errors import BadRequestBody, TooLarge
from intake.submissions import EVENT_TYPE, checked_envelope

REPORTER_ACTOR = "reporter"


def burn_from_json(services, body: dict) -> None:
    """The JSON path: ``{"lookup_id", "envelope", "seq"}`` → ``burn``."""
    from intake.inbox import lookup_from
    from vault.canonical import b64decode
    from vault.errors import BadEncoding

    lookup_id = lookup_from(body)
    try:
        envelope = b64decode(body.get("envelope"))  # type: ignore[arg-type]
    except BadEncoding:
        raise BadRequestBody("envelope must be unpadded base64url") from None
    seq = body.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise BadRequestBody("seq must be a whole number >= 1")
    burn(services, lookup_id, envelope, seq=seq, server_sealed=False)


def burn(services, lookup_id: bytes, envelope: bytes, *, seq: int, server_sealed: bool) -> int:
    """Store the signed burn event and burn the receipt, all or nothing; returns how many
    replies were deleted."""
    from intake.inbox import append_reporter_event
    from vault import audit
    from vault.canonical import utc_day
    from vault.db import transaction
    from vault.reply_store import burn_receipt

    if len(envelope) > services.intake_config.max_envelope_bytes:
        raise TooLarge("this message is larger than the site accepts")
    parsed = checked_envelope(envelope, services.bundle, expected_type=EVENT_TYPE,
                              server_sealed=server_sealed)
    day = utc_day()
    with transaction(services.sessions) as session:
        record = append_reporter_event(session, services, lookup_id, parsed.report_id,
                                       envelope, seq=seq, day=day)
        burned = burn_receipt(session, record.id, day)
        audit.append(session, actor=REPORTER_ACTOR, action="receipt.burn", day=day,
                     detail={"replies_deleted": burned.replies_deleted})
    return burned.replies_deleted
