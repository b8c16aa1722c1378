"""Typed, numbered placeholders, consistent across a record: the same entity always gets the
same ``[PERSON-1]``, in every field and every version, when the map is passed back in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from reviewer.redact.engine import resolve_overlaps
from reviewer.redact.errors import InvalidPlaceholderMap, InvalidSpan
from reviewer.redact.model import SPAN_TYPES, RedactionResult, Span
from reviewer.redact.text import fold, loose_key

_PLACEHOLDER = re.compile(rf"\[({'|'.join(SPAN_TYPES)})-([1-9]\d*)\]")


def apply_redaction(
    text: str,
    spans: Iterable[Span],
    existing_placeholders: Mapping[str, str] | None = None,
) -> RedactionResult:
    """Replace each span by its entity's placeholder; the original text is not changed."""
    if not isinstance(text, str):
        raise InvalidSpan("the text to redact must be a string")
    spans = list(spans)
    for span in spans:
        if span.end > len(text):
            raise InvalidSpan(f"span [{span.start}, {span.end}) lies outside the text "
                              f"({len(text)} code points)")
    mapping = _checked_map(existing_placeholders)
    counters = _counters(mapping)
    pieces: list[str] = []
    placed: list[tuple[Span, str]] = []
    cursor = 0
    for span in resolve_overlaps(text, spans):
        key = span.entity_key or _surface_key(span, text[span.start : span.end])
        placeholder = mapping.get(key)
        if placeholder is None:
            counters[span.type] = counters.get(span.type, 0) + 1
            placeholder = f"[{span.type}-{counters[span.type]}]"
            mapping[key] = placeholder
        pieces.append(text[cursor : span.start])
        pieces.append(placeholder)
        placed.append((span, placeholder))
        cursor = span.end
    pieces.append(text[cursor:])
    return RedactionResult("".join(pieces), tuple(placed), dict(mapping))


def _surface_key(span: Span, surface: str) -> str:
    """A reviewer-added span has no key: the same words get the same placeholder."""
    return f"{span.type}:{loose_key(surface) or fold(surface).strip()}"


def _checked_map(existing: Mapping[str, str] | None) -> dict[str, str]:
    if existing is None:
        return {}
    if not isinstance(existing, Mapping):
        raise InvalidPlaceholderMap("the placeholder map must map entity keys to placeholders")
    for key, value in existing.items():
        well_formed = isinstance(value, str) and _PLACEHOLDER.fullmatch(value)
        if not isinstance(key, str) or not well_formed:
            raise InvalidPlaceholderMap(f"{value!r} is not a placeholder like [PERSON-1]")
    return dict(existing)


def _counters(mapping: Mapping[str, str]) -> dict[str, int]:
    counters: dict[str, int] = {}
    for value in mapping.values():
        match = _PLACEHOLDER.fullmatch(value)
        if match is not None:
            kind, number = match.group(1), int(match.group(2))
            counters[kind] = max(counters.get(kind, 0), number)
    return counters
