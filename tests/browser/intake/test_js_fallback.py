"""Argon2id receipt derivation and large-file sealing measured with and without wasm/JIT (S4, S9).

Prints the numbers (no timing assertions); intake/static/vendor/README.md records a run.
Correctness is asserted: the receipt keys derived in the page equal Python's, and the
sealed stream has exactly the ciphertext layout of SPEC §4.6.

By default the file is 100 MiB with wasm and smaller without (the pure-JS build seals a
few MiB per second with JIT and well under 1 MiB/s without); set
HAVEN_BROWSER_SEAL_BYTES=104857600 to seal 100 MiB in every mode.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from vault.canonical import b64decode
from vault.format import stream_layout
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
pytestmark = [pytest.mark.browser, pytest.mark.slow]

MIB = 1024 * 1024
DEFAULT_BYTES = {"wasm": 100 * MIB, "nowasm": 16 * MIB, "jitless": 2 * MIB}
RECEIPT = "1 join fiction walnut mercy beef depth blossom salmon"
INSTANCE_ID = "00112233445566778899aabbccddeeff"
MEASURE = """async ({receipt, instanceId, size}) => {
  const t0 = performance.now();
  // On the page's thread: what is measured is libsodium in this mode, not a worker's.
  const keys = await HavenCrypto.deriveReceiptKeys(receipt, instanceId, {worker: false});
  const t1 = performance.now();
  const blob = HavenTest.bigBlob(size);
  let bytes = 0, chunks = 0;
  const t2 = performance.now();
  const sealed = await HavenCrypto.sealAttachment(blob, {
      onChunk: async (index, chunk) => { bytes += chunk.length; chunks = index; }});
  const t3 = performance.now();
  return {argon2Ms: t1 - t0, sealMs: t3 - t2, bytes, chunks, lookupId: keys.lookupIdB64,
          declaration: sealed.declaration, backend: HavenCrypto.backend(),
          heapMiB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null};
}"""


@pytest.mark.parametrize("mode", ["wasm", "nowasm", "jitless"])
def test_argon2id_and_sealing_measured(mode, browser, jitless_browser, live_server):
    size = int(os.environ.get("HAVEN_BROWSER_SEAL_BYTES", DEFAULT_BYTES[mode]))
    chosen = jitless_browser if mode == "jitless" else browser
    with live_server(harness.create_app()) as base_url:
        context, page, _backend = harness.open_harness(chosen, base_url, no_wasm=mode == "nowasm")
        page.set_default_timeout(3_600_000)
        out = page.evaluate(MEASURE, {"receipt": RECEIPT, "instanceId": INSTANCE_ID,
                                      "size": size})
        assert harness.unexpected_errors(page, wasm=mode == "wasm") == []
        context.close()
    assert out["backend"] == ("wasm" if mode == "wasm" else "js")
    assert b64decode(out["lookupId"]) == derive_receipt_keys(RECEIPT, INSTANCE_ID).lookup_id
    _padded, count, ct_len = stream_layout(size)
    assert out["declaration"]["ct_len"] == out["bytes"] == ct_len
    assert out["declaration"]["chunk_count"] == out["chunks"] == count
    rate = size / MIB / (out["sealMs"] / 1000)
    print(f"\n[{mode}] argon2id receipt (16 MiB, ops 2): {out['argon2Ms']:.0f} ms; "
          f"sealed {size / MIB:.0f} MiB in {out['sealMs'] / 1000:.1f} s ({rate:.1f} MiB/s); "
          f"JS heap after: {out['heapMiB'] or 0:.0f} MiB (libsodium's fixed memory included)")
