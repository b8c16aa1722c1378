"""Rebuild the haven-envelope/1 test vectors deterministically (vault/SPEC.md §11).

    python vault/testdata/generate.py          # writes vault/testdata/*.json

Every random value comes from a BLAKE2b stream seeded by the case name, so a run gives the
same bytes every time. ``build_all()`` returns ``{file name: case}`` without writing (the
test suite checks that the files on disk equal it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PREFIX = 4  # receipt words may be shortened to their first 4 letters
sys.path.insert(0, str(HERE))

from vectors_common import Context, case  # noqa: E402
from vectors_envelopes import envelope_cases  # noqa: E402
from vectors_streams import attachment_cases, event_cases, reviewer_event_cases  # noqa: E402

from vault.bundle import build_bundle  # noqa: E402
from vault.canonical import b64decode, b64encode  # noqa: E402
from vault.kdf import derive  # noqa: E402
from vault.keys import add_days, certify_subkey, key_id  # noqa: E402
from vault.padding import padme  # noqa: E402
from vault.receipts import (  # noqa: E402
    derive_receipt_keys,
    new_receipt,
    normalise_receipt,
    receipt_master,
    receipt_salt,
)


def kdf_cases(ctx: Context) -> list[dict[str, Any]]:
    key = bytes(range(32))
    rows = [
        {"context": c, "subkey_id": i, "size": n, "output": derive(c.encode(), key, n, i).hex()}
        for c, i, n in [("hv-hdmac", 1, 32), ("hv-field", 1, 32), ("hv-lookp", 1, 32),
                        ("KDF_TEST", 0, 16), ("KDF_TEST", 2**40 + 5, 64)]
    ]
    return [case("kdf-kat", "kdf", "crypto_kdf_derive_from_key known answers",
                 {"key": key.hex(), "derivations": rows}, "success")]


def receipt_cases(ctx: Context) -> list[dict[str, Any]]:
    receipt = new_receipt(ctx.rng("receipt"))
    keys = derive_receipt_keys(receipt, ctx.instance_id)
    words = receipt.split()[1:]
    indices = normalise_receipt(receipt)[1:]
    digits = " ".join(f"{int.from_bytes(indices[i : i + 2], 'big'):04d}" for i in range(0, 16, 2))
    variants = [
        receipt,
        "  " + " - ".join(w.upper() for w in words) + " ",
        " ".join([words[0].title(), *words[1:]]),
        " ".join([words[0][0] + "\u0301" + words[0][1:], *words[1:]]),
        " ".join(w[:PREFIX] if len(w) > PREFIX else w for w in words),
        "1 " + digits,
    ]
    expected = {
        "canonical": normalise_receipt(receipt).hex(),
        "salt": receipt_salt(ctx.instance_id).hex(),
        "master": receipt_master(receipt, ctx.instance_id).hex(),
        "lookup_id": b64encode(keys.lookup_id),
        "reply_pk": b64encode(keys.reply_pk),
        "signing_pk": b64encode(keys.signing_pk),
    }
    inputs = {"receipt": receipt, "variants": variants, "instance_id": ctx.instance_id,
              "opslimit": 2, "memlimit": 16777216}
    out = [case("receipt-kat", "receipt", "argon2id receipt derivation and KDF contexts",
                inputs, "success", expected)]
    for name, text in [("receipt-unknown-word", " ".join(["zzzz", *words[1:]])),
                       ("receipt-too-few-words", " ".join(words[:7])),
                       ("receipt-bad-version", "2 " + " ".join(words)),
                       ("receipt-digit-out-of-range", "2048 " + " ".join(words[1:]))]:
        out.append(case(name, "receipt", "a receipt that must be refused",
                        {"receipt": text, "instance_id": ctx.instance_id}, "receipt_invalid"))
    return out


def padme_cases(ctx: Context) -> list[dict[str, Any]]:
    sizes = [0, 1, 2, 3, 9, 100, 1000, 65536, 65537, 1000000, 524288000]
    return [case("padme", "padme", "Padmé lengths", {"sizes": sizes}, "success",
                 [padme(n) for n in sizes])]


def upload_cases(ctx: Context) -> list[dict[str, Any]]:
    ct_len = 24 + 67584 + 34
    good: dict[str, Any] = {"ct_len": ct_len, "chunk_count": 2,
                            "chunks": [[0, 24], [1, 65553], [2, 2065]]}
    return [
        case("upload-valid", "upload", "a valid 2-chunk upload declaration", good, "success"),
        case("upload-short-middle-chunk", "upload", "a non-final chunk must be full",
             {**good, "chunks": [[0, 24], [1, 65552]]}, "upload_chunk_invalid"),
        case("upload-bad-declaration", "upload", "ct_len inconsistent with chunk_count",
             {**good, "ct_len": ct_len + 1, "chunks": []}, "upload_chunk_invalid"),
        case("upload-index-beyond-count", "upload", "chunk index past the declared count",
             {**good, "chunks": [[3, 100]]}, "upload_chunk_invalid"),
    ]


def bundle_cases(ctx: Context) -> list[dict[str, Any]]:
    ks, today = ctx.keyset, ctx.today
    def inputs(doc: dict[str, Any], **over: Any) -> dict[str, Any]:
        return {"bundle": doc, "fingerprint": ks.fingerprint, "today": today,
                "min_serial": 1, **over}
    tampered = json.loads(json.dumps(ks.doc))
    tampered["bundle"]["serial"] = 9
    swapped = json.loads(json.dumps(ks.doc))
    outsider = ctx.outsider
    entry = swapped["bundle"]["keys"][0]
    entry["x25519_pk"] = b64encode(outsider.x25519_pk)
    old_id = entry["id"]
    entry["id"] = key_id(outsider.x25519_pk, b64decode(entry["ed25519_pk"]))
    swapped["bundle"]["triage"] = sorted(
        entry["id"] if i == old_id else i for i in swapped["bundle"]["triage"]
    )
    other = ctx.other_keyset
    _foreign_sk, foreign_cert = certify_subkey(other.root, "bundle", "2027-01-01", ks.org_id,
                                                   subkey=ks.bundle_key, issued_at=today)
    uncertified = {**ks.doc, "certificate": foreign_cert.to_dict()}
    _sk, short_cert = certify_subkey(ks.root, "bundle", add_days(today, -1), ks.org_id,
                                     subkey=ks.bundle_key, issued_at=add_days(today, -10))
    expired_subkey = {**ks.doc, "certificate": short_cert.to_dict()}
    long_doc = build_bundle(serial=3, issued_at=today, expires_at=add_days(today, 31),
                            org_id=ks.org_id, keys=ks.doc["bundle"]["keys"], triage=ks.triage,
                            bundle_sk=ks.bundle_key, certificate=ks.certificate,
                            root_public_key=bytes(ks.root.verify_key))
    return [
        case("bundle-valid", "bundle", "a valid bundle", inputs(ks.doc), "success",
             {"serial": 1, "sha256": ctx.bundle.sha256.hex(), "triage": list(ks.triage)}),
        case("bundle-expired", "bundle", "today is after expires_at",
             inputs(ks.doc, today=add_days(today, 31)), "bundle_expired"),
        case("bundle-not-yet-valid", "bundle", "issued two days in the future",
             inputs(ks.doc, today=add_days(today, -2)), "bundle_not_yet_valid"),
        case("bundle-rolled-back", "bundle", "serial below the built-in floor",
             inputs(ks.doc, min_serial=2), "bundle_rolled_back"),
        case("bundle-bad-signature", "bundle", "the serial was changed after signing",
             inputs(tampered), "bundle_signature_bad"),
        case("bundle-key-substitution", "bundle",
             "a triage key's X25519 key replaced by an attacker's (ids recomputed)",
             inputs(swapped), "bundle_signature_bad"),
        case("bundle-root-substituted", "bundle", "a whole key hierarchy under another root",
             inputs(other.doc), "fingerprint_mismatch"),
        case("bundle-subkey-not-certified", "bundle", "the certificate is signed by another root",
             inputs(uncertified), "subkey_not_certified"),
        case("bundle-subkey-expired", "bundle", "the bundle subkey's certificate has expired",
             inputs(expired_subkey), "subkey_expired"),
        case("bundle-validity-too-long", "bundle", "expires 31 days after issue",
             inputs(long_doc), "bundle_malformed"),
    ]


def audit_action_cases(ctx: Context) -> list[dict[str, Any]]:
    """A reviewer's signed action statement (SPEC §14), and the same with one byte of the
    signature flipped."""
    from vault.action_signature import report_digest, sign_action

    reviewer = ctx.keyset.reviewers[0]
    report_id = "3f0c1c9e-6f7a-4d52-9a47-2b1f0e6c5d21"
    signed = sign_action("key_request", report_id,
                         account_id="5b3e9a40-0d61-4c1e-8f7b-1a2b3c4d5e6f",
                         key_id=reviewer.key_id, signing_key=reviewer.signing_key,
                         day=ctx.today, nonce=bytes(range(16)))
    header = signed.header_value()

    def inputs(value: str) -> dict[str, Any]:
        return {"header": value, "ed25519_pk": b64encode(reviewer.ed25519_pk),
                "report_id": report_id}

    statement, signature = header.split(".")
    raw = bytearray(b64decode(signature))
    raw[0] ^= 1
    return [
        case("audit-action-success", "audit_action",
             "a key request signed with the reviewer's key (haven-audit-action/1)",
             inputs(header), "success",
             {**signed.statement.payload(), "report_digest": report_digest(report_id),
              "statement_sha256": signed.statement.sha256()}),
        case("audit-action-bad-signature", "audit_action",
             "the same statement with one signature bit flipped",
             inputs(f"{statement}.{b64encode(bytes(raw))}"), "action_signature_bad"),
    ]


def build_all() -> dict[str, dict[str, Any]]:
    ctx = Context.create()
    cases: list[dict[str, Any]] = []
    for make in (kdf_cases, receipt_cases, padme_cases, upload_cases, bundle_cases,
                 envelope_cases, attachment_cases, event_cases, reviewer_event_cases,
                 audit_action_cases):
        cases.extend(make(ctx))
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate vector names")
    return {f"{c['name']}.json": c for c in cases}


def render(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    files = build_all()
    for old in HERE.glob("*.json"):
        if old.name not in files:
            old.unlink()
    for name, value in files.items():
        (HERE / name).write_text(render(value), "utf-8")
    print(f"wrote {len(files)} vectors to {HERE}")


if __name__ == "__main__":
    main()
