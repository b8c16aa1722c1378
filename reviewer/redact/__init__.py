"""Redaction assistant: suggests spans to mask in a report's narrative, in the six UN
languages, and turns the confirmed spans into typed, numbered placeholders.

Public API (plain Python, no Flask; the reviewer app's UI calls it):

- ``suggest_spans(text, *, lang, known, country=None, allow_coarse_dates=False) -> list[Span]``
- ``apply_redaction(text, spans, existing_placeholders=None) -> RedactionResult``
- ``new_version(previous, confirmed, rejected, added, author) -> RedactionVersion``
- ``residual_identifiers(text, known, lang) -> list[Span]`` for the release gate.
- ``extend_known(known, text, spans) -> KnownIdentifiers``: names confirmed in one field of
  a record, to be looked for in its other fields.
"""

from reviewer.redact.engine import (
    extend_known,
    residual_identifiers,
    resolve_overlaps,
    suggest_spans,
)
from reviewer.redact.errors import (
    InvalidCountry,
    InvalidKnownIdentifiers,
    InvalidPlaceholderMap,
    InvalidSpan,
    InvalidVersion,
    RedactionError,
    UnsupportedLanguage,
)
from reviewer.redact.model import (
    DIRECT_TYPES,
    LANGUAGES,
    SPAN_TYPES,
    KnownIdentifiers,
    KnownPerson,
    RedactionResult,
    Span,
)
from reviewer.redact.placeholders import apply_redaction
from reviewer.redact.versions import RedactionVersion, new_version, pending_suggestions

__all__ = [
    "DIRECT_TYPES",
    "LANGUAGES",
    "SPAN_TYPES",
    "InvalidCountry",
    "InvalidKnownIdentifiers",
    "InvalidPlaceholderMap",
    "InvalidSpan",
    "InvalidVersion",
    "KnownIdentifiers",
    "KnownPerson",
    "RedactionError",
    "RedactionResult",
    "RedactionVersion",
    "Span",
    "UnsupportedLanguage",
    "apply_redaction",
    "extend_known",
    "new_version",
    "pending_suggestions",
    "residual_identifiers",
    "resolve_overlaps",
    "suggest_spans",
]
