#!/usr/bin/env python3
"""Vendor axe-core (the accessibility engine the browser tests run) from its pinned npm package.

Run from the repository root: ``python3 scripts/vendor_axe.py`` (``--check`` only compares).
A sibling of ``scripts/vendor-js.py``, with the same rules:

- ``npm pack axe-core@VERSION`` fetches the tarball; its sha512 must equal the pinned registry
  ``dist.integrity`` or nothing is written.
- ``axe.min.js`` and the licence (MPL-2.0) are copied to ``intake/static/vendor/axe/``;
  ``SRI.json`` records the package, its integrity and each file's sha384 Subresource
  Integrity hash and size. The tests check the file against that hash before injecting it.

The pages never load axe: tests inject it into a CSP-bypassing browser context.
Nothing depends on the clock or the machine: two runs give identical bytes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "intake" / "static" / "vendor" / "axe"
PACKAGE = "axe-core"
VERSION = "4.14.1"
INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
# (path inside the tarball, name in intake/static/vendor/axe/)
COPIES = (("package/axe.min.js", "axe.min.js"), ("package/LICENSE", "LICENSE.axe-core"))


class VendorError(Exception):
    """The pinned package could not be fetched or did not match its pin."""


def fetch(workdir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm is not installed")
    result = subprocess.run(  # noqa: S603 - fixed arguments, a pinned package name
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(workdir), "--json"],
        cwd=workdir, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise VendorError(f"npm pack {PACKAGE}@{VERSION} failed: {result.stderr.strip()[-400:]}")
    tarball = workdir / json.loads(result.stdout)[0]["filename"]
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise VendorError(f"{PACKAGE}@{VERSION}: tarball sha512 does not match the pin")
    return tarball


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def outputs(workdir: Path) -> dict[str, bytes]:
    tarball = fetch(workdir)
    files: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member, target in COPIES:
            handle = archive.extractfile(member)
            if handle is None:
                raise VendorError(f"{tarball.name}: {member} is not a regular file")
            files[target] = handle.read()
    manifest = {
        "algorithm": "sha384",
        "package": {"name": PACKAGE, "version": VERSION, "integrity": INTEGRITY,
                    "license": "MPL-2.0"},
        "files": {name: {"integrity": sri(data), "bytes": len(data)}
                  for name, data in sorted(files.items())},
    }
    files["SRI.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="haven-axe-") as tmp:
        try:
            out = outputs(Path(tmp))
        except VendorError as exc:
            print(f"vendor_axe: {exc}", file=sys.stderr)
            return 2
    if args.check:
        stale = [name for name, data in out.items()
                 if not (TARGET / name).is_file() or (TARGET / name).read_bytes() != data]
        for name in stale:
            print(f"vendor_axe: intake/static/vendor/axe/{name} differs from the pinned build")
        return 1 if stale else 0
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(out.items()):
        (TARGET / name).write_bytes(data)
        print(f"axe/{name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
