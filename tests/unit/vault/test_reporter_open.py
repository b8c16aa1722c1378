"""vault.reporter_open: the reporter's inbox opens and checks reviewer events."""

import pytest

from vault.access import seal_reply
from vault.crypto import seal_box
from vault.errors import EventSignatureBad, UnknownSigner
from vault.events import ZERO_HASH, sign_event
from vault.keys import ReviewerKeyPair
from vault.receipts import keys_from_master
from vault.reporter_open import open_reviewer_events
from vault.testkit import make_keyset

KEYS = make_keyset(seed=b"unit-inbox")
BUNDLE = KEYS.verified()
RECEIPT = keys_from_master(b"i" * 32)
REPORT = "2f4e6a8c-1b3d-4f5a-8b7c-9d0e1f2a3b4c"
REVIEWER = KEYS.reviewers[0]


def _reply(seq: int, prev: bytes, kind: str = "reply", reviewer: ReviewerKeyPair = REVIEWER):  # type: ignore[no-untyped-def]
    return seal_reply(REPORT, seq, prev, kind, {"text": f"r{seq}"}, reviewer=reviewer,
                      reporter_reply_pk=RECEIPT.reply_pk)


def test_replies_open_with_the_receipt_keys() -> None:
    first = _reply(1, ZERO_HASH)
    second = _reply(2, first.event_hash, "withdrawal_ack")
    events = open_reviewer_events([first.envelope, second.envelope], RECEIPT, BUNDLE,
                                  report_id=REPORT)
    assert [(e.seq, e.type, e.signer_key_id) for e in events] == [
        (1, "reply", REVIEWER.key_id), (2, "withdrawal_ack", REVIEWER.key_id)]
    assert open_reviewer_events([], RECEIPT, BUNDLE) == []


def test_another_receipt_cannot_open_or_forge() -> None:
    other = keys_from_master(b"j" * 32)
    with pytest.raises(EventSignatureBad):
        open_reviewer_events([_reply(1, ZERO_HASH).envelope], other, BUNDLE)


def test_signer_must_be_a_current_bundle_key() -> None:
    stranger = ReviewerKeyPair.generate()
    with pytest.raises(UnknownSigner):
        open_reviewer_events([_reply(1, ZERO_HASH, reviewer=stranger).envelope], RECEIPT, BUNDLE)
    doc = KEYS.rebundle(serial=2, issued_at=KEYS.today, revoked=(REVIEWER.key_id,),
                        triage=tuple(k for k in KEYS.triage if k != REVIEWER.key_id) or None)
    from vault.bundle import verify_bundle

    revoked_bundle = verify_bundle(doc, KEYS.fingerprint, today=KEYS.today, min_serial=1)
    with pytest.raises(UnknownSigner):
        open_reviewer_events([_reply(1, ZERO_HASH).envelope], RECEIPT, revoked_bundle)


def test_reporter_typed_event_cannot_pose_as_a_reply() -> None:
    signed = sign_event(REPORT, 1, ZERO_HASH, "message", {}, signing_key=REVIEWER.signing_key)
    sealed = seal_box(bytes.fromhex(REVIEWER.key_id) + signed, RECEIPT.reply_pk)
    with pytest.raises(Exception, match="reporter event"):
        open_reviewer_events([sealed], RECEIPT, BUNDLE)


def test_seal_reply_refuses_reporter_types() -> None:
    with pytest.raises(ValueError, match="reviewer event type"):
        _reply(1, ZERO_HASH, "message")
