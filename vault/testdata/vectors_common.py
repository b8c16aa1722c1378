"""Shared fixtures of the vector generator: one deterministic key set and raw builders
that can also make the malformed envelopes an attacker or a buggy sender would."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vault.bundle import VerifiedBundle
from vault.canonical import b64encode, canonical_json
from vault.crypto import encrypt_body, header_mac, manifest_commitment, seal_box
from vault.format import TYPE_REPORT, Stanza, assemble, build_header
from vault.kdf import Rng, deterministic_rng
from vault.keys import ReviewerKeyPair
from vault.padding import pad
from vault.receipts import ReceiptKeys, keys_from_master
from vault.testkit import KeySet, make_keyset

SEED = b"haven-vectors/1"


def case(  # noqa: PLR0917 - one positional row per vector reads best
    name: str, kind: str, description: str, inputs: dict[str, Any], expect: str,
    plaintext: Any = None,
) -> dict[str, Any]:
    out = {"name": name, "kind": kind, "description": description, "inputs": inputs,
           "expect": expect}
    if plaintext is not None:
        out["plaintext"] = plaintext
    return out


@dataclass(frozen=True)
class Context:
    keyset: KeySet
    bundle: VerifiedBundle
    other_keyset: KeySet
    outsider: ReviewerKeyPair
    receipt_keys: ReceiptKeys
    today: str = "2026-01-10"
    instance_id: str = "00112233445566778899aabbccddeeff"

    @classmethod
    def create(cls) -> Context:
        keyset = make_keyset(seed=SEED, reviewers=3, triage=2, today="2026-01-10")
        other = make_keyset(seed=SEED + b"/other", reviewers=2, triage=1, today="2026-01-10")
        rng = deterministic_rng(SEED + b"/outsider")
        outsider = ReviewerKeyPair.from_seeds(rng(32), rng(32))
        receipt_keys = keys_from_master(deterministic_rng(SEED + b"/receipt-master")(32))
        return cls(keyset, keyset.verified(), other, outsider, receipt_keys)

    def rng(self, name: str) -> Rng:
        return deterministic_rng(SEED + b"/" + name.encode())

    def opener(self, index: int = 0, doc: dict[str, Any] | None = None) -> dict[str, Any]:
        reviewer = self.keyset.reviewers[index]
        return {
            "bundle": doc or self.keyset.doc,
            "fingerprint": self.keyset.fingerprint,
            "today": self.today,
            "min_serial": 1,
            "key_id": reviewer.key_id,
            "x25519_sk": reviewer.x25519_sk.hex(),
        }

    def reporter(self) -> dict[str, str]:
        return {"signing_pk": b64encode(self.receipt_keys.signing_pk),
                "reply_pk": b64encode(self.receipt_keys.reply_pk)}


def report_plaintext(ctx: Context, fields: dict[str, Any], manifest: list[Any]) -> bytes:
    return pad(canonical_json(
        {"fields": fields, "attachments": manifest, "reporter": ctx.reporter()}
    ))


def raw_envelope(
    rng: Rng,
    recipients: Sequence[tuple[bytes, bytes]],
    plaintext: bytes,
    *,
    report_id: str,
    day: str,
    bundle_sha256: bytes,
    kind: int = TYPE_REPORT,
    manifest: Sequence[Any] = (),
    server_sealed: bool = False,
    report_key: bytes | None = None,
    stanza_keys: Sequence[bytes] | None = None,
    commitment: bytes | None = None,
) -> bytes:
    """Build an envelope from parts: ``recipients`` = (key_id, x25519_pk) pairs;
    ``stanza_keys`` lets each stanza carry its own K (the two-key collision case)."""
    report_key = report_key or rng(32)
    keys = stanza_keys or [report_key] * len(recipients)
    stanzas = [Stanza(kid, seal_box(k, pk, rng)) for (kid, pk), k in zip(recipients, keys,
                                                                         strict=True)]
    header = build_header(
        kind, report_id, bundle_sha256, day, stanzas,
        manifest_commitment=commitment or manifest_commitment(report_key, list(manifest)),
        server_sealed=server_sealed,
    )
    nonce = rng(24)
    body = encrypt_body(report_key, nonce, plaintext, header)
    return assemble(header, header_mac(report_key, header), nonce, body)
