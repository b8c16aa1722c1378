"""vault.kdf: crypto_kdf_derive_from_key rebuilt on BLAKE2b, checked against libsodium's
own test vector and its definition."""

import hashlib

import pytest

from vault.kdf import blake2b, derive, deterministic_rng


def test_matches_libsodium() -> None:
    # Computed with libsodium.js 0.8 crypto_kdf_derive_from_key(16, 0, "KDF test", 0..31).
    key = bytes(range(32))
    assert derive(b"KDF test", key, 16, 0).hex() == "e9136a52b9690eb4df4e9665e819a6d3"


def test_definition_matches_hashlib_blake2b() -> None:
    key = bytes(range(32))
    reference = hashlib.blake2b(
        b"", digest_size=32, key=key, salt=(7).to_bytes(8, "little") + bytes(8),
        person=b"hv-field" + bytes(8),
    ).digest()
    assert derive(b"hv-field", key, 32, 7) == reference


def test_contexts_separate_keys() -> None:
    key = bytes(32)
    assert derive(b"hv-hdmac", key) != derive(b"hv-field", key)
    assert derive(b"hv-field", key, subkey_id=1) != derive(b"hv-field", key, subkey_id=2)


@pytest.mark.parametrize(("context", "key", "size"), [
    (b"short", bytes(32), 32), (b"hv-field", bytes(31), 32), (b"hv-field", bytes(32), 65),
])
def test_rejects_bad_parameters(context: bytes, key: bytes, size: int) -> None:
    with pytest.raises(ValueError, match="KDF"):
        derive(context, key, size)


def test_blake2b_unkeyed_and_keyed() -> None:
    assert blake2b(b"abc") == hashlib.blake2b(b"abc", digest_size=32).digest()
    keyed = hashlib.blake2b(b"abc", digest_size=16, key=b"k").digest()
    assert blake2b(b"abc", 16, key=b"k") == keyed


def test_deterministic_rng_is_reproducible() -> None:
    first, second = deterministic_rng(b"s"), deterministic_rng(b"s")
    assert [first(5), first(70)] == [second(5), second(70)]
    assert deterministic_rng(b"t")(8) != deterministic_rng(b"s")(8)
