"""Envelope primitives on PyNaCl (vault/SPEC.md §1, §4): sealed boxes, the header MAC,
the fields AEAD and the manifest commitment. No policy here; vault.seal/vault.open use it.

- ``seal_box(message, recipient_pk, rng=None) -> bytes``: crypto_box_seal; with an injected
  ``rng`` it is rebuilt from a fixed ephemeral seed (byte-identical construction) so vectors
  are reproducible.
- ``open_box(sealed, pk, sk) -> bytes`` (raises StanzaOpenFailed).
- ``header_mac(K, header)``, ``check_header_mac(K, header, mac)``.
- ``encrypt_body(K, nonce, plaintext, header)``, ``decrypt_body(K, nonce, body, header)``.
- ``manifest_commitment(K, attachments: list) -> bytes``.
"""

from __future__ import annotations

import hmac
from typing import Any

import nacl.bindings as sodium
from nacl.exceptions import CryptoError

from vault.canonical import canonical_json
from vault.errors import FieldsAuthFailed, HeaderMacMismatch, StanzaOpenFailed
from vault.kdf import CTX_FIELDS, CTX_HEADER_MAC, CTX_MANIFEST, Rng, blake2b, derive


def seal_box(message: bytes, recipient_pk: bytes, rng: Rng | None = None) -> bytes:
    if rng is None:
        return sodium.crypto_box_seal(message, recipient_pk)
    eph_pk, eph_sk = sodium.crypto_box_seed_keypair(rng(32))
    nonce = blake2b(eph_pk + recipient_pk, 24)
    return eph_pk + sodium.crypto_box_easy(message, nonce, recipient_pk, eph_sk)


def open_box(sealed: bytes, pk: bytes, sk: bytes) -> bytes:
    try:
        return sodium.crypto_box_seal_open(sealed, pk, sk)
    except (CryptoError, ValueError, TypeError):
        raise StanzaOpenFailed("the sealed key does not open with this key") from None


def header_mac(report_key: bytes, header: bytes) -> bytes:
    return blake2b(header, 32, key=derive(CTX_HEADER_MAC, report_key))


def check_header_mac(report_key: bytes, header: bytes, mac: bytes) -> None:
    if not hmac.compare_digest(header_mac(report_key, header), mac):
        raise HeaderMacMismatch("the header MAC does not match: header or key tampered")


def encrypt_body(report_key: bytes, nonce: bytes, plaintext: bytes, header: bytes) -> bytes:
    return sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, header, nonce, derive(CTX_FIELDS, report_key)
    )


def decrypt_body(report_key: bytes, nonce: bytes, body: bytes, header: bytes) -> bytes:
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            body, header, nonce, derive(CTX_FIELDS, report_key)
        )
    except CryptoError:
        raise FieldsAuthFailed("the fields do not authenticate") from None


def manifest_commitment(report_key: bytes, attachments: list[Any]) -> bytes:
    return blake2b(canonical_json(attachments), 32, key=derive(CTX_MANIFEST, report_key))
