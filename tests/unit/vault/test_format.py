"""vault.format: keyless parsing of envelopes, as the server runs it before storing."""

import pytest

from vault.errors import (
    BadLength,
    MalformedHeader,
    TrailingData,
    Truncated,
    UnknownType,
    UnknownVersion,
)
from vault.format import TYPE_REPORT, parse_envelope, stream_layout
from vault.receipts import keys_from_master
from vault.seal import seal_report
from vault.testkit import make_keyset

KEYS = make_keyset(seed=b"unit-format")
BUNDLE = KEYS.verified()
SEALED = seal_report({"narrative": "n"}, [], BUNDLE, keys_from_master(bytes(32)),
                     day="2026-01-10", server_sealed=True)


def test_parse_exposes_only_what_the_server_may_see() -> None:
    info = parse_envelope(SEALED.envelope)
    assert info.type == TYPE_REPORT
    assert info.report_id == SEALED.report_id
    assert info.day == "2026-01-10"
    assert info.server_sealed is True
    assert info.bundle_sha256 == BUNDLE.sha256
    assert set(info.stanza_key_ids) == set(BUNDLE.triage)
    assert len(info.envelope_hash) == 64


@pytest.mark.parametrize(("data", "error"), [
    (b"", Truncated),
    (b"haven-env", Truncated),
    (b"haven-envelope/9\n" + bytes(200), UnknownVersion),
    (b"GET / HTTP/1.1\r\n\r\n", UnknownVersion),
    (SEALED.envelope[:17] + b"\x07" + SEALED.envelope[18:], UnknownType),
    (SEALED.envelope[:76] + b"\x21" + SEALED.envelope[77:], BadLength),
    (SEALED.envelope + b"x", TrailingData),
    (SEALED.envelope[:-1], Truncated),
    (SEALED.envelope[:66] + b"2026/01/10" + SEALED.envelope[76:], MalformedHeader),
])
def test_structural_rejects(data: bytes, error: type) -> None:
    with pytest.raises(error):
        parse_envelope(data)


def test_unsorted_stanzas_are_malformed() -> None:
    env = SEALED.envelope
    first, second = env[77 : 77 + 96], env[77 + 96 : 77 + 192]
    with pytest.raises(MalformedHeader):
        parse_envelope(env[:77] + second + first + env[77 + 192 :])


def test_stream_layout_limits() -> None:
    assert stream_layout(0) == (0, 1, 41)
    with pytest.raises(ValueError, match="attachment"):
        stream_layout(500 * 1024 * 1024 + 1)
