"""The browser crypto under a strict Content-Security-Policy (S9, S10, S16).

- ``script-src 'self' 'wasm-unsafe-eval'`` and nothing else: libsodium runs on wasm, no
  violation is reported, and the sealed report opens in Python;
- the same with Trusted Types enforced (the loader's own policy is the only one allowed);
- ``script-src 'self'`` alone: wasm is refused, the loader falls back to the one-file
  bundle and the report still seals and opens; the only violations are the refused wasm
  compilations.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from vault.canonical import b64decode, b64encode
from vault.open import open_attachment, open_report
from vault.receipts import derive_receipt_keys, new_receipt, receipt_master
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

INSTANCE_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
BASE = "default-src 'none'; connect-src 'self'; "
WASM_CSP = BASE + "script-src 'self' 'wasm-unsafe-eval'"
TRUSTED_TYPES_CSP = (
    WASM_CSP + "; require-trusted-types-for 'script'; trusted-types haven-sodium-loader"
)
FALLBACK_CSP = BASE + "script-src 'self'"
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => {
  window.__violations.push({directive: e.effectiveDirective, blocked: e.blockedURI});
});
"""
SEAL = """async ({doc, fingerprint, today, receipt, master, instanceId}) => {
  const bundle = HavenCrypto.verifyBundle(doc, {fingerprint, today});
  const keys = master ? HavenCrypto.keysFromMaster(HavenTest.fromB64(master))
                      : await HavenCrypto.deriveReceiptKeys(receipt, instanceId);
  const file = HavenTest.makeFile(70000, 4, "photo.jpg", "image/jpeg");
  const prepared = await HavenCrypto.prepareAttachment(file);
  await prepared.upload(HavenTest.sinkUploader(prepared.declaration.blob_id));
  const sealed = await HavenCrypto.sealReport({narrative: "CSP"}, [prepared], bundle, keys,
                                              {day: today});
  return {envelope: sealed.envelopeB64, backend: HavenCrypto.backend(),
          violations: window.__violations};
}"""


@pytest.fixture(scope="module")
def keyset():
    return make_keyset(seed=b"haven-js-csp")


def _seal_under(browser, live_server, keyset, csp, *, with_argon2):
    app = harness.create_app(csp=csp)
    receipt = new_receipt()
    master = None if with_argon2 else b64encode(receipt_master(receipt, INSTANCE_ID))
    with live_server(app) as base_url:
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(COLLECT_VIOLATIONS)
        page.set_default_timeout(120_000)
        page.goto(f"{base_url}/page/harness")
        page.evaluate("HavenCrypto.ready()")
        out = page.evaluate(SEAL, {
            "doc": keyset.doc, "fingerprint": keyset.fingerprint, "today": keyset.today,
            "receipt": receipt, "master": master, "instanceId": INSTANCE_ID,
        })
        context.close()
    reviewer = keyset.reviewers[0]
    sink = app.config["SINK"]
    opened = open_report(b64decode(out["envelope"]), reviewer.key_id, reviewer.x25519_sk,
                         keyset.verified(), lambda blob_id: bytes(sink.blobs[blob_id].data))
    assert opened.fields == {"narrative": "CSP"}
    assert opened.reporter_signing_pk == derive_receipt_keys(receipt, INSTANCE_ID).signing_pk
    [entry] = opened.attachments
    content = b"".join(open_attachment(entry, lambda blob_id: bytes(sink.blobs[blob_id].data)))
    assert content == harness.file_bytes(70000, 4)
    return out


@pytest.mark.parametrize("csp", [WASM_CSP, TRUSTED_TYPES_CSP], ids=["wasm", "trusted-types"])
def test_strict_csp_with_wasm(browser, live_server, keyset, csp):
    out = _seal_under(browser, live_server, keyset, csp, with_argon2=True)
    assert out["backend"] == "wasm"
    assert out["violations"] == []


def test_self_only_csp_falls_back_to_pure_js(browser, live_server, keyset):
    out = _seal_under(browser, live_server, keyset, FALLBACK_CSP, with_argon2=False)
    assert out["backend"] == "js"
    assert out["violations"]
    assert {(v["directive"], v["blocked"]) for v in out["violations"]} == {
        ("script-src", "wasm-eval")
    }
