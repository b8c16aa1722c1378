#!/usr/bin/env python3
"""Rebuild intake/static/vendor/ from pinned npm packages, reproducibly.

Run from the repository root: ``python3 scripts/vendor-js.py`` (``--check`` only compares).

- ``npm pack NAME@VERSION`` fetches each pinned tarball into a temporary directory; its
  sha512 must equal the integrity pinned below (the registry's ``dist.integrity``), so a
  changed or substituted package stops the build instead of landing in the tree.
- The classic-script builds (``dist/modules-sumo/*.js``, not the ``.mjs`` ones, which have
  no pure-JS fallback) and the licences are copied under stable names.
- ``libsodium-sumo-bundle.js`` is both files in one script: the build that still works
  when WebAssembly is missing or refused (Tor Browser "Safer", ``script-src 'self'``).
- ``SRI.json`` (and ``sri.js``, the same hashes for the loader) list every file's sha384
  Subresource Integrity hash, its size and its gzipped size.

Nothing depends on the clock or the machine: two runs give identical bytes.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "intake" / "static" / "vendor"

# name -> (version, registry integrity). Raise both together, never one alone.
PACKAGES = {
    "libsodium-sumo": (
        "0.8.4",
        "sha512-TMtHShQfVVsaxDygyapvUC3o7YsPgXa/hRWeIgzyFz6w5k/1hirGptCxp1U7XwW3rCskaTTYKgV10v86UiGgNw==",
    ),
    "libsodium-wrappers-sumo": (
        "0.8.4",
        "sha512-ql7hcgulKZ3ekfa2DGAogcCKsWU0diA/0nArz1CFzh93WQdb46/Kj18ka/Hifq6uA3Ush34Pc6vU/6HXeRwUkg==",
    ),
}

# (package, path inside the tarball, name in intake/static/vendor/)
COPIES = [
    ("libsodium-sumo", "package/dist/modules-sumo/libsodium-sumo.js", "libsodium-sumo.js"),
    (
        "libsodium-wrappers-sumo",
        "package/dist/modules-sumo/libsodium-wrappers.js",
        "libsodium-wrappers-sumo.js",
    ),
    ("libsodium-sumo", "package/LICENSE", "LICENSE.libsodium-sumo"),
    ("libsodium-wrappers-sumo", "package/LICENSE", "LICENSE.libsodium-wrappers-sumo"),
]
BUNDLE = "libsodium-sumo-bundle.js"
BUNDLE_PARTS = ["libsodium-sumo.js", "libsodium-wrappers-sumo.js"]
SCRIPTS = [*BUNDLE_PARTS, BUNDLE]


class VendorError(Exception):
    """The pinned packages could not be fetched or did not match their pins."""


def fetch(name: str, version: str, integrity: str, workdir: Path) -> Path:
    """``npm pack`` one pinned package and check its sha512 against the pin."""
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm is not installed")
    result = subprocess.run(  # noqa: S603 - fixed arguments, pinned package names
        [npm, "pack", f"{name}@{version}", "--pack-destination", str(workdir), "--json"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise VendorError(f"npm pack {name}@{version} failed: {result.stderr.strip()[-400:]}")
    filename = json.loads(result.stdout)[0]["filename"]
    tarball = workdir / filename
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != integrity:
        raise VendorError(f"{name}@{version}: tarball sha512 does not match the pinned integrity")
    return tarball


def extract(tarball: Path, member: str) -> bytes:
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile(member)
        if handle is None:
            raise VendorError(f"{tarball.name}: {member} is not a regular file")
        return handle.read()


def build_files(workdir: Path) -> dict[str, bytes]:
    tarballs = {
        name: fetch(name, version, integrity, workdir)
        for name, (version, integrity) in PACKAGES.items()
    }
    files = {target: extract(tarballs[package], member) for package, member, target in COPIES}
    # One script: the wrappers find the core through the global it has just defined, so no
    # second request (which a strict CSP or a slow circuit can break) sits between the two.
    files[BUNDLE] = b"".join(files[part].rstrip(b"\n") + b"\n" for part in BUNDLE_PARTS)
    return files


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def manifest(files: dict[str, bytes]) -> dict:
    return {
        "algorithm": "sha384",
        "packages": {
            name: {"version": version, "integrity": integrity}
            for name, (version, integrity) in sorted(PACKAGES.items())
        },
        "files": {
            name: {
                "integrity": sri(data),
                "bytes": len(data),
                "gzip_bytes": gzipped_size(data),
            }
            for name, data in sorted(files.items())
        },
    }


def sri_script(files: dict[str, bytes]) -> bytes:
    """A classic script giving the loader the hashes it sets as ``integrity``."""
    hashes = {name: sri(files[name]) for name in SCRIPTS}
    body = json.dumps(hashes, indent=2, sort_keys=True)
    return (
        b"/* Generated by scripts/vendor-js.py: sha384 SRI of the vendored scripts. */\n"
        + f"self.HavenVendorSRI = Object.freeze({body});\n".encode()
    )


def outputs(workdir: Path) -> dict[str, bytes]:
    files = build_files(workdir)
    out = dict(files)
    out["SRI.json"] = (json.dumps(manifest(files), indent=2, sort_keys=True) + "\n").encode()
    out["sri.js"] = sri_script(files)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="haven-vendor-") as tmp:
        try:
            out = outputs(Path(tmp))
        except VendorError as exc:
            print(f"vendor-js: {exc}", file=sys.stderr)
            return 2
    if args.check:
        stale = [n for n, data in out.items() if _read(VENDOR / n) != data]
        for name in stale:
            print(f"vendor-js: intake/static/vendor/{name} differs from the pinned build")
        return 1 if stale else 0
    VENDOR.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(out.items()):
        (VENDOR / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")
    return 0


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


if __name__ == "__main__":
    sys.exit(main())
