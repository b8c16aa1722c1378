"""The vendored libsodium files match their manifest, and Haven's own scripts stay eval-free.

(No browser needed: these check files on disk. Rebuilding from npm is
``python3 scripts/vendor-js.py``; ``--check`` compares a fresh build with the tree.)
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENDOR = ROOT / "intake" / "static" / "vendor"
CRYPTO = ROOT / "intake" / "static" / "js" / "crypto"


def _manifest() -> dict:
    return json.loads((VENDOR / "SRI.json").read_text("utf-8"))


def test_every_vendored_file_matches_its_sri_hash():
    files = _manifest()["files"]
    assert set(files) == {
        "libsodium-sumo.js", "libsodium-wrappers-sumo.js", "libsodium-sumo-bundle.js",
        "LICENSE.libsodium-sumo", "LICENSE.libsodium-wrappers-sumo",
    }
    for name, meta in files.items():
        data = (VENDOR / name).read_bytes()
        digest = base64.b64encode(hashlib.sha384(data).digest()).decode()
        assert meta["integrity"] == f"sha384-{digest}", name
        assert meta["bytes"] == len(data)
        assert meta["gzip_bytes"] == len(gzip.compress(data, compresslevel=9, mtime=0))


def test_bundle_is_the_two_files_in_load_order():
    core = (VENDOR / "libsodium-sumo.js").read_bytes().rstrip(b"\n") + b"\n"
    wrappers = (VENDOR / "libsodium-wrappers-sumo.js").read_bytes().rstrip(b"\n") + b"\n"
    assert (VENDOR / "libsodium-sumo-bundle.js").read_bytes() == core + wrappers


def test_sri_script_agrees_with_the_manifest():
    text = (VENDOR / "sri.js").read_text("utf-8")
    body = text[text.index("Object.freeze(") + len("Object.freeze("): text.rindex(");")]
    files = _manifest()["files"]
    assert json.loads(body) == {
        name: files[name]["integrity"]
        for name in ("libsodium-sumo.js", "libsodium-wrappers-sumo.js", "libsodium-sumo-bundle.js")
    }


def test_pins_in_the_vendor_script_match_the_manifest():
    script = (ROOT / "scripts" / "vendor-js.py").read_text("utf-8")
    for name, pin in _manifest()["packages"].items():
        assert f'"{name}": (\n        "{pin["version"]}",\n        "{pin["integrity"]}",' in script


def test_havens_own_scripts_have_no_eval_and_no_network_origin():
    forbidden = re.compile(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\(\s*['\"]|https?://")
    for path in sorted(CRYPTO.glob("*.js")):
        assert not forbidden.search(path.read_text("utf-8")), path.name


def test_test_pages_have_no_inline_script():
    pages = Path(__file__).parent / "fixtures" / "pages"
    for page in pages.glob("*.html"):
        for tag in re.findall(r"<script[^>]*>", page.read_text("utf-8")):
            assert "src=" in tag, (page.name, tag)
