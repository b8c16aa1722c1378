"""Receipts and the keys derived from them (vault/SPEC.md §3, S4).

Public API:
- ``new_receipt(rng=None) -> str`` — ``"1 word word … word"`` (8 BIP-39 words, 88 bits).
- ``normalise_receipt(text) -> bytes`` — 17 canonical bytes (version ‖ 8 × u16 indices);
  raises ReceiptInvalid.
- ``receipt_as_digits(text) -> str`` — the same receipt as 8 groups of 4 digits.
- ``receipt_salt(instance_id) -> bytes``; ``receipt_master(receipt, instance_id) -> bytes``.
- ``derive_receipt_keys(receipt, instance_id) -> ReceiptKeys`` (frozen: lookup_id, reply_sk,
  reply_pk, signing_sk, signing_pk).
- ``keys_from_master(master) -> ReceiptKeys``; ``lookup_hash(pepper, lookup_id) -> bytes``.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import nacl.bindings
from nacl.pwhash import argon2id
from nacl.signing import SigningKey

from vault.errors import ReceiptInvalid
from vault.kdf import CTX_LOOKUP, CTX_REPLY, CTX_SIGNING, Rng, blake2b, derive, system_rng

RECEIPT_VERSION = 1
RECEIPT_WORDS = 8
WORDLIST_SIZE = 2048
ARGON2_OPSLIMIT = 2
ARGON2_MEMLIMIT = 16 * 1024 * 1024
SALT_LABEL = b"haven-receipt/1"
DIGIT_GROUP = 4  # a word written as its index: 0000–2047
PREFIX_LETTERS = 4  # BIP-39 words are unique in their first 4 letters
MIN_PEPPER_BYTES = 16
MAX_CONCURRENT_DERIVATIONS = 4
# Bound concurrent argon2id runs in one process (S4): each holds 16 MiB.
_derivation_slots = threading.BoundedSemaphore(MAX_CONCURRENT_DERIVATIONS)


@dataclass(frozen=True)
class ReceiptKeys:
    lookup_id: bytes
    reply_sk: bytes
    reply_pk: bytes
    signing_sk: SigningKey
    signing_pk: bytes

    def __repr__(self) -> str:  # never print secrets
        return "ReceiptKeys(<secret>)"


@cache
def wordlist() -> tuple[str, ...]:
    text = resources.files("vault").joinpath("data/wordlist-en.txt").read_text("utf-8")
    words = tuple(text.split())
    if len(words) != WORDLIST_SIZE:
        raise RuntimeError("the receipt wordlist must hold 2048 words")
    return words


@cache
def _indices() -> tuple[dict[str, int], dict[str, int]]:
    exact = {word: i for i, word in enumerate(wordlist())}
    prefixes = {word[:PREFIX_LETTERS]: i for i, word in enumerate(wordlist())}
    return exact, prefixes


def new_receipt(rng: Rng | None = None) -> str:
    rng = rng or system_rng
    raw = int.from_bytes(rng(11), "big")  # 88 bits = 8 × 11
    words = wordlist()
    picks = [(raw >> (11 * (7 - i))) & 0x7FF for i in range(RECEIPT_WORDS)]
    return " ".join([str(RECEIPT_VERSION), *(words[i] for i in picks)])


def _tokens(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    lowered = stripped.lower()
    cleaned = "".join(c if ("a" <= c <= "z" or "0" <= c <= "9") else " " for c in lowered)
    return cleaned.split()


def _index(token: str) -> int:
    exact, prefixes = _indices()
    if token.isdigit():
        if len(token) == DIGIT_GROUP and int(token) < WORDLIST_SIZE:
            return int(token)
        raise ReceiptInvalid("a number in a receipt is 4 digits from 0000 to 2047")
    if token in exact:
        return exact[token]
    if len(token) >= PREFIX_LETTERS and token.isalpha() and token[:PREFIX_LETTERS] in prefixes:
        return prefixes[token[:PREFIX_LETTERS]]
    raise ReceiptInvalid("a word of this receipt is not in the list")


def _receipt_indices(text: str) -> list[int]:
    if not isinstance(text, str):
        raise ReceiptInvalid("a receipt is text")
    tokens = _tokens(text)
    if tokens and len(tokens[0]) == 1 and tokens[0].isdigit():
        if tokens[0] != str(RECEIPT_VERSION):
            raise ReceiptInvalid("this receipt version is not supported")
        tokens = tokens[1:]
    if len(tokens) != RECEIPT_WORDS:
        raise ReceiptInvalid(f"a receipt has {RECEIPT_WORDS} words")
    return [_index(token) for token in tokens]


def normalise_receipt(text: str) -> bytes:
    """Canonical receipt bytes: 0x01 ‖ u16 big-endian index × 8 (17 bytes)."""
    indices = _receipt_indices(text)
    return bytes([RECEIPT_VERSION]) + b"".join(i.to_bytes(2, "big") for i in indices)


def receipt_as_digits(text: str) -> str:
    return " ".join([str(RECEIPT_VERSION), *(f"{i:04d}" for i in _receipt_indices(text))])


def receipt_salt(instance_id: str) -> bytes:
    return blake2b(SALT_LABEL + instance_id.encode("ascii"), 16)


def receipt_master(receipt: str, instance_id: str) -> bytes:
    canonical = normalise_receipt(receipt)
    with _derivation_slots:
        return argon2id.kdf(
            32,
            canonical,
            receipt_salt(instance_id),
            opslimit=ARGON2_OPSLIMIT,
            memlimit=ARGON2_MEMLIMIT,
        )


def keys_from_master(master: bytes) -> ReceiptKeys:
    reply_pk, reply_sk = nacl.bindings.crypto_box_seed_keypair(derive(CTX_REPLY, master))
    signing_sk = SigningKey(derive(CTX_SIGNING, master))
    return ReceiptKeys(
        lookup_id=derive(CTX_LOOKUP, master),
        reply_sk=reply_sk,
        reply_pk=reply_pk,
        signing_sk=signing_sk,
        signing_pk=bytes(signing_sk.verify_key),
    )


def derive_receipt_keys(receipt: str, instance_id: str) -> ReceiptKeys:
    return keys_from_master(receipt_master(receipt, instance_id))


def lookup_hash(pepper: bytes, lookup_id: bytes) -> bytes:
    """What the server stores for O(1) lookup: BLAKE2b-256(key = pepper, lookup_id)."""
    if len(pepper) < MIN_PEPPER_BYTES:
        raise ValueError("the lookup pepper is at least 16 bytes")
    return blake2b(lookup_id, 32, key=pepper)
