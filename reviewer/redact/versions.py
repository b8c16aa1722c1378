"""Redaction versions: each review step is a new immutable version with its author and day;
nothing is overwritten, and the original text stays sealed in the vault."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.redact.errors import InvalidSpan, InvalidVersion
from reviewer.redact.model import Span
from vault.canonical import utc_day


@dataclass(frozen=True)
class RedactionVersion:
    """The spans masked in one field of a report at one review step.

    ``rejected`` keeps the suggestions a reviewer turned down, so they are not offered again.
    """

    number: int
    author: str
    day: str
    spans: tuple[Span, ...]
    parent: int | None
    rejected: tuple[Span, ...] = ()
    field: str = "narrative"

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "author": self.author,
            "day": self.day,
            "parent": self.parent,
            "field": self.field,
            "spans": [s.to_dict() for s in self.spans],
            "rejected": [s.to_dict() for s in self.rejected],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RedactionVersion:
        try:
            version = cls(
                number=int(data["number"]),
                author=str(data["author"]),
                day=str(data["day"]),
                parent=None if data.get("parent") is None else int(data["parent"]),
                field=str(data.get("field", "narrative")),
                spans=tuple(Span.from_dict(s) for s in data["spans"]),
                rejected=tuple(Span.from_dict(s) for s in data.get("rejected", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, InvalidSpan):
                raise InvalidVersion(f"malformed span in redaction version: {exc}") from None
            raise InvalidVersion(f"malformed redaction version: {exc}") from None
        _check_shape(version)
        return version


def _extent(span: Span) -> tuple[int, int]:
    return (span.start, span.end)


def _check_shape(version: RedactionVersion) -> None:
    if version.number < 1:
        raise InvalidVersion("version numbers start at 1")
    if not version.author.strip():
        raise InvalidVersion("a redaction version needs its author")
    expected_parent = None if version.number == 1 else version.number - 1
    if version.parent != expected_parent:
        raise InvalidVersion(f"version {version.number} must follow version {expected_parent}")
    if not version.field.strip():
        raise InvalidVersion("a redaction version names the field it applies to")


def new_version(
    previous: RedactionVersion | None,
    confirmed: Iterable[Span],
    rejected: Iterable[Span],
    added: Iterable[Span],
    author: str,
    *,
    day: str | None = None,
    field: str | None = None,
) -> RedactionVersion:
    """The next version: previous spans plus confirmed and added ones, minus rejected ones.

    Spans are compared by extent (start, end). A span may not be both kept and rejected.
    """
    confirmed, rejected, added = list(confirmed), list(rejected), list(added)
    if not str(author or "").strip():
        raise InvalidVersion("a redaction version needs its author")
    for span in (*confirmed, *rejected, *added):
        if not isinstance(span, Span):
            raise InvalidVersion(f"expected a Span, got {type(span).__name__}")
    refused = {_extent(s) for s in rejected}
    contested = refused & {_extent(s) for s in (*confirmed, *added)}
    if contested:
        raise InvalidVersion(f"spans both kept and rejected: {sorted(contested)}")
    kept: dict[tuple[int, int], Span] = {}
    for span in (*(previous.spans if previous else ()), *confirmed):
        kept[_extent(span)] = span
    for span in added:
        kept[_extent(span)] = Span(
            span.start, span.end, span.type, "reviewer", 1.0, span.entity_key
        )
    spans = tuple(sorted(s for extent, s in kept.items() if extent not in refused))
    earlier_rejected = [
        s for s in (previous.rejected if previous else ()) if _extent(s) not in kept
    ]
    all_rejected = {_extent(s): s for s in (*earlier_rejected, *rejected)}
    return RedactionVersion(
        number=previous.number + 1 if previous else 1,
        author=str(author).strip(),
        day=day or utc_day(),
        spans=spans,
        parent=previous.number if previous else None,
        rejected=tuple(sorted(all_rejected.values())),
        field=field or (previous.field if previous else "narrative"),
    )


def pending_suggestions(
    suggested: Iterable[Span], version: RedactionVersion | None
) -> list[Span]:
    """Suggestions the reviewer has not yet decided on: neither kept nor turned down in the
    latest version (a rejected suggestion is not offered again)."""
    if version is None:
        return list(suggested)
    decided = {_extent(s) for s in (*version.spans, *version.rejected)}
    return [s for s in suggested if _extent(s) not in decided]
