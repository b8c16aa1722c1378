"""Security headers on every intake response (S10, S11, S16).

The Content-Security-Policy is the smallest under which the pages run, and it is documented
here and in threat-model.md; a browser test fails when the served policy differs.

- Pages without crypto get ``script-src 'self'``.
- The report and inbox pages run libsodium: its WebAssembly needs ``'wasm-unsafe-eval'``
  (compiling wasm, never ``eval`` of JavaScript). Where wasm is refused or missing (Tor
  Browser "Safer"), the concatenated pure-JS fallback build runs under the same policy.
- ``media-src blob:`` lets the reporter play back an audio recording made on the page
  before it is encrypted; it never leaves page memory unencrypted.
- Nothing is cached anywhere (``no-store`` on every response, static files included), so a
  seized device keeps no copy of a page or a script that shows Haven was visited.
"""

from __future__ import annotations

from flask import Response, request

_COMMON_CSP = (
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
)
PAGE_CSP = "; ".join(("script-src 'self'", *_COMMON_CSP))
CRYPTO_PAGE_CSP = "; ".join(
    ("script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "media-src blob:",
     *_COMMON_CSP)
)
# Endpoints that return JSON or files: nothing may run or be framed.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
# Scripts: ignored when a page loads them, but a Web Worker runs under its own script's
# policy — the proof of work and the receipt's argon2id may load scripts from here and
# compile wasm, nothing else.
WORKER_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(self), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
CLEAR_SITE_DATA = '"cache", "storage"'
HSTS = "max-age=63072000; includeSubDomains"


def apply_security_headers(
    response: Response, *, behind_tls: bool, onion_address: str, crypto_endpoints: frozenset
) -> Response:
    headers = response.headers
    if response.mimetype == "text/html":
        crypto = request.endpoint in crypto_endpoints
        headers["Content-Security-Policy"] = CRYPTO_PAGE_CSP if crypto else PAGE_CSP
    elif request.path.startswith("/static/"):
        if request.path.endswith(".js"):
            headers["Content-Security-Policy"] = WORKER_CSP
    else:
        headers["Content-Security-Policy"] = DATA_CSP
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Cache-Control"] = "no-store, max-age=0"
    headers["Pragma"] = "no-cache"
    headers.pop("Last-Modified", None)  # a file's mtime is not the reporter's business
    headers.pop("ETag", None)
    if behind_tls:
        headers["Strict-Transport-Security"] = HSTS
    if onion_address:
        headers["Onion-Location"] = f"http://{onion_address}{request.full_path.rstrip('?')}"
    return response
