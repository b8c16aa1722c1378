"""vault.padding: buckets shared by fields and events, Padmé for files."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.errors import BadPadding, FieldsTooLarge
from vault.padding import MAX_BUCKET, MIN_BUCKET, bucket_for, is_bucket, pad, padme, unpad


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=5000))
def test_pad_round_trip_lands_on_a_bucket(data: bytes) -> None:
    padded = pad(data)
    assert is_bucket(len(padded))
    assert len(padded) >= MIN_BUCKET
    assert unpad(padded) == data


def test_sizes_share_buckets() -> None:
    assert len(pad(b"a")) == len(pad(b"a" * 1000)) == MIN_BUCKET
    assert len(pad(b"a" * 1023)) == 1024
    assert len(pad(b"a" * 1024)) == 2048


def test_too_large_is_refused() -> None:
    with pytest.raises(FieldsTooLarge):
        bucket_for(MAX_BUCKET)


@pytest.mark.parametrize("padded", [
    bytes(1024), b"x" * 1023 + b"\x00", b"x" * 1000 + b"\x80" + b"\x01" + bytes(22),
    b"\x80" + bytes(1022),
])
def test_bad_padding_is_rejected(padded: bytes) -> None:
    with pytest.raises(BadPadding):
        unpad(padded)


def test_padme_known_values_and_overhead() -> None:
    assert [padme(n) for n in (0, 1, 2, 9, 100, 1000, 65537)] == [0, 1, 2, 10, 104, 1024, 67584]
    for n in range(2, 70000, 97):
        assert n <= padme(n) <= n * 1.12
        assert padme(padme(n)) == padme(n)
