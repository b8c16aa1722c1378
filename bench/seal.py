"""Sealing throughput next to raw PyNaCl ``crypto_box_seal`` of the same bytes.

Both run in the same process on the same plaintext:

- ``report``: ``vault.seal.seal_report`` of a form (JCS, padding to a bucket, a fresh key
  sealed to each triage key, header MAC, XChaCha20-Poly1305) vs ``crypto_box_seal`` of the
  same padded bytes to one key; then a plain in-memory store step (dict by report id).
- ``attachment``: ``AttachmentSealer`` streaming a file through secretstream (Padmé padding,
  64 KiB chunks, BLAKE2b blob id, SHA-256 of the plaintext) into an in-memory store vs one
  ``crypto_box_seal`` of the whole file.

``run() -> list[dict]``; ``python -m bench seal`` prints the table with the ratio.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import nacl.bindings as sodium

from vault.attachments import AttachmentSealer
from vault.canonical import canonical_json
from vault.padding import pad
from vault.receipts import keys_from_master
from vault.seal import seal_report
from vault.testkit import make_keyset

REPORTS = 300
FILE_BYTES = 16 * 1024 * 1024
NARRATIVE = "They took my passport at the airport after my statement in Geneva. " * 30


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _row(case: str, count: int, size: int, haven: float, raw: float) -> dict:
    return {
        "case": case, "n": count, "bytes_each": size,
        "haven_s": haven, "raw_box_seal_s": raw, "ratio": haven / raw,
        "haven_MB_s": count * size / haven / 1e6,
    }


def bench_reports(count: int = REPORTS) -> dict:
    keyset = make_keyset(reviewers=4, triage=3)
    bundle, receipt_keys = keyset.verified(), keys_from_master(os.urandom(32))
    fields = {"narrative": NARRATIVE, "country": "XX", "acts": ["detention", "travel_ban"]}
    padded = pad(canonical_json({"fields": fields}))
    pk = bundle.triage_keys[0].x25519_pk
    stored: dict[str, bytes] = {}

    def haven() -> None:
        for _ in range(count):
            sealed = seal_report(fields, [], bundle, receipt_keys, day="2026-01-10",
                                 server_sealed=False)
            stored[sealed.report_id] = sealed.envelope

    def raw() -> None:
        for _ in range(count):
            sodium.crypto_box_seal(padded, pk)

    return _row("report (3 triage keys) + store", count, len(padded), _timed(haven), _timed(raw))


def bench_attachment(size: int = FILE_BYTES) -> dict:
    data = os.urandom(size)
    pk, _sk = sodium.crypto_box_keypair()
    stored: dict[str, bytes] = {}

    def haven() -> None:
        sealer = AttachmentSealer("file.bin", "application/octet-stream", size)
        chunks = [sealer.header]
        for offset in range(0, size, 1024 * 1024):
            chunks += sealer.feed(data[offset : offset + 1024 * 1024])
        rest, entry = sealer.finish()
        stored[entry.blob_id] = b"".join(chunks + rest)

    def raw() -> None:
        sodium.crypto_box_seal(data, pk)

    return _row("attachment stream + store", 1, size, _timed(haven), _timed(raw))


def run() -> list[dict]:
    return [bench_reports(), bench_attachment()]


if __name__ == "__main__":
    from bench.__main__ import main

    main(["seal"])
