"""Every vault/testdata vector through the browser implementation, in Chromium (SPEC §11).

The page fetches each vector from the fixture server (which serves vault/testdata) and runs
it with ``fixtures/js/vector-runner.js``, the JavaScript twin of tests/vectors/: a success
vector must give exactly its ``plaintext``, a failure vector exactly its error ``code``.
Run with WebAssembly and again with it deleted before libsodium loads (the pure-JS build);
that second run takes the receipt vector's argon2id master as given (argon2id without wasm is
checked against Python once, in test_js_fallback.py) and checks everything else.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest


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

VECTORS = sorted(harness.TESTDATA.glob("*.json"))


def _expected(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize("mode", ["wasm", "nowasm"])
def test_every_vector_in_chromium(browser, live_server, mode):
    assert len(VECTORS) >= 30
    with live_server(harness.create_app()) as base_url:
        context, page, backend = harness.open_harness(browser, base_url, no_wasm=mode == "nowasm")
        assert backend == ("wasm" if mode == "wasm" else "js")
        page.set_default_timeout(120_000)
        results = page.evaluate(
            "([names, options]) => HavenVectors.runAll(names, options)",
            [[p.name for p in VECTORS], {"argon2": mode == "wasm"}],
        )
        assert harness.unexpected_errors(page, wasm=mode == "wasm") == []
        context.close()
    failures = []
    for path in VECTORS:
        vector, got = _expected(path), results[path.name]
        if vector["expect"] == "success":
            if not got["ok"]:
                failures.append(f"{path.stem}: expected success, got {got['code']}: {got}")
            elif "plaintext" in vector and got["value"] != vector["plaintext"]:
                failures.append(f"{path.stem}: plaintext differs: {got['value']!r}")
        elif got["ok"] or got["code"] != vector["expect"]:
            failures.append(f"{path.stem}: expected {vector['expect']}, got {got}")
    assert failures == []
