"""Building blocks of the browser crypto against their Python twins, in Chromium.

Canonical JSON (RFC 8785 with NFC) against vault.canonical; padding and Padmé against
vault.padding; receipts against vault.receipts; the wordlist against vault/data; the
proof-of-work solver (page and Web Worker) against hashlib; the loader's SRI attributes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

from vault.canonical import b64encode, canonical_json
from vault.padding import pad, padme
from vault.receipts import derive_receipt_keys, normalise_receipt, receipt_as_digits


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

# 1e20 is left out on purpose: written "100000000000000000000" it reads back as an integer
# beyond 2^53, which the browser refuses to encode (see the refusal test below).
NUMBERS = [0, -0.0, 1, -1, 0.1, 0.2 + 0.1, 1e21, 1e22, 1e-6, 1e-7, 123456789.123, 5e-324,
           1.7976931348623157e308, 2**53 - 1, -(2**31), 1 / 3, 100.0, 4.5e15, 9.999e-5]
STRINGS = ["", "plain", "é", "e\u0301", "\u212b", "tab\tnew\nline", "\u0000\u001f\u007f",
           'quote " back \\ slash', "\u2028\u2029", "😀 emoji", "\ufb01", "ﬀ", "日本語",
           "\u00c5ngstr\u00f6m", "Ω\u2126"]


def _random_json(rng: random.Random, depth: int = 0):
    kind = rng.randrange(7 if depth < 3 else 4)
    if kind == 0:
        return rng.choice(NUMBERS + [rng.randint(-10**6, 10**6), rng.uniform(-1e9, 1e9)])
    if kind == 1:
        return rng.choice(STRINGS) + rng.choice(STRINGS)
    if kind == 2:
        return rng.choice([True, False, None])
    if kind == 3:
        return rng.choice(STRINGS)
    if kind == 4:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = {rng.choice(["a", "B", "é", "\u20ac", "😀", "z", "10", "1", ""]) + rng.choice(
        ["", "x", "\u00e9", "\U0001f600"]) for _ in range(rng.randrange(5))}
    return {k: _random_json(rng, depth + 1) for k in keys}


@pytest.fixture
def page(browser, live_server):
    with live_server(harness.create_app()) as base_url:
        context, page, backend = harness.open_harness(browser, base_url)
        assert backend == "wasm"
        page.base_url = base_url
        yield page
        assert harness.unexpected_errors(page, wasm=True) == []
        context.close()


def test_canonical_json_matches_python(page):
    rng = random.Random(8785)
    values = [_random_json(rng) for _ in range(300)] + [NUMBERS, STRINGS]
    got = page.evaluate("values => values.map(v => HavenCrypto.canonicalJson(v))", values)
    for value, text in zip(values, got, strict=True):
        assert text.encode("utf-8") == canonical_json(value), value


def test_canonical_json_refuses_what_json_cannot_hold(page):
    codes = page.evaluate("""() => [
        () => HavenCrypto.canonicalJson({x: NaN}),
        () => HavenCrypto.canonicalJson([Infinity]),
        () => HavenCrypto.canonicalJson({s: "\\ud800"}),
        () => HavenCrypto.canonicalJson({x: undefined}),
        () => HavenCrypto.canonicalJson({"\\u00e9": 1, "e\\u0301": 2}),
        () => HavenCrypto.canonicalJson(new Date(0)),
        () => HavenCrypto.canonicalJson({n: 2 ** 60}),
        () => HavenCrypto.canonicalJson([-(2 ** 53)]),
    ].map(f => { try { f(); return "accepted"; } catch (e) { return e.code; } })""")
    assert codes == ["fields_malformed"] * 8


def test_padding_and_padme_match_python(page):
    lengths = [0, 1, 1022, 1023, 1024, 5000, 65535, 70000]
    got = page.evaluate("""lengths => lengths.map(n => {
        const padded = HavenCrypto.pad(new Uint8Array(n).fill(65));
        const back = HavenCrypto.unpad(padded);
        return [padded.length, sodium.to_hex(sodium.crypto_generichash(32, padded, null)),
                back.length];
    })""", lengths)
    for n, (size, digest, back) in zip(lengths, got, strict=True):
        padded = pad(b"A" * n)
        assert (size, back) == (len(padded), n)
        assert digest == hashlib.blake2b(padded, digest_size=32).hexdigest()
    sizes = [0, 1, 2, 3, 9, 100, 1000, 65536, 65537, 10**6, 123456789, 524288000]
    assert page.evaluate("s => s.map(HavenCrypto.padme)", sizes) == [padme(n) for n in sizes]
    codes = page.evaluate("""() => [new Uint8Array(1000), new Uint8Array(1024),
        new Uint8Array(1 << 23)].map(b => {
            try { HavenCrypto.unpad(b); return "accepted"; } catch (e) { return e.code; } })""")
    assert codes == ["bad_padding", "bad_padding", "bad_padding"]
    too_big = page.evaluate("""() => { try { HavenCrypto.pad(new Uint8Array(1 << 22)); }
        catch (e) { return e.code; } }""")
    assert too_big == "fields_too_large"


def test_streaming_blake2b_equals_libsodium(page):
    mismatches = page.evaluate("""() => {
        const bad = [];
        for (const n of [0, 1, 3, 127, 128, 129, 255, 256, 257, 1000, 65536 + 17, 200000]) {
            const data = HavenTest.fileBytes(n, n);
            for (const split of [1, 7, 128, 4096, n + 1]) {
                const h = HavenCrypto.blake2bInit(32);
                for (let i = 0; i < n; i += split) {
                    HavenCrypto.blake2bUpdate(h, data.subarray(i, i + split));
                }
                const ours = sodium.to_hex(HavenCrypto.blake2bFinal(h));
                const theirs = sodium.to_hex(sodium.crypto_generichash(32, data, null));
                if (ours !== theirs) bad.push([n, split]);
            }
        }
        return bad;
    }""")
    assert mismatches == []
    data = harness.file_bytes(1000, 2)
    digest = page.evaluate("""() => { const h = HavenCrypto.blake2bInit(64);
        HavenCrypto.blake2bUpdate(h, HavenTest.fileBytes(1000, 2));
        return sodium.to_hex(HavenCrypto.blake2bFinal(h)); }""")
    assert digest == hashlib.blake2b(data).hexdigest()


def test_a_file_that_changes_between_passes_is_refused(page):
    codes = page.evaluate("""async () => {
        // A File-like object whose bytes can change (a file edited on disk while uploading).
        let content = HavenTest.fileBytes(100000, 1);
        const changing = {size: content.length, name: "doc.pdf", type: "application/pdf",
            slice: (a, b) => ({arrayBuffer: async () => content.slice(a, b).buffer})};
        const prepared = await HavenCrypto.prepareAttachment(changing);
        content = HavenTest.fileBytes(100000, 2);
        const sent = [];
        const changed = await HavenTest.outcome(() => prepared.upload(async (i) => sent.push(i)));
        const shrinking = {size: 100000, name: "x", type: "",
            slice: (a, b) => ({arrayBuffer: async () => new ArrayBuffer(Math.max(0, b - a - 1))})};
        const short = await HavenTest.outcome(() => HavenCrypto.prepareAttachment(shrinking));
        const huge = await HavenTest.outcome(() => HavenCrypto.prepareAttachment(
            {size: 524288001, name: "big", type: "", slice: () => null}));
        return [changed.code, sent.length, short.code, huge.code];
    }""")
    assert codes == ["manifest_mismatch", 3, "manifest_mismatch", "file_too_large"]


def test_wordlist_is_the_vaults(page):
    words = (harness.ROOT / "vault" / "data" / "wordlist-en.txt").read_text("utf-8").split()
    assert page.evaluate("Array.from(HavenWordlistEn)") == words


def test_receipts_match_python(page):
    generated = page.evaluate("""() => Array.from({length: 25}, () => {
        const r = HavenCrypto.generateReceipt();
        return [r, sodium.to_hex(HavenCrypto.normaliseReceipt(r.text)),
                HavenCrypto.receiptAsDigits(r.text)];
    })""")
    for receipt, canonical, digits in generated:
        assert bytes.fromhex(canonical) == normalise_receipt(receipt["text"])
        assert digits == receipt["digits"] == receipt_as_digits(receipt["text"])
        assert normalise_receipt(receipt["digits"]) == bytes.fromhex(canonical)
        assert len(receipt["indices"]) == 8
    variants = ["1 ZOO zoo Zoo zoo, zoo; zoo zoo ZOO", "abandon ability able about above "
                "absent absorb abstract", "1 aban abil able abou abov abse abso abst",
                "0000 0001 0002 0003 0004 0005 0006 2047", "1 ÀBANDON ability able about above "
                "absent absorb abstract", "1 ｚｏｏ zoo zoo zoo zoo zoo zoo zoo"]
    got = page.evaluate("v => v.map(t => sodium.to_hex(HavenCrypto.normaliseReceipt(t)))",
                        variants)
    assert [bytes.fromhex(g) for g in got] == [normalise_receipt(v) for v in variants]
    refused = ["", "2 zoo zoo zoo zoo zoo zoo zoo zoo", "zoo zoo zoo", "2048 zoo zoo zoo zoo zoo "
               "zoo zoo", "zo zoo zoo zoo zoo zoo zoo zoo", "zoox1 zoo zoo zoo zoo zoo zoo zoo",
               "123 zoo zoo zoo zoo zoo zoo zoo"]
    codes = page.evaluate("""v => v.map(t => { try { HavenCrypto.normaliseReceipt(t); return "ok"; }
                                               catch (e) { return e.code; } })""", refused)
    assert codes == ["receipt_invalid"] * len(refused)


def test_receipt_keys_from_the_worker_equal_python(page):
    receipt = "1 join fiction walnut mercy beef depth blossom salmon"
    instance_id = "00112233445566778899aabbccddeeff"
    got = page.evaluate("""async ([receipt, instanceId]) => {
        const before = performance.getEntriesByType("resource").length;
        const keys = await HavenCrypto.deriveReceiptKeys(receipt, instanceId, {worker: true});
        const worker = performance.getEntriesByType("resource").map(e => e.name)
            .filter(n => n.endsWith("/receipt-worker.js")).length;
        return [keys.lookupIdB64, HavenTest.b64(keys.signingPublicKey), worker];
    }""", [receipt, instance_id])
    keys = derive_receipt_keys(receipt, instance_id)
    assert got == [b64encode(keys.lookup_id), b64encode(keys.signing_pk), 1]
    refused = page.evaluate("""() => HavenCrypto.deriveReceiptKeys("zzzz", "x", {worker: true})
        .then(() => "accepted", e => e.code)""")
    assert refused == "receipt_invalid"


def test_without_wasm_receipt_keys_come_from_the_worker_by_default(browser, live_server):
    receipt = "1 join fiction walnut mercy beef depth blossom salmon"
    instance_id = "00112233445566778899aabbccddeeff"
    with live_server(harness.create_app()) as base_url:
        context, page, backend = harness.open_harness(browser, base_url, no_wasm=True)
        assert backend == "js"
        page.set_default_timeout(120_000)
        got = page.evaluate("""async ([receipt, instanceId]) => {
            const keys = await HavenCrypto.deriveReceiptKeys(receipt, instanceId);
            const worker = performance.getEntriesByType("resource").map(e => e.name)
                .filter(n => n.endsWith("/receipt-worker.js")).length;
            return [keys.lookupIdB64, worker];
        }""", [receipt, instance_id])
        context.close()
    assert got == [b64encode(derive_receipt_keys(receipt, instance_id).lookup_id), 1]


def _leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def test_proof_of_work_solver_in_page(page):
    challenge = "v1.abc.submit.12.1767000000.mac"
    binding = hashlib.sha256(b"envelope").hexdigest()
    prefix = f"{challenge}\n{binding}\n"
    result = page.evaluate("""async prefix => {
        const seen = [];
        const r = await HavenPow.solve({prefix, difficulty: 12, onProgress: n => seen.push(n)},
                                       sodium);
        return r;
    }""", prefix)
    digest = hashlib.sha256((prefix + result["nonce"]).encode()).digest()
    assert _leading_zero_bits(digest) >= 12
    assert digest.hex() == result["hashHex"]
    blake = page.evaluate("""() => HavenPow.solve({prefix: new Uint8Array([1, 2, 3]),
                                                    difficulty: 10, hash: "blake2b",
                                                    nonce: "u64be"}, sodium)""")
    digest = hashlib.blake2b(b"\x01\x02\x03" + bytes.fromhex(blake["nonce"]), digest_size=32)
    assert _leading_zero_bits(digest.digest()) >= 10
    assert int(blake["nonce"], 16) == blake["counter"]


def test_proof_of_work_in_a_worker(page):
    result = page.evaluate("""() => new Promise((resolve, reject) => {
        const worker = new Worker("/static/js/crypto/pow-worker.js");
        const progress = [];
        worker.onmessage = e => {
            if (e.data.progress) progress.push(e.data.progress);
            if (e.data.result) { worker.terminate(); resolve({...e.data.result, progress}); }
            if (e.data.error) { worker.terminate(); reject(new Error(e.data.error)); }
        };
        worker.postMessage({prefix: "haven-worker\\n", difficulty: 14});
    })""")
    digest = hashlib.sha256(("haven-worker\n" + result["nonce"]).encode()).digest()
    assert _leading_zero_bits(digest) >= 14


def test_loader_sets_subresource_integrity(page):
    sri = json.loads((harness.STATIC / "vendor" / "SRI.json").read_text("utf-8"))["files"]
    loaded = page.evaluate("""() => Array.from(document.querySelectorAll("script"))
        .filter(s => s.src.includes("/vendor/libsodium"))
        .map(s => [s.src.split("/").pop(), s.integrity])""")
    assert loaded == [
        ["libsodium-sumo.js", sri["libsodium-sumo.js"]["integrity"]],
        ["libsodium-wrappers-sumo.js", sri["libsodium-wrappers-sumo.js"]["integrity"]],
    ]


def test_bundle_included_directly(browser, live_server):
    with live_server(harness.create_app()) as base_url:
        context, page, backend = harness.open_harness(browser, base_url, "bundle-only")
        assert backend == "wasm"
        assert page.evaluate("document.querySelectorAll('script').length") == 11
        context.close()


def test_ready_refuses_a_page_missing_a_script(browser, live_server):
    with live_server(harness.create_app()) as base_url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base_url}/page/missing-part")
        error = page.evaluate("HavenCrypto.ready().then(() => null, e => [e.code, e.message])")
        assert error == ["crypto_unavailable", "scripts not loaded: events"]
        context.close()
