"""A genuine XChaCha20-Poly1305 two-key collision (the S2 attack the header MAC stops).

Poly1305 is linear in the message blocks, so with one free 16-byte ciphertext block a sender
can solve for a ciphertext whose tag verifies under two different keys (Len, Grubbs and
Ristenpart, "Partitioning Oracle Attacks", 2021). ``colliding_body`` returns such a body for
the fields keys of K1 and K2 with the given nonce and AAD; both decrypt without error.
"""

from __future__ import annotations

import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

from vault.kdf import CTX_FIELDS, Rng, derive

P1305 = (1 << 130) - 5
MASK32 = 0xFFFFFFFF


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) & MASK32) | (value >> (32 - shift))


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32
    s[b] = _rotl(s[b] ^ s[c], 7)


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574,
             *struct.unpack("<8I", key), *struct.unpack("<4I", nonce16)]
    for _ in range(10):
        for a, b, c, d in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                           (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
            _quarter(state, a, b, c, d)
    return struct.pack("<8I", *(state[0:4] + state[12:16]))


def _poly_key(fields_key: bytes, nonce: bytes) -> tuple[int, int]:
    subkey = hchacha20(fields_key, nonce[:16])
    ietf_nonce = bytes(4) + nonce[16:]
    block = Cipher(algorithms.ChaCha20(subkey, bytes(4) + ietf_nonce), mode=None).encryptor()
    key = block.update(bytes(32))
    r = int.from_bytes(key[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    return r, int.from_bytes(key[16:], "little")


def _blocks(aad: bytes, ciphertext: bytes) -> list[int]:
    def padded(data: bytes) -> bytes:
        return data + bytes(-len(data) % 16)

    data = padded(aad) + padded(ciphertext) + struct.pack("<QQ", len(aad), len(ciphertext))
    return [int.from_bytes(data[i : i + 16], "little") + (1 << 128)
            for i in range(0, len(data), 16)]


def _poly(blocks: list[int], r: int, skip: int) -> int:
    acc = 0
    for index, block in enumerate(blocks):
        acc = (acc + (0 if index == skip else block)) * r % P1305
    return acc


def colliding_body(k1: bytes, k2: bytes, nonce: bytes, aad: bytes, *, length: int,
                   rng: Rng) -> bytes:
    """ciphertext ‖ tag of ``length`` ciphertext bytes that authenticates under both keys."""
    (r1, s1), (r2, s2) = (_poly_key(derive(CTX_FIELDS, k), nonce) for k in (k1, k2))
    free = (len(aad) + 15) // 16  # the first ciphertext block
    target = (s2 - s1) % (1 << 128)
    for _attempt in range(200):
        ciphertext = bytearray(rng(length))
        blocks = _blocks(aad, bytes(ciphertext))
        power = len(blocks) - free
        h1, h2 = _poly(blocks, r1, free), _poly(blocks, r2, free)
        denominator = (pow(r1, power, P1305) - pow(r2, power, P1305)) % P1305
        x_full = (target - h1 + h2) * pow(denominator, -1, P1305) % P1305
        if not (1 << 128) <= x_full < (1 << 129):
            continue
        ciphertext[:16] = (x_full - (1 << 128)).to_bytes(16, "little")
        blocks = _blocks(aad, bytes(ciphertext))
        t1 = (_poly(blocks, r1, -1) + s1) % (1 << 128)
        t2 = (_poly(blocks, r2, -1) + s2) % (1 << 128)
        if t1 == t2:
            return bytes(ciphertext) + t1.to_bytes(16, "little")
    raise RuntimeError("no collision found")
