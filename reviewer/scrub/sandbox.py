"""Run the scrubber worker in its own sandboxed process and return a clean copy (S15).

The worker gets: the file on stdin, an empty environment, ``python -I`` (no site, no
user paths, no PYTHON* variables), a fresh empty working directory, no inherited file
descriptors, a new network namespace with no interfaces (``unshare -n``; root can create
one directly, other users need unprivileged user namespaces, ``unshare -rn``), CPU time,
address space, file size and process limits, the ``nobody`` user when the parent is root,
and a wall-clock timeout. Where ``unshare`` is not available the worker still runs, with
``network_isolated=False`` reported in ``sandbox_features()`` and shown to the operator.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess  # noqa: S404 - the sandboxed worker is the point of this module
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reviewer.errors import ScrubError

WORKER = Path(__file__).with_name("worker.py")
REFUSED_EXIT = 3
_CLEAN_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}

REFUSAL_MESSAGES = {
    "too_many_pixels": "The file has more pixels than the scrubber accepts.",
    "too_many_pages": "The document has more pages than the scrubber accepts.",
    "not_an_image": "The file claims to be an image but could not be decoded.",
    "not_a_pdf": "The file could not be read as a PDF.",
    "unsupported_type": "Only images and PDFs can be scrubbed; download the original instead.",
    "timeout": "The scrubber took too long and was stopped.",
    "crashed": "The scrubber stopped without producing a copy (limits exceeded or bad file).",
}


@dataclass(frozen=True)
class ScrubLimits:
    cpu_seconds: int
    memory_bytes: int
    max_pixels: int
    max_pages: int
    timeout_seconds: int


@dataclass(frozen=True)
class ScrubbedFile:
    data: bytes
    media_type: str
    extension: str
    transform: str  # recorded with the parent hash: chain of custody (S8)
    parent_sha256: str
    sha256: str


@dataclass(frozen=True)
class SandboxFeatures:
    network_isolated: bool
    own_user: bool


def sniff_kind(data: bytes) -> str | None:
    """What the bytes are, by their magic numbers; the declared type is not trusted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    signatures = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
    if data.startswith(signatures) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    return None


@functools.cache
def _unshare_prefix() -> tuple[str, ...]:
    for prefix in (("unshare", "-n"), ("unshare", "-r", "-n")):
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10,  # noqa: S603
                                   env=_CLEAN_ENV, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    return ()


def sandbox_features() -> SandboxFeatures:
    return SandboxFeatures(network_isolated=bool(_unshare_prefix()), own_user=os.getuid() == 0)


def scrub(data: bytes, limits: ScrubLimits) -> ScrubbedFile:
    """A scrubbed copy of ``data`` made by the sandboxed worker; raises ScrubError."""
    kind = sniff_kind(data)
    if kind is None:
        raise ScrubError("unsupported_type", REFUSAL_MESSAGES["unsupported_type"])
    output = _run_worker(kind, data, limits)
    parent = hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256(output).hexdigest()
    if kind == "pdf":
        return ScrubbedFile(output, "application/pdf", "pdf", "pdf-rasterised-150dpi",
                            parent, digest)
    if output.startswith(b"\xff\xd8"):
        return ScrubbedFile(output, "image/jpeg", "jpg", "image-reencoded-jpeg", parent, digest)
    return ScrubbedFile(output, "image/png", "png", "image-reencoded-png", parent, digest)


RELEASE_MAX_PIXELS = 40_000_000  # the case base decodes no larger image


def scrub_for_release(data: bytes, limits: ScrubLimits) -> ScrubbedFile:
    """A scrubbed copy the case base can take: images re-encoded as by ``scrub``; a PDF
    rasterised into ONE PNG image of its pages (the case base serves images only). Same
    input, same bytes: the release builder relies on it to find the approved copy again."""
    kind = sniff_kind(data)
    if kind != "pdf":
        return scrub(data, limits)
    capped = ScrubLimits(limits.cpu_seconds, limits.memory_bytes,
                         min(limits.max_pixels, RELEASE_MAX_PIXELS), limits.max_pages,
                         limits.timeout_seconds)
    output = _run_worker("pdf-image", data, capped)
    return ScrubbedFile(output, "image/png", "png", "pdf-rasterised-png-150dpi",
                        hashlib.sha256(data).hexdigest(), hashlib.sha256(output).hexdigest())


def sandboxed_command(argv: list[str]) -> list[str]:
    """``argv`` inside a fresh network namespace when the system allows it."""
    return [*_unshare_prefix(), *argv]


def _run_worker(kind: str, data: bytes, limits: ScrubLimits) -> bytes:
    command = sandboxed_command([
        sys.executable, "-I", "-B", str(WORKER), kind, str(limits.max_pixels),
        str(limits.max_pages), str(limits.cpu_seconds), str(limits.memory_bytes),
    ])
    with tempfile.TemporaryDirectory(prefix="haven-scrub-") as empty_dir:
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                command, input=data, capture_output=True, env=dict(_CLEAN_ENV), cwd=empty_dir,
                timeout=limits.timeout_seconds, close_fds=True, check=False,
            )
        except subprocess.TimeoutExpired:
            raise ScrubError("timeout", REFUSAL_MESSAGES["timeout"]) from None
    if done.returncode == 0 and done.stdout:
        return done.stdout
    if done.returncode == REFUSED_EXIT:
        lines = done.stderr.decode("ascii", "replace").strip().splitlines()
        reason = lines[-1] if lines and lines[-1] in REFUSAL_MESSAGES else "crashed"
        raise ScrubError(reason, REFUSAL_MESSAGES[reason])
    raise ScrubError("crashed", REFUSAL_MESSAGES["crashed"])
