"""vault.events: signed messages, chain rules (§6.2) and the consent fold (§6.3)."""

import pytest
from nacl.signing import SigningKey

from vault.errors import (
    BadPadding,
    EventFork,
    EventMalformed,
    EventReordered,
    EventReplay,
    EventSequenceGap,
    EventSignatureBad,
)
from vault.events import (
    ZERO_HASH,
    build_signed_message,
    consent_state,
    parse_signed_event,
    sign_event,
    verify_chain,
)

REPORT = "5b1e4f0a-7c2d-4e8f-9a1b-2c3d4e5f6a7b"
KEY = SigningKey(b"k" * 32)
OTHER = SigningKey(b"x" * 32)
SCOPES = ["contact", "un_confidential", "public_advocacy"]


def _event(seq, prev, kind="message", payload=None, *, key=KEY, report=REPORT):  # type: ignore[no-untyped-def]
    return parse_signed_event(
        sign_event(report, seq, prev, kind, payload or {"n": seq}, signing_key=key),
        key.verify_key,
    )


def _chain(n: int) -> list:  # type: ignore[type-arg]
    events, prev = [], ZERO_HASH
    for seq in range(1, n + 1):
        events.append(_event(seq, prev))
        prev = events[-1].event_hash
    return events


def test_signed_message_layout() -> None:
    message = build_signed_message(REPORT, 7, ZERO_HASH, "consent_change", {"a": 1})
    assert message.startswith(b"haven-event/1\x00")
    assert message[30:34] == (7).to_bytes(4, "big")
    assert message[66] == 0x03
    assert len(message) - 67 == 1024


def test_valid_chain_passes_and_a_suffix_can_be_checked() -> None:
    events = _chain(4)
    verify_chain(events, report_id=REPORT, direction="reporter")
    verify_chain(events[2:], report_id=REPORT, direction="reporter",
                 start=(2, events[1].event_hash))


@pytest.mark.parametrize(("arrange", "error"), [
    (lambda e: [e[0], e[1], e[1]], EventReplay),
    (lambda e: [e[0], e[2], e[1]], EventReordered),
    (lambda e: [e[0], e[2]], EventSequenceGap),
    (lambda e: [e[1], e[2]], EventSequenceGap),
    (lambda e: [e[0], _event(2, ZERO_HASH)], EventFork),
    (lambda e: [e[0], e[1], _event(2, e[0].event_hash, payload={"other": 1})], EventFork),
    (lambda e: [_event(1, ZERO_HASH, report="0b2f6c1e-58a4-4b43-9d2e-1f2a3b4c5d6e")],
     EventReplay),
    (lambda e: [_event(1, ZERO_HASH, kind="reply")], EventMalformed),
])
def test_chain_rejects(arrange, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        verify_chain(arrange(_chain(3)), report_id=REPORT, direction="reporter")


def test_signature_and_shape_checks() -> None:
    data = sign_event(REPORT, 1, ZERO_HASH, "message", {"t": "x"}, signing_key=KEY)
    with pytest.raises(EventSignatureBad):
        parse_signed_event(data, OTHER.verify_key)
    tampered = data[:-1] + b"\x01"
    with pytest.raises(EventSignatureBad):
        parse_signed_event(tampered, KEY.verify_key)
    with pytest.raises(EventMalformed):
        parse_signed_event(data[:50], KEY.verify_key)
    message = build_signed_message(REPORT, 1, ZERO_HASH, "message", {})
    unpadded = message[:-1] + b"\x07"
    with pytest.raises(BadPadding):
        parse_signed_event(KEY.sign(unpadded).signature + unpadded, KEY.verify_key)
    with pytest.raises(ValueError, match="unknown event type"):
        build_signed_message(REPORT, 1, ZERO_HASH, "nonsense", {})


def _consent(scopes: dict, given_by: str = "victim", day: str = "2026-01-10") -> dict:  # type: ignore[type-arg]
    return {"scopes": scopes, "given_by": given_by, "risks_explained": True, "day": day,
            "how": "form"}


def test_consent_fold_counts_only_signed_events_and_right_givers() -> None:
    initial = _consent({"contact": "grant"})
    grant = _event(1, ZERO_HASH, "consent_change", _consent({"un_confidential": "grant"}))
    forged = _event(2, grant.event_hash, "consent_change",
                    _consent({"public_advocacy": "grant"}), key=OTHER)
    not_asked = _event(2, grant.event_hash, "consent_change",
                       _consent({"public_advocacy": "grant"}, given_by="not_asked"))
    state = consent_state([grant, forged, not_asked], bytes(KEY.verify_key), initial=initial,
                          scopes=SCOPES)
    assert state.granted == {"contact", "un_confidential"}
    assert state.allows("un_confidential")
    assert not state.allows("public_advocacy")
    assert state.counted_events == 3  # initial, grant, the not_asked change (no effect)


def test_withdrawal_stops_every_scope() -> None:
    grant = _event(1, ZERO_HASH, "consent_change", _consent({"contact": "grant"}))
    scoped = _event(2, grant.event_hash, "consent_change", _consent({"contact": "withdraw"}))
    state = consent_state([grant, scoped], bytes(KEY.verify_key), scopes=SCOPES)
    assert state.granted == frozenset()
    assert "contact" in state.withdrawn
    whole = _event(2, grant.event_hash, "withdrawal", {"day": "2026-01-11"})
    after = consent_state([grant, whole], bytes(KEY.verify_key), scopes=SCOPES)
    assert after.report_withdrawn
    assert not after.allows("contact")


def test_consent_uses_the_taxonomy_scopes_by_default() -> None:
    grant = _event(1, ZERO_HASH, "consent_change",
                   _consent({"casebase_anonymized": "grant", "made_up": "grant"}))
    state = consent_state([grant], bytes(KEY.verify_key))
    assert state.granted == {"casebase_anonymized"}


def test_payload_outside_json_is_refused_by_name() -> None:
    from vault.errors import FieldsMalformed

    with pytest.raises(FieldsMalformed):
        sign_event(REPORT, 1, ZERO_HASH, "message", {"n": 2**60}, signing_key=KEY)
