"""The values the redaction assistant exchanges with its callers (frozen, plain data)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from reviewer.redact.errors import InvalidKnownIdentifiers, InvalidSpan, UnsupportedLanguage

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")

SPAN_TYPES = (
    "PERSON",
    "ORG",
    "LOCATION",
    "PHONE",
    "EMAIL",
    "URL",
    "IP",
    "ID",
    "IBAN",
    "ADDRESS",
    "DATE",
    "HANDLE",
)

# Identifiers that point at one person or account by themselves.
DIRECT_TYPES = frozenset({"PHONE", "EMAIL", "ID", "IBAN"})


def check_language(lang: str) -> str:
    code = (lang or "").strip().lower().split("-")[0]
    if code not in LANGUAGES:
        raise UnsupportedLanguage(
            f"language {lang!r} is not supported; use one of {', '.join(LANGUAGES)}"
        )
    return code


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of text to mask: ``text[start:end]`` in code points.

    ``source`` says which recogniser found it (``known``, ``pattern``, ``presidio``,
    ``dateparser``, ``heuristic``, ``reviewer``); ``entity_key`` groups the mentions of one
    entity so they share a placeholder.
    """

    start: int
    end: int
    type: str
    source: str = "reviewer"
    score: float = 1.0
    entity_key: str = ""

    def __post_init__(self) -> None:
        if self.type not in SPAN_TYPES:
            raise InvalidSpan(f"unknown span type {self.type!r}")
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise InvalidSpan("span offsets must be integers")
        if self.start < 0 or self.end <= self.start:
            raise InvalidSpan(f"span [{self.start}, {self.end}) is empty or negative")

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "source": self.source,
            "score": self.score,
            "entity_key": self.entity_key,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        try:
            return cls(
                start=int(data["start"]),
                end=int(data["end"]),
                type=str(data["type"]),
                source=str(data.get("source", "reviewer")),
                score=float(data.get("score", 1.0)),
                entity_key=str(data.get("entity_key", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, InvalidSpan):
                raise
            raise InvalidSpan(f"malformed span: {exc}") from None


# Between name parts: spaces, and the middle dot of transliterated names (伊力夏提·阿不都热依木).
_NAME_SEPARATORS = re.compile(r"[\s·•・]+")


@dataclass(frozen=True)
class KnownPerson:
    """A person named in the structured fields; ``given``/``family`` default from ``name``."""

    name: str
    given: str = ""
    family: str = ""
    aliases: tuple[str, ...] = ()

    def parts(self) -> tuple[str, ...]:
        """Every form worth looking for: full name, given and family names, aliases."""
        words = _NAME_SEPARATORS.split(self.name.strip())
        given = self.given or (words[0] if len(words) > 1 else "")
        family = self.family or (" ".join(words[1:]) if len(words) > 1 else "")
        # Middle names alone too ("Yao" of Koffi Yao Désiré); particles are dropped later.
        middle = [w for w in words[1:-1] if len(w) >= 3]  # noqa: PLR2004
        forms = [self.name, given, family, *middle, *self.aliases]
        if family and len(_NAME_SEPARATORS.split(family)) > 1:
            forms.extend(_NAME_SEPARATORS.split(family))  # compound surnames: each part alone
        return tuple(dict.fromkeys(f.strip() for f in forms if f and f.strip()))


@dataclass(frozen=True)
class KnownIdentifiers:
    """What the reporter gave in the structured fields, to be found again in free text."""

    persons: tuple[KnownPerson, ...] = ()
    organisations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not any(
            (self.persons, self.organisations, self.places, self.identifiers,
             self.phones, self.emails, self.handles, self.addresses)
        )

    @classmethod
    def from_names(cls, names: Iterable[str]) -> KnownIdentifiers:
        return cls(persons=tuple(KnownPerson(name=n.strip()) for n in names if n.strip()))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> KnownIdentifiers:
        """Build from JSON: ``{"persons": [{"name", "given", "family", "aliases"} | "name"],
        "organisations": [...], "places": [...], "identifiers": [...], "phones": [...],
        "emails": [...], "handles": [...], "addresses": [...]}`` (every key optional)."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise InvalidKnownIdentifiers("known identifiers must be a JSON object")
        names = [f.name for f in fields(cls)]
        unknown = set(data) - set(names)
        if unknown:
            raise InvalidKnownIdentifiers(f"unknown field(s): {', '.join(sorted(unknown))}")
        persons = tuple(_person(p) for p in _list(data, "persons"))
        strings = {name: _strings(data, name) for name in names if name != "persons"}
        return cls(persons=persons, **strings)


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InvalidKnownIdentifiers(f"{key!r} must be a list")
    return value


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = _list(data, key)
    if not all(isinstance(v, str) for v in values):
        raise InvalidKnownIdentifiers(f"every entry of {key!r} must be a string")
    return tuple(v.strip() for v in values if v.strip())


def _person(entry: Any) -> KnownPerson:
    if isinstance(entry, str):
        return KnownPerson(name=entry.strip())
    if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
        raise InvalidKnownIdentifiers("each person must be a name or an object with 'name'")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise InvalidKnownIdentifiers("a person's 'aliases' must be a list of strings")
    return KnownPerson(
        name=entry["name"].strip(),
        given=str(entry.get("given") or "").strip(),
        family=str(entry.get("family") or "").strip(),
        aliases=tuple(a.strip() for a in aliases if a.strip()),
    )


@dataclass(frozen=True)
class RedactionResult:
    """The masked text, the spans with their placeholders, and the record's placeholder map.

    ``placeholder_map`` maps entity keys to placeholders; it is as sensitive as the original
    text (keys carry the identifiers) and is kept sealed with the record.
    """

    redacted: str
    spans_with_placeholders: tuple[tuple[Span, str], ...]
    placeholder_map: Mapping[str, str]
