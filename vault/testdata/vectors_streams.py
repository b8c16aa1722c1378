"""Attachment stream vectors and event chain vectors (vault/SPEC.md §4.6, §6)."""

from __future__ import annotations

import hashlib
from typing import Any

import nacl.bindings as sodium
from vectors_common import Context, case

from vault.attachments import TAG_FINAL, TAG_MESSAGE, SealedAttachment, seal_attachment_bytes
from vault.canonical import b64encode
from vault.crypto import seal_box
from vault.events import ZERO_HASH, sign_event
from vault.format import CHUNK_CT_SIZE, STREAM_HEADER_SIZE, TYPE_EVENT
from vault.kdf import Rng, blake2b
from vault.receipts import keys_from_master
from vault.seal import new_report_id, seal_envelope, seal_reporter_event

DAY = "2026-01-11"
SMALL_FILE = 1024


def _raw_stream(rng: Rng, chunks: list[tuple[bytes, int]]) -> tuple[bytes, bytes]:
    key, header = rng(32), rng(STREAM_HEADER_SIZE)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    parts = [sodium.crypto_secretstream_xchacha20poly1305_push(state, m, None, t)
             for m, t in chunks]
    return key, header + b"".join(parts)


def _entry(key: bytes, blob: bytes, size: int, sha256: str, chunk_count: int) -> SealedAttachment:
    return SealedAttachment(blake2b(blob).hex(), len(blob), chunk_count, key, sha256, "f.bin",
                            "application/octet-stream", size)


def _att(name: str, description: str, entry: SealedAttachment, blob: bytes, expect: str,  # noqa: PLR0917
         plaintext: bytes | None = None) -> dict[str, Any]:
    return case(name, "attachment", description,
                {"entry": entry.to_manifest(), "blob": b64encode(blob)}, expect,
                None if plaintext is None else _described(plaintext))


def _described(plaintext: bytes) -> dict[str, Any]:
    """Expected plaintext: size and SHA-256, and the bytes themselves when small."""
    out: dict[str, Any] = {"size": len(plaintext), "sha256": hashlib.sha256(plaintext).hexdigest()}
    if len(plaintext) <= SMALL_FILE:
        out["content"] = b64encode(plaintext)
    return out


def attachment_cases(ctx: Context) -> list[dict[str, Any]]:
    rng = ctx.rng("attachments")
    empty_blob, empty = seal_attachment_bytes("empty.txt", "text/plain", b"", rng=rng)
    big = bytes((i * 7) % 251 for i in range(65537))
    big_blob, big_entry = seal_attachment_bytes("big.bin", "application/octet-stream", big,
                                                rng=rng)
    head, c1 = big_blob[:STREAM_HEADER_SIZE], big_blob[STREAM_HEADER_SIZE:][:CHUNK_CT_SIZE]
    c2 = big_blob[STREAM_HEADER_SIZE + CHUNK_CT_SIZE:]
    reordered = head + c2 + c1
    small = b"small file" * 10
    sha = hashlib.sha256(small).hexdigest()
    key, no_final = _raw_stream(rng, [(small + bytes(4), TAG_MESSAGE)])
    full = bytes(65536)
    ext_key, extended = _raw_stream(rng, [(full, TAG_FINAL), (b"more", TAG_MESSAGE)])
    pad_key, bad_pad = _raw_stream(rng, [(small + b"\x01\x00\x00\x00", TAG_FINAL)])
    honest_blob, honest = seal_attachment_bytes("s.txt", "text/plain", small, rng=rng)
    altered = honest_blob[:40] + bytes([honest_blob[40] ^ 1]) + honest_blob[41:]
    return [
        _att("attachment-success-empty", "an empty file", empty, empty_blob, "success", b""),
        _att("attachment-success-multichunk", "65537 bytes: two chunks", big_entry, big_blob,
             "success", big),
        _att("attachment-chunks-reordered", "the two chunks swapped (hash recomputed)",
             _entry(big_entry.key, reordered, len(big), big_entry.sha256, 2), reordered,
             "chunk_auth_failed"),
        _att("attachment-stream-truncated", "the only chunk is not tagged FINAL",
             _entry(key, no_final, len(small), sha, 1), no_final, "stream_truncated"),
        _att("attachment-stream-extended", "a chunk follows the FINAL chunk",
             _entry(ext_key, extended, 65536, hashlib.sha256(full).hexdigest(), 1), extended,
             "stream_extended"),
        _att("attachment-bad-padding", "non-zero bytes in the Padmé padding",
             _entry(pad_key, bad_pad, len(small), sha, 1), bad_pad, "bad_padding"),
        _att("attachment-plaintext-hash-mismatch", "the manifest's SHA-256 is of another file",
             SealedAttachment(**{**honest.__dict__, "sha256": hashlib.sha256(b"x").hexdigest()}),
             honest_blob, "plaintext_hash_mismatch"),
        _att("attachment-wrong-ct-len", "the manifest's ct_len is one byte longer",
             SealedAttachment(**{**honest.__dict__, "ct_len": honest.ct_len + 1}), honest_blob,
             "manifest_mismatch"),
        _att("attachment-altered-blob", "one ciphertext byte flipped in storage", honest, altered,
             "manifest_mismatch"),
    ]


def _event_inputs(ctx: Context, report_id: str, envelopes: list[bytes]) -> dict[str, Any]:
    return {**ctx.opener(_first_triage(ctx)), "envelopes": [b64encode(e) for e in envelopes],
            "reporter_signing_pk": b64encode(ctx.receipt_keys.signing_pk), "report_id": report_id}


def _first_triage(ctx: Context) -> int:
    return next(i for i, r in enumerate(ctx.keyset.reviewers) if r.key_id in ctx.keyset.triage)


def event_cases(ctx: Context) -> list[dict[str, Any]]:
    rng, rk, bundle = ctx.rng("events"), ctx.receipt_keys, ctx.bundle
    rid = new_report_id(rng)

    def event(seq: int, prev: bytes, kind: str, payload: dict[str, Any], *, keys: Any = rk,
              report_id: str = rid) -> Any:
        return seal_reporter_event(report_id, seq, prev, kind, payload, bundle=bundle,
                                   receipt_keys=keys, day=DAY, rng=rng)

    consent = {"scopes": {"un_confidential": "grant"}, "given_by": "victim",
               "risks_explained": True, "day": DAY, "how": "follow-up"}
    e1 = event(1, ZERO_HASH, "message", {"text": "Il a été relâché."})
    e2 = event(2, e1.event_hash, "consent_change", consent)
    e3 = event(3, e2.event_hash, "withdrawal", {"day": DAY})
    forger = keys_from_master(rng(32))
    forged = event(2, e1.event_hash, "consent_change", consent, keys=forger)
    signed2 = sign_event(rid, 2, e1.event_hash, "consent_change", consent,
                         signing_key=rk.signing_sk)
    replay = seal_envelope(TYPE_EVENT, rid, signed2, [], bundle, day=DAY, server_sealed=False,
                           rng=rng)
    fork = event(2, e1.event_hash, "message", {"text": "another second event"})
    unlinked = event(2, ZERO_HASH, "message", {"text": "not linked"})
    other_rid = new_report_id(rng)
    foreign = event(1, ZERO_HASH, "message", {"text": "other report"}, report_id=other_rid)
    inner = sign_event(other_rid, 1, ZERO_HASH, "message", {"text": "moved"},
                       signing_key=rk.signing_sk)
    moved = seal_envelope(TYPE_EVENT, rid, inner, [], bundle, day=DAY, server_sealed=False,
                          rng=rng)
    burned = event(2, e1.event_hash, "receipt_burned", {"day": DAY})
    expected = [{"seq": 1, "type": "message", "payload": {"text": "Il a été relâché."}},
                {"seq": 2, "type": "consent_change", "payload": consent},
                {"seq": 3, "type": "withdrawal", "payload": {"day": DAY}}]
    rows = [
        ("events-success", "message, consent change, withdrawal", [e1, e2, e3], "success"),
        ("events-forged", "the second event is signed by another key", [e1, forged],
         "event_signature_bad"),
        ("events-replayed", "the same signed event stored twice", [e1, e2, replay],
         "event_replay"),
        ("events-reordered", "events 2 and 3 swapped", [e1, e3, e2], "event_reordered"),
        ("events-forked", "two different events with sequence 2", [e1, e2, fork], "event_fork"),
        ("events-gap", "event 2 is missing", [e1, e3], "event_sequence_gap"),
        ("events-unlinked", "event 2 does not name event 1 as previous", [e1, unlinked],
         "event_fork"),
        ("events-other-report", "an event of another report", [foreign], "event_replay"),
        ("events-moved-between-reports", "an event signed for another report re-sealed here",
         [moved], "event_replay"),
        ("events-receipt-burned", "a message, then the reporter burns the receipt",
         [e1, burned], "success"),
    ]
    burned_expected = [expected[0], {"seq": 2, "type": "receipt_burned",
                                     "payload": {"day": DAY}}]
    return [case(n, "events", d, _event_inputs(ctx, rid, [e.envelope if hasattr(e, "envelope")
                                                         else e for e in es]), x,
                 (burned_expected if n == "events-receipt-burned" else expected)
                 if x == "success" else None) for n, d, es, x in rows]


def reviewer_event_cases(ctx: Context) -> list[dict[str, Any]]:
    rng, rk, rid = ctx.rng("reviewer-events"), ctx.receipt_keys, None
    rid = new_report_id(rng)
    reviewer = ctx.keyset.reviewers[_first_triage(ctx)]

    def sealed(seq: int, prev: bytes, kind: str, payload: dict[str, Any], *,
               signer: Any = reviewer, claimed: str | None = None) -> tuple[bytes, bytes]:
        signed = sign_event(rid, seq, prev, kind, payload, signing_key=signer.signing_key)
        box = seal_box(bytes.fromhex(claimed or signer.key_id) + signed, rk.reply_pk, rng)
        return box, blake2b(signed[64:])

    r1, h1 = sealed(1, ZERO_HASH, "reply", {"text": "Merci, nous avons bien reçu."})
    r2, _h2 = sealed(2, h1, "status", {"status": "under_verification"})
    stranger, _ = sealed(2, h1, "reply", {"text": "x"}, signer=ctx.outsider)
    impostor, _ = sealed(2, h1, "reply", {"text": "x"}, signer=ctx.outsider,
                         claimed=reviewer.key_id)
    base = {"reply_sk": rk.reply_sk.hex(), "reply_pk": rk.reply_pk.hex(),
            "bundle": ctx.keyset.doc, "fingerprint": ctx.keyset.fingerprint,
            "today": ctx.today, "min_serial": 1, "report_id": rid}
    expected = [{"seq": 1, "type": "reply", "payload": {"text": "Merci, nous avons bien reçu."},
                 "signer": reviewer.key_id},
                {"seq": 2, "type": "status", "payload": {"status": "under_verification"},
                 "signer": reviewer.key_id}]
    rows = [
        ("reviewer-events-success", "a reply and a status", [r1, r2], "success"),
        ("reviewer-events-unknown-signer", "signed by a key outside the bundle", [r1, stranger],
         "unknown_signer"),
        ("reviewer-events-impersonation", "claims a bundle key, signed by another",
         [r1, impostor], "event_signature_bad"),
        ("reviewer-events-reordered", "status before reply", [r2, r1], "event_reordered"),
        ("reviewer-events-replayed", "the same reply twice", [r1, r1], "event_replay"),
    ]
    cases = [case(n, "reviewer_events", d, {**base, "sealed": [b64encode(s) for s in ss]}, x,
                  expected if x == "success" else None) for n, d, ss, x in rows]
    return cases + _deleted_prefix_cases(sealed, h1, base, reviewer.key_id)


def _deleted_prefix_cases(sealed: Any, h1: bytes, base: dict[str, Any], signer: str
                          ) -> list[dict[str, Any]]:
    """Replies the reporter read were deleted (S6): the rest is checked from its first reply
    on (``from_first_present``), and a gap or fork inside the rest is still refused."""
    r2, h2 = sealed(2, h1, "reply", {"text": "Nous vérifions."})
    r3, h3 = sealed(3, h2, "status", {"status": "verified"})
    r4, _h4 = sealed(4, h3, "reply", {"text": "Merci."})
    stray, _ = sealed(4, h2, "reply", {"text": "does not follow 3"})
    rest = {**base, "from_first_present": True}
    expected = [{"seq": 3, "type": "status", "payload": {"status": "verified"}, "signer": signer},
                {"seq": 4, "type": "reply", "payload": {"text": "Merci."}, "signer": signer}]
    rows = [
        ("reviewer-events-deleted-prefix", "replies 1 and 2 were deleted after the reporter "
         "read them; 3 and 4 remain", [r3, r4], "success"),
        ("reviewer-events-deleted-prefix-gap", "replies 1 and 2 deleted, 3 missing from what "
         "remains", [r2, r4], "event_sequence_gap"),
        ("reviewer-events-deleted-prefix-fork", "replies 1 and 2 deleted; 4 does not follow 3",
         [r3, stray], "event_fork"),
    ]
    return [case(n, "reviewer_events", d, {**rest, "sealed": [b64encode(s) for s in ss]}, x,
                 expected if x == "success" else None) for n, d, ss, x in rows]
