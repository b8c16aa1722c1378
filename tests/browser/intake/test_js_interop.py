"""The browser's envelope against the Python vault, both ways, in three modes (S1, S2, S9).

- Chromium seals a report with attachments of 0, 1, chunk-1, chunk and chunk+1 bytes
  (uploaded chunk by chunk to a test sink) and four signed events; ``vault.open`` opens
  them exactly, and the receipt keys equal Python's derivation.
- Python seals replies (``vault.access.seal_reply``) and a report; Chromium opens and
  verifies them, and refuses an unknown signer, a tampered reply and a replayed one.
Modes: wasm; ``WebAssembly`` deleted before libsodium loads; V8 ``--jitless``.
"""

from __future__ import annotations

import importlib.util
import sys
import unicodedata
from pathlib import Path

import pytest

from vault.access import seal_reply
from vault.canonical import b64decode, b64encode
from vault.events import ZERO_HASH, consent_state
from vault.format import check_blob_declaration, check_upload_chunk
from vault.keys import ReviewerKeyPair
from vault.open import open_attachment, open_report, open_reporter_events
from vault.receipts import derive_receipt_keys, new_receipt, receipt_master
from vault.seal import seal_attachment_bytes, seal_report
from vault.testkit import make_keyset


def _harness():
    name = "haven_js_test_harness"
    if name not in sys.modules:
        path = Path(__file__).parent / "fixtures" / "harness.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


harness = _harness()
pytestmark = pytest.mark.browser

INSTANCE_ID = "5f0c2b7e9a1d4c3b8e6f0a2d4c6e8f10"
CHUNK = 65536
SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1]
SCOPES = ["contact", "aggregate_statistics", "un_confidential"]
FIELDS = {
    "narrative": "Arrêté après la session du Conseil — «témoignage» 証言 🕊",
    "decomposed": unicodedata.normalize("NFD", "Ñandú café"),
    "danger_now": False,
    "count": 3,
    "ratio": 0.1,
    "incidents": [{"date": "2025-03", "acts": ["travel_ban", "surveillance"]}],
    "consent": {
        "scopes": {"contact": "grant", "aggregate_statistics": "grant"},
        "given_by": "victim", "risks_explained": True, "day": "2026-01-10", "how": "form",
    },
}
MODES = ["wasm", "nowasm", "jitless"]


@pytest.fixture(scope="module")
def keyset():
    return make_keyset(seed=b"haven-js-interop", reviewers=3, triage=2)


@pytest.fixture(params=MODES)
def crypto_page(request, browser, jitless_browser, live_server):
    app = harness.create_app()
    chosen = jitless_browser if request.param == "jitless" else browser
    with live_server(app) as base_url:
        context, page, backend = harness.open_harness(
            chosen, base_url, no_wasm=request.param == "nowasm"
        )
        assert backend == ("wasm" if request.param == "wasm" else "js")
        page.set_default_timeout(120_000)
        yield app, page, request.param
        assert harness.unexpected_errors(page, wasm=request.param == "wasm") == []
        context.close()


SUBMIT = """async ({doc, fingerprint, today, instanceId, sizes, fields, receipt, master}) => {
  const bundle = HavenCrypto.verifyBundle(doc, {fingerprint, today});
  const keys = master ? HavenCrypto.keysFromMaster(HavenTest.fromB64(master))
                      : await HavenCrypto.deriveReceiptKeys(receipt, instanceId);
  const prepared = [];
  for (const [i, size] of sizes.entries()) {
    const file = HavenTest.makeFile(size, i, "évidence-" + i + ".bin", "image/jpeg");
    const p = await HavenCrypto.prepareAttachment(file);
    await p.upload(HavenTest.sinkUploader(p.declaration.blob_id));
    prepared.push(p);
  }
  const sealed = await HavenCrypto.sealReport(fields, prepared, bundle, keys, {day: today});
  window.__ctx = {bundle, keys, reportId: sealed.reportId, today};
  return {lookupId: keys.lookupIdB64, envelope: sealed.envelopeB64,
          reportId: sealed.reportId, blobIds: sealed.blobIds,
          declarations: prepared.map(p => p.declaration)};
}"""

EVENTS = """async () => {
  const c = window.__ctx;
  const later = HavenTest.makeFile(10, 9, "later.txt", "text/plain");
  const extra = await HavenCrypto.sealAttachment(later, {onChunk: HavenTest.sinkUploader("later")});
  const steps = [
    ["message", {text: "Je reviens avec des précisions."}],
    ["consent_change", {scopes: {un_confidential: "grant", contact: "withdraw"}, given_by: "victim",
                        risks_explained: true, day: c.today, how: "follow-up"}],
    ["file_added", {attachments: [extra.entry]}],
    ["withdrawal", {reason: "no longer safe"}],
  ];
  const out = [];
  let prev = null;
  for (let i = 0; i < steps.length; i++) {
    const sealed = await HavenCrypto.sealEvent(steps[i][0], steps[i][1], {reportId: c.reportId,
        seq: i + 1, prevEventHash: prev, bundle: c.bundle, receiptKeys: c.keys, day: c.today});
    out.push(sealed.envelopeB64);
    prev = sealed.eventHashHex;
  }
  return {envelopes: out, laterBlobId: extra.entry.blob_id};
}"""


def _receipt_inputs(mode: str) -> dict:
    """A fresh receipt; without wasm the page gets the argon2id master from Python instead.

    Argon2id itself is checked without wasm and JIT in test_js_fallback.py (it takes tens of
    seconds there); here the rest of the envelope is.
    """
    receipt = new_receipt()
    master = None if mode == "wasm" else b64encode(receipt_master(receipt, INSTANCE_ID))
    return {"receipt": receipt, "master": master}


def _submit(page, keyset, inputs):
    return page.evaluate(SUBMIT, {
        "doc": keyset.doc, "fingerprint": keyset.fingerprint, "today": keyset.today,
        "instanceId": INSTANCE_ID, "sizes": SIZES, "fields": FIELDS, **inputs,
    })


def _reader(sink):
    return lambda blob_id: bytes(sink.blobs[blob_id].data)


def test_browser_report_opens_in_python(crypto_page, keyset):
    app, page, mode = crypto_page
    sink = app.config["SINK"]
    inputs = _receipt_inputs(mode)
    out = _submit(page, keyset, inputs)
    reviewer = keyset.reviewers[0]
    bundle = keyset.verified()
    opened = open_report(
        b64decode(out["envelope"]), reviewer.key_id, reviewer.x25519_sk, bundle,
        _reader(sink), stored_blob_ids=out["blobIds"],
    )
    assert opened.report_id == out["reportId"]
    assert opened.day == keyset.today
    assert not opened.server_sealed
    assert opened.fields == {**FIELDS, "decomposed": "Ñandú café"}  # NFC on the way in
    py_keys = derive_receipt_keys(inputs["receipt"], INSTANCE_ID)
    assert opened.reporter_signing_pk == py_keys.signing_pk
    assert opened.reporter_reply_pk == py_keys.reply_pk
    assert b64decode(out["lookupId"]) == py_keys.lookup_id
    for i, (entry, size) in enumerate(zip(opened.attachments, SIZES, strict=True)):
        assert (entry.size, entry.name, entry.type) == (size, f"évidence-{i}.bin", "image/jpeg")
        assert b"".join(open_attachment(entry, _reader(sink))) == harness.file_bytes(size, i)
        declared = out["declarations"][i]
        check_blob_declaration(declared["ct_len"], declared["chunk_count"])
        for index, length in enumerate(sink.blobs[entry.blob_id].chunks):
            check_upload_chunk(index, b"\0" * length, declared["chunk_count"])


def test_browser_events_open_in_python(crypto_page, keyset):
    app, page, mode = crypto_page
    sink = app.config["SINK"]
    out = _submit(page, keyset, _receipt_inputs(mode))
    events_out = page.evaluate(EVENTS)
    reviewer = keyset.reviewers[1]
    bundle = keyset.verified()
    opened = open_report(b64decode(out["envelope"]), reviewer.key_id, reviewer.x25519_sk, bundle)
    events = open_reporter_events(
        [b64decode(e) for e in events_out["envelopes"]], reviewer.key_id, reviewer.x25519_sk,
        bundle, opened.reporter_signing_pk, report_id=out["reportId"],
    )
    assert [e.type for e in events] == ["message", "consent_change", "file_added", "withdrawal"]
    assert events[0].payload == {"text": "Je reviens avec des précisions."}
    added = events[2].payload["attachments"][0]
    assert added["blob_id"] == events_out["laterBlobId"]
    assert sink.blobs["later"].blob_id == added["blob_id"]
    state = consent_state(
        events[:2], opened.reporter_signing_pk, initial=opened.initial_consent, scopes=SCOPES
    )
    assert state.granted == {"aggregate_statistics", "un_confidential"}
    assert state.withdrawn == {"contact"}
    final = consent_state(
        events, opened.reporter_signing_pk, initial=opened.initial_consent, scopes=SCOPES
    )
    assert final.report_withdrawn
    assert not final.allows("un_confidential")


OPEN_REPLIES = """async ({doc, fingerprint, today, receipt, master, instanceId, reportId, good,
                           forged, other}) => {
  const bundle = HavenCrypto.verifyBundle(doc, {fingerprint, today});
  const keys = master ? HavenCrypto.keysFromMaster(HavenTest.fromB64(master))
                      : await HavenCrypto.deriveReceiptKeys(receipt, instanceId);
  const opened = good.map(s => HavenCrypto.openReviewerEvent(s, keys, bundle, {reportId}));
  HavenCrypto.verifyReviewerChain(opened, {reportId});
  const tampered = HavenTest.fromB64(good[0]);
  tampered[tampered.length - 5] ^= 1;
  const refusals = {};
  for (const [name, fn] of [
      ["forged", () => HavenCrypto.openReviewerEvent(forged, keys, bundle, {reportId})],
      ["tampered", () => HavenCrypto.openReviewerEvent(tampered, keys, bundle, {reportId})],
      ["other_report", () => HavenCrypto.openReviewerEvent(other, keys, bundle, {reportId})],
      ["reordered", () => HavenCrypto.verifyReviewerChain([opened[1], opened[0]], {reportId})],
      ["gap", () => HavenCrypto.verifyReviewerChain([opened[1]], {reportId})]]) {
    refusals[name] = (await HavenTest.outcome(fn)).code;
  }
  return {events: opened.map(e => ({type: e.type, seq: e.seq, payload: e.payload,
                                    signer: e.signer.id, verified: e.verified})), refusals};
}"""


def test_python_replies_open_in_browser(crypto_page, keyset):
    _app, page, mode = crypto_page
    inputs = _receipt_inputs(mode)
    keys = derive_receipt_keys(inputs["receipt"], INSTANCE_ID)
    report_id = "0b6a3c1e-7d2f-4e8a-9c4b-1f2e3d4c5b6a"
    first, second = keyset.reviewers[0], keyset.reviewers[2]
    r1 = seal_reply(report_id, 1, ZERO_HASH, "reply", {"text": "Nous avons bien reçu."},
                    reviewer=first, reporter_reply_pk=keys.reply_pk)
    r2 = seal_reply(report_id, 2, r1.event_hash, "withdrawal_ack", {"day": "2026-01-10"},
                    reviewer=second, reporter_reply_pk=keys.reply_pk)
    forged = seal_reply(report_id, 3, r2.event_hash, "status", {"status": "closed"},
                        reviewer=ReviewerKeyPair.generate(), reporter_reply_pk=keys.reply_pk)
    other = seal_reply("7c9e6679-7425-40de-944b-e07fc1f90ae7", 1, ZERO_HASH, "reply",
                       {"text": "not yours"}, reviewer=first, reporter_reply_pk=keys.reply_pk)
    result = page.evaluate(OPEN_REPLIES, {
        "doc": keyset.doc, "fingerprint": keyset.fingerprint, "today": keyset.today,
        **inputs, "instanceId": INSTANCE_ID, "reportId": report_id,
        "good": [b64encode(r1.envelope), b64encode(r2.envelope)],
        "forged": b64encode(forged.envelope), "other": b64encode(other.envelope),
    })
    assert result["events"] == [
        {"type": "reply", "seq": 1, "payload": {"text": "Nous avons bien reçu."},
         "signer": first.key_id, "verified": True},
        {"type": "withdrawal_ack", "seq": 2, "payload": {"day": "2026-01-10"},
         "signer": second.key_id, "verified": True},
    ]
    assert result["refusals"] == {
        "forged": "unknown_signer", "tampered": "event_signature_bad",
        "other_report": "event_replay", "reordered": "event_reordered",
        "gap": "event_sequence_gap",
    }


OPEN_REPORT = """({doc, fingerprint, today, envelope, keyId, secret, blob}) => {
  const bundle = HavenCrypto.verifyBundle(doc, {fingerprint, today});
  const blobBytes = HavenTest.fromB64(blob);
  const blobId = sodium.to_hex(sodium.crypto_generichash(32, blobBytes, null));
  const opened = HavenCrypto.openReport(HavenTest.fromB64(envelope), keyId,
                                        HavenTest.fromB64(secret), bundle,
                                        {blobs: {[blobId]: blobBytes}});
  const file = HavenCrypto.openAttachment(opened.attachments[0], blobBytes);
  return {reportId: opened.reportId, fields: opened.fields, file: HavenTest.b64(file),
          signingPk: HavenTest.b64(opened.reporterSigningPk)};
}"""


def test_python_report_opens_in_browser(crypto_page, keyset):
    _app, page, _mode = crypto_page
    keys = derive_receipt_keys(new_receipt(), INSTANCE_ID)
    content = harness.file_bytes(CHUNK + 1, 5)
    blob, entry = seal_attachment_bytes("scan.pdf", "application/pdf", content)
    sealed = seal_report(FIELDS, [entry], keyset.verified(), keys, day=keyset.today,
                         server_sealed=False)
    reviewer = keyset.reviewers[1]
    result = page.evaluate(OPEN_REPORT, {
        "doc": keyset.doc, "fingerprint": keyset.fingerprint, "today": keyset.today,
        "envelope": b64encode(sealed.envelope), "keyId": reviewer.key_id,
        "secret": b64encode(reviewer.x25519_sk), "blob": b64encode(blob),
    })
    assert result["reportId"] == sealed.report_id
    assert result["fields"] == {**FIELDS, "decomposed": "Ñandú café"}
    assert b64decode(result["file"]) == content
    assert b64decode(result["signingPk"]) == keys.signing_pk
