"""Reviewer decrypt-and-render throughput, next to raw PyNaCl opening of the same envelopes.

Both measurements run in the same process on the same sealed reports:

- ``raw_pynacl``: the least work that recovers the plaintext — find the stanza, open it
  with ``crypto_box_seal_open``, derive the fields key, XChaCha20-Poly1305 decrypt. No checks.
- ``open_checked``: ``open_report`` alone (every check, no page).
- ``open_and_render``: what the reviewer app does for a page: ``vault.open.open_report``
  (bundle, stanza set, header MAC, padding, canonical JSON, manifest commitment), the
  consent fold, and rendering ``report.html`` with autoescaping.

``run() -> list[dict]`` (for ``python -m bench``); ``python -m bench.reviewer_decrypt`` alone.
"""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

import nacl.bindings as sodium
from nacl.hash import blake2b
from nacl.public import PrivateKey, SealedBox

REPORTS = 200
NARRATIVE = ("They questioned me for hours about my statement in Geneva and took my "
             "passport at the airport. ") * 12


def _fields(index: int) -> dict:
    return {
        "narrative": NARRATIVE + str(index),
        "country": "BH",
        "incidents": [{"day": f"2026-03-0{1 + index % 9}", "acts": ["travel_ban", "threats"],
                       "place": "Manama"}],
        "un_link": {"mechanism": "hrc", "engagement": "actual", "reference": "HRC 54"},
        "consent": {"scopes": {"un_confidential": "grant"}, "given_by": "victim",
                    "risks_explained": True, "day": "2026-03-02", "how": "form"},
    }


def _seal_reports(count: int):  # type: ignore[no-untyped-def]
    from vault.receipts import keys_from_master
    from vault.seal import seal_report
    from vault.testkit import make_keyset

    keyset = make_keyset(reviewers=3, triage=3)
    bundle = keyset.verified(today=keyset.today)
    envelopes = [seal_report(_fields(i), [], bundle, keys_from_master(secrets.token_bytes(32)),
                             day=keyset.today, server_sealed=False).envelope
                 for i in range(count)]
    return keyset, bundle, envelopes


def _raw_open(envelope: bytes, key_id: bytes, secret: bytes) -> bytes:
    count = envelope[76]
    stanzas = envelope[77: 77 + 96 * count]
    sealed = next(stanzas[i + 16: i + 96] for i in range(0, len(stanzas), 96)
                  if stanzas[i: i + 16] == key_id)
    report_key = SealedBox(PrivateKey(secret)).decrypt(sealed)
    header_end = 110 + 96 * count
    body_len = int.from_bytes(envelope[header_end + 32: header_end + 36], "big")
    nonce = envelope[header_end + 36: header_end + 60]
    body = envelope[header_end + 60: header_end + 60 + body_len]
    fields_key = blake2b(b"", digest_size=32, key=report_key, salt=(1).to_bytes(8, "little")
                         + bytes(8), person=b"hv-field" + bytes(8), encoder=_Raw)
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(body, envelope[:header_end],
                                                             nonce, fields_key)


class _Raw:
    @staticmethod
    def encode(data: bytes) -> bytes:
        return data


def _render_app():  # type: ignore[no-untyped-def]
    from haven.config import config_from_mapping
    from reviewer.app import create_app

    directory = Path(tempfile.mkdtemp(prefix="haven-bench-"))
    (directory / "keys").mkdir()
    (directory / "keys" / "session-secret.key").write_text(secrets.token_hex(32))
    return create_app(config_from_mapping({"instance_id": secrets.token_hex(16)}, directory))


def _open_and_render(app, envelope: bytes, pair, bundle) -> int:  # type: ignore[no-untyped-def]
    from flask import render_template

    from reviewer import forms as f
    from reviewer.opening import ReportView
    from reviewer.vault_types import ReportDetail, ReportSummary
    from reviewer.workspace import Opened, report_state
    from vault.events import consent_state
    from vault.open import open_report

    report = open_report(envelope, pair.key_id, pair.x25519_sk, bundle)
    summary = ReportSummary(report.report_id, report.day, 1, 0, 0, ("triage",), (), ())
    view = ReportView(ReportDetail(summary, envelope, (), (), ()), report, bundle, pair.key_id,
                      None)
    view.consent = consent_state([], report.reporter_signing_pk,
                                 initial=report.initial_consent)
    forms = {"label": f.LabelForm(), "note": f.NoteForm(), "triage": f.TriageForm(),
             "status": f.StatusForm(), "checklist": f.ChecklistForm(), "reply": f.ReplyForm(),
             "reconfirm": f.ReconfirmForm(), "consent": f.ConsentForm()}
    records = Opened()
    html = render_template("report.html", view=view, records=records,
                           state=report_state(records), names={}, forms=forms, current=None)
    return len(html)


def run(reports: int = REPORTS) -> list[dict]:
    keyset, bundle, envelopes = _seal_reports(reports)
    pair = keyset.reviewers[0]
    key_id = bytes.fromhex(pair.key_id)

    started = time.perf_counter()
    raw_bytes = sum(len(_raw_open(e, key_id, pair.x25519_sk)) for e in envelopes)
    raw_seconds = time.perf_counter() - started

    from vault.open import open_report

    started = time.perf_counter()
    for envelope in envelopes:
        open_report(envelope, pair.key_id, pair.x25519_sk, bundle)
    checked_seconds = time.perf_counter() - started

    app = _render_app()
    with app.test_request_context("/"):
        _open_and_render(app, envelopes[0], pair, bundle)  # template compilation, once
        started = time.perf_counter()
        html_bytes = sum(_open_and_render(app, e, pair, bundle) for e in envelopes)
        full_seconds = time.perf_counter() - started

    raw_rate, full_rate = reports / raw_seconds, reports / full_seconds
    return [
        {"bench": "reviewer_decrypt", "case": "raw_pynacl", "reports": reports,
         "seconds": round(raw_seconds, 4), "reports_per_second": round(raw_rate, 1),
         "plaintext_bytes": raw_bytes},
        {"bench": "reviewer_decrypt", "case": "open_checked", "reports": reports,
         "seconds": round(checked_seconds, 4),
         "reports_per_second": round(reports / checked_seconds, 1),
         "relative_to_raw": round(reports / checked_seconds / raw_rate, 4)},
        {"bench": "reviewer_decrypt", "case": "open_and_render", "reports": reports,
         "seconds": round(full_seconds, 4), "reports_per_second": round(full_rate, 1),
         "html_bytes": html_bytes,
         "relative_to_raw": round(full_rate / raw_rate, 4)},
    ]


if __name__ == "__main__":
    json.dump(run(int(sys.argv[1]) if len(sys.argv) > 1 else REPORTS), sys.stdout, indent=2)
    sys.stdout.write("\n")
