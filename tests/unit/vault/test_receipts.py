"""vault.receipts: 88-bit word receipts, normalisation, argon2id derivation, lookup hash."""

import pytest

from vault.errors import ReceiptInvalid
from vault.kdf import deterministic_rng
from vault.receipts import (
    derive_receipt_keys,
    keys_from_master,
    lookup_hash,
    new_receipt,
    normalise_receipt,
    receipt_as_digits,
    wordlist,
)

INSTANCE = "0123456789abcdef0123456789abcdef"


def test_new_receipt_has_version_and_eight_list_words() -> None:
    receipt = new_receipt()
    version, *words = receipt.split()
    assert version == "1"
    assert len(words) == 8
    assert set(words) <= set(wordlist())
    assert new_receipt() != receipt


def test_all_88_bits_reach_the_words() -> None:
    seen = {new_receipt(deterministic_rng(bytes([i]))) for i in range(50)}
    assert len(seen) == 50


def test_spelling_variants_give_the_same_bytes() -> None:
    receipt = new_receipt(deterministic_rng(b"variants"))
    words = receipt.split()[1:]
    canonical = normalise_receipt(receipt)
    assert len(canonical) == 17
    assert canonical[0] == 1
    for variant in [
        " ".join(words),
        "1-" + "-".join(w.upper() for w in words),
        "  1   " + "\n".join(words) + "  ",
        " ".join(w[0] + "\u0308" + w[1:] for w in words),  # diacritics added
        receipt_as_digits(receipt),
    ]:
        assert normalise_receipt(variant) == canonical, variant


@pytest.mark.parametrize("text", [
    "", "1", "1 abandon", "2 abandon ability able about above absent absorb abstract",
    "1 abandon ability able about above absent absorb xyzzy",
    "1 abandon ability able about above absent absorb abstract absurd",
    "1 2048 ability able about above absent absorb abstract",
])
def test_invalid_receipts_are_refused(text: str) -> None:
    with pytest.raises(ReceiptInvalid):
        normalise_receipt(text)


def test_derivation_is_deterministic_and_separates_keys() -> None:
    receipt = new_receipt(deterministic_rng(b"derive"))
    first = derive_receipt_keys(receipt, INSTANCE)
    again = derive_receipt_keys(receipt.upper(), INSTANCE)
    assert first.lookup_id == again.lookup_id
    assert first.reply_pk == again.reply_pk
    assert first.signing_pk == again.signing_pk
    assert len({first.lookup_id, first.reply_pk, first.signing_pk}) == 3
    other_instance = derive_receipt_keys(receipt, "f" * 32)
    assert other_instance.lookup_id != first.lookup_id
    assert "secret" in repr(first)


def test_lookup_hash_is_keyed() -> None:
    keys = keys_from_master(bytes(32))
    assert lookup_hash(b"p" * 32, keys.lookup_id) != lookup_hash(b"q" * 32, keys.lookup_id)
    assert len(lookup_hash(b"p" * 32, keys.lookup_id)) == 32
    with pytest.raises(ValueError, match="pepper"):
        lookup_hash(b"short", keys.lookup_id)
