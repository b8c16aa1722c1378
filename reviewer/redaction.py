"""The reviewer side of redaction: candidates from the assistant (``reviewer.redact``),
decisions by a person, and each decision kept as a new signed, sealed ``redaction`` record.

Redaction is non-destructive (DESIGN.md §5): the original stays sealed in the vault; every
version names its author, day and parent, and the spans a reviewer rejected are remembered
so they are not offered again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.redact import (
    KnownIdentifiers,
    RedactionVersion,
    Span,
    apply_redaction,
    new_version,
    suggest_spans,
)
from reviewer.report_fields import known_identifiers, language, triage_defaults
from reviewer.workspace import Opened

FIELD = "narrative"


@dataclass(frozen=True)
class Segment:
    text: str
    span_index: int | None  # index into the candidate list when this text is a candidate


def latest_version(records: Opened, field: str = FIELD) -> RedactionVersion | None:
    latest = None
    for entry in records.of("redaction"):
        version = RedactionVersion.from_dict(entry.content["version"])
        if version.field == field and (latest is None or version.number > latest.number):
            latest = version
    return latest


def _extent(span: Span) -> tuple[int, int]:
    return span.start, span.end


def candidates(text: str, fields: Mapping[str, Any],
               previous: RedactionVersion | None) -> list[Span]:
    """The kept spans of the previous version, then new suggestions not yet decided."""
    known = KnownIdentifiers.from_mapping(known_identifiers(fields))
    country = triage_defaults(fields)["country"] or None
    suggested = suggest_spans(text, lang=language(fields), known=known, country=country)
    kept = list(previous.spans) if previous else []
    decided = {_extent(s) for s in kept} | {_extent(s) for s in
                                             (previous.rejected if previous else ())}
    fresh = [s for s in suggested if _extent(s) not in decided
             and not any(k.start < s.end and s.start < k.end for k in kept)]
    return sorted(kept + fresh)


def segments(text: str, spans: list[Span]) -> list[Segment]:
    pieces, cursor = [], 0
    for index, span in enumerate(spans):
        if span.start < cursor:
            continue  # overlapping candidates: the first one is shown
        if span.start > cursor:
            pieces.append(Segment(text[cursor:span.start], None))
        pieces.append(Segment(text[span.start:span.end], index))
        cursor = span.end
    if cursor < len(text):
        pieces.append(Segment(text[cursor:], None))
    return pieces


def added_spans(text: str, mention: str, span_type: str) -> list[Span]:
    """Every occurrence of a mention the assistant missed, typed by the reviewer."""
    mention = mention.strip()
    if not mention:
        return []
    return [Span(m.start(), m.end(), span_type, "reviewer", 1.0, f"{span_type}:{mention}")
            for m in re.finditer(re.escape(mention), text)]


def decide(options: list[Span], kept_indices: set[int], *,
           previous: RedactionVersion | None, author: str, added: list[Span],
           day: str) -> RedactionVersion:
    confirmed = [s for i, s in enumerate(options) if i in kept_indices]
    typed = {_extent(s) for s in added}  # typing a mention overrules unticking it
    rejected = [s for i, s in enumerate(options)
                if i not in kept_indices and _extent(s) not in typed]
    return new_version(previous, confirmed, rejected, added, author, day=day, field=FIELD)


def preview(text: str, version: RedactionVersion | None) -> str:
    if version is None:
        return text
    return apply_redaction(text, version.spans).redacted
