"""Response headers of every reviewer page (S16).

The app serves no JavaScript at all: ``script-src`` is absent (``default-src 'none'``), and
``require-trusted-types-for 'script'`` with ``trusted-types 'none'`` makes any DOM sink a
hostile string might reach throw instead of parse. Images only from the app itself or
``data:`` (the TOTP enrolment QR code): never remote content.
"""

from __future__ import annotations

from flask import Response

PAGE_CSP = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    )
)
# Attachments and scrubbed copies: never rendered, and sandboxed if a browser tried.
DOWNLOAD_CSP = "sandbox; default-src 'none'"

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cache-Control": "no-store",
}


def apply_security_headers(response: Response, secure_transport: bool) -> Response:
    for name, value in COMMON.items():
        response.headers[name] = value
    response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    if secure_transport:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response
