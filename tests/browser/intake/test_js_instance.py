"""The browser against a real instance made by ``haven.instance.create_instance``.

The page fetches the instance's published ``bundle.json``, verifies it against the
organisation's fingerprint for today, derives receipt keys for the instance id, seals a
report with an attachment and a message event; the reviewer's key made by the instance
opens both in Python.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from haven.config import load_config
from haven.instance import AccountSpec, create_instance
from vault.bundle import verify_bundle
from vault.canonical import b64decode, utc_day
from vault.open import open_attachment, open_report, open_reporter_events
from vault.receipts import derive_receipt_keys


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

FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
SUBMIT = """async ({fingerprint, instanceId}) => {
  const doc = await (await fetch("/bundle.json")).json();
  const bundle = HavenCrypto.verifyBundle(doc, {fingerprint});
  const receipt = HavenCrypto.generateReceipt();
  const keys = await HavenCrypto.deriveReceiptKeys(receipt.text, instanceId, {worker: true});
  const prepared = await HavenCrypto.prepareAttachment(HavenTest.makeFile(1000, 1, "a.txt"));
  await prepared.upload(HavenTest.sinkUploader(prepared.declaration.blob_id));
  const report = await HavenCrypto.sealReport({narrative: "instance"}, [prepared], bundle, keys);
  const event = await HavenCrypto.sealEvent("message", {text: "encore"},
      {reportId: report.reportId, seq: 1, bundle, receiptKeys: keys});
  return {receipt: receipt.text, envelope: report.envelopeB64, event: event.envelopeB64,
          reportId: report.reportId, day: report.day, serial: bundle.serial};
}"""


def test_browser_seals_to_a_created_instance(browser, live_server, tmp_path, database_url):
    created = create_instance(
        tmp_path / "inst", org_id="org-js", database_url=database_url, password_settings=FAST,
        accounts_to_create=[AccountSpec("ana", "verifier", "correct horse battery 9",
                                        passphrase="a long key passphrase 1")],
    )
    config = load_config({}, instance_dir=tmp_path / "inst")
    app = harness.create_app(bundle_path=config.bundle_path)
    with live_server(app) as base_url:
        context, page, _backend = harness.open_harness(browser, base_url)
        out = page.evaluate(SUBMIT, {"fingerprint": created.fingerprint,
                                     "instanceId": config.instance_id})
        context.close()
    assert out["day"] == utc_day()
    doc_bundle = verify_bundle(
        json.loads(config.bundle_path.read_text("utf-8")), created.fingerprint,
        today=utc_day(), min_serial=1,
    )
    pair = created.reviewer_keys["ana"]
    sink = app.config["SINK"]
    reader = lambda blob_id: bytes(sink.blobs[blob_id].data)  # noqa: E731
    opened = open_report(b64decode(out["envelope"]), pair.key_id, pair.x25519_sk, doc_bundle,
                         reader)
    assert opened.fields == {"narrative": "instance"}
    assert b"".join(open_attachment(opened.attachments[0], reader)) == harness.file_bytes(1000, 1)
    keys = derive_receipt_keys(out["receipt"], config.instance_id)
    assert opened.reporter_signing_pk == keys.signing_pk
    [event] = open_reporter_events([b64decode(out["event"])], pair.key_id, pair.x25519_sk,
                                   doc_bundle, keys.signing_pk, report_id=out["reportId"])
    assert event.payload == {"text": "encore"}
