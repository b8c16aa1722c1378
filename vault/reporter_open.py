"""Opening reviewer events in the reporter's inbox (vault/SPEC.md §6; S1, S9).

The intake's no-JS inbox imports this module; it holds only what opening replies needs
and never imports vault.open.

Public API:
- ``open_reviewer_events(sealed_list: Sequence[bytes], receipt_keys: ReceiptKeys,
  bundle: VerifiedBundle, *, report_id: str | None = None,
  start=(0, ZERO_HASH), from_first_present=False) -> list[OpenedEvent]`` — opens each
  ``crypto_box_seal``'d record with the reply key, checks the signer is a current bundle key
  and the signature, then the chain (replays, forks, reorders, gaps); with
  ``from_first_present`` the chain is checked from the first reply given (the earlier ones
  were deleted after the reporter read them, S6).
"""

from __future__ import annotations

from collections.abc import Sequence

from vault.bundle import VerifiedBundle
from vault.crypto import open_box
from vault.errors import EventMalformed, EventSignatureBad, StanzaOpenFailed
from vault.events import ZERO_HASH, OpenedEvent, parse_signed_event, verify_chain
from vault.receipts import ReceiptKeys

KEY_ID_SIZE = 16


def open_reviewer_event(
    sealed: bytes, receipt_keys: ReceiptKeys, bundle: VerifiedBundle
) -> OpenedEvent:
    try:
        plaintext = open_box(bytes(sealed), receipt_keys.reply_pk, receipt_keys.reply_sk)
    except StanzaOpenFailed:
        raise EventSignatureBad("a reply does not open with this receipt") from None
    if len(plaintext) <= KEY_ID_SIZE:
        raise EventMalformed("a reply is too short")
    signer_id = plaintext[:KEY_ID_SIZE].hex()
    event = parse_signed_event(plaintext[KEY_ID_SIZE:], bundle.signer(signer_id), signer_id)
    if event.direction != "reviewer":
        raise EventMalformed("a reporter event sealed as a reply")
    return event


def open_reviewer_events(
    sealed_list: Sequence[bytes],
    receipt_keys: ReceiptKeys,
    bundle: VerifiedBundle,
    *,
    report_id: str | None = None,
    start: tuple[int, bytes] = (0, ZERO_HASH),
    from_first_present: bool = False,
) -> list[OpenedEvent]:
    events = [open_reviewer_event(sealed, receipt_keys, bundle) for sealed in sealed_list]
    if not events:
        return []
    if from_first_present:
        # Replies the reporter read were deleted (vault.reply_store): what remains is the end
        # of the chain, checked from its first reply on (a gap after it is still refused).
        start = (events[0].seq - 1, events[0].prev_hash)
    verify_chain(
        events, report_id=report_id or events[0].report_id, direction="reviewer", start=start
    )
    return events
