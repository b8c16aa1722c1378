"""Hashing and key derivation shared by every envelope module (vault/SPEC.md §1).

- ``derive(context, key, size=32, subkey_id=1)``: libsodium's ``crypto_kdf_derive_from_key``
  rebuilt on BLAKE2b (PyNaCl has no binding): BLAKE2b keyed with ``key``, empty message,
  salt = subkey id as 8-byte little-endian ‖ 8 zero bytes, personal = context ‖ 8 zero bytes.
- ``blake2b(data, size=32, key=b"")``: libsodium's ``crypto_generichash``.
- ``Rng``: the type of injected randomness (vector generation only); ``system_rng``.
"""

from __future__ import annotations

from collections.abc import Callable

import nacl.utils
from nacl.encoding import RawEncoder
from nacl.hash import blake2b as _blake2b

KDF_CONTEXT_BYTES = 8
KDF_KEY_BYTES = 32
KEY_BYTES = 32  # every symmetric, X25519 and Ed25519 key/seed in Haven
SIGNATURE_BYTES = 64
KDF_MIN_BYTES, KDF_MAX_BYTES = 16, 64

CTX_HEADER_MAC = b"hv-hdmac"
CTX_FIELDS = b"hv-field"
CTX_MANIFEST = b"hv-manif"
CTX_LOOKUP = b"hv-lookp"
CTX_REPLY = b"hv-reply"
CTX_SIGNING = b"hv-signk"

Rng = Callable[[int], bytes]


def system_rng(size: int) -> bytes:
    return nacl.utils.random(size)


def blake2b(data: bytes, size: int = 32, key: bytes = b"") -> bytes:
    """crypto_generichash(size, data, key): unkeyed when ``key`` is empty."""
    return _blake2b(data, digest_size=size, key=key, encoder=RawEncoder)


def derive(context: bytes, key: bytes, size: int = 32, subkey_id: int = 1) -> bytes:
    """crypto_kdf_derive_from_key(size, subkey_id, context, key)."""
    if len(context) != KDF_CONTEXT_BYTES:
        raise ValueError("a KDF context is exactly 8 bytes")
    if len(key) != KDF_KEY_BYTES:
        raise ValueError("a KDF master key is exactly 32 bytes")
    if not KDF_MIN_BYTES <= size <= KDF_MAX_BYTES:
        raise ValueError("a KDF subkey is 16 to 64 bytes")
    salt = subkey_id.to_bytes(8, "little") + bytes(8)
    person = context + bytes(8)
    return _blake2b(
        b"", digest_size=size, key=key, salt=salt, person=person, encoder=RawEncoder
    )


def deterministic_rng(seed: bytes) -> Rng:
    """A reproducible byte source for test vectors only: BLAKE2b-512(seed ‖ counter) blocks."""
    counter = 0
    pool = bytearray()

    def rng(size: int) -> bytes:
        nonlocal counter
        while len(pool) < size:
            pool.extend(blake2b(seed + counter.to_bytes(8, "big"), 64))
            counter += 1
        out = bytes(pool[:size])
        del pool[:size]
        return out

    return rng
