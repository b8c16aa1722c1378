"""The redaction assistant: every recogniser run over a text, overlaps resolved, mentions
of one entity grouped under one key."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

import phonenumbers

from reviewer.redact.addresses import find_addresses
from reviewer.redact.dates import find_dates
from reviewer.redact.errors import InvalidCountry, RedactionError
from reviewer.redact.inflection import russian_stems_of
from reviewer.redact.known import find_known_names
from reviewer.redact.known_ids import find_known_identifiers
from reviewer.redact.model import (
    DIRECT_TYPES,
    SPAN_TYPES,
    KnownIdentifiers,
    KnownPerson,
    Span,
    check_language,
)
from reviewer.redact.patterns import own_pattern_spans, presidio_spans
from reviewer.redact.persons import find_persons
from reviewer.redact.targets import entity_key, person_target, targets_from
from reviewer.redact.text import fold, loose_key, script_of, tokenize

# When spans overlap, the first type here names the merged span.
_TYPE_ORDER = (
    "EMAIL", "URL", "IBAN", "PHONE", "IP", "ID", "PERSON", "ORG", "LOCATION",
    "ADDRESS", "HANDLE", "DATE",
)
_JOINERS = re.compile(r"[\s\-]*(?:(?:de|del|la|da|dos|van|von|bin|ibn|al|el|بن|ابن)[\s\-]+)*")
PLACEHOLDER = re.compile(rf"\[(?:{'|'.join(SPAN_TYPES)})-\d+\]")


def suggest_spans(
    text: str,
    *,
    lang: str,
    known: KnownIdentifiers | None = None,
    country: str | None = None,
    allow_coarse_dates: bool = False,
) -> list[Span]:
    """Spans to redact in ``text`` (code-point offsets, sorted, not overlapping)."""
    lang = check_language(lang)
    country = _check_country(country)
    if not isinstance(text, str):
        raise RedactionError("the text to redact must be a string")
    known = known or KnownIdentifiers()
    spans = find_known_names(text, known)
    spans += find_known_identifiers(text, known, country)
    spans += presidio_spans(text, country)
    spans += own_pattern_spans(text)
    spans += find_addresses(text)
    spans += find_dates(text, lang, allow_coarse_dates=allow_coarse_dates)
    persons = _link_persons(text, find_persons(text), known)
    spans += persons
    spans += _other_mentions(text, persons)
    return resolve_overlaps(text, spans)


def residual_identifiers(
    text: str,
    known: KnownIdentifiers | None,
    lang: str,
    *,
    country: str | None = None,
    allow_exact_dates: bool = False,
) -> list[Span]:
    """Direct identifiers left in a final text, placeholders such as ``[PERSON-1]`` ignored.

    Direct: any name or identifier from the structured fields (and its variants), phone
    numbers, e-mails, ID numbers, IBANs, street addresses, and day-exact dates unless their
    release is consented (``allow_exact_dates``).
    """
    if not isinstance(text, str):
        raise RedactionError("the text to check must be a string")
    blanked = PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)
    spans = suggest_spans(blanked, lang=lang, known=known, country=country, allow_coarse_dates=True)
    direct = DIRECT_TYPES | {"ADDRESS"}
    return [
        s for s in spans
        if s.source == "known" or s.type in direct or (s.type == "DATE" and not allow_exact_dates)
    ]


def extend_known(known: KnownIdentifiers, text: str, spans: Iterable[Span]) -> KnownIdentifiers:
    """The fields plus the names confirmed in one text of a record, to search the others.

    A colonel named in the narrative is then also masked in the incident list, under the same
    placeholder (his entity key is the same). Spans already tied to a field are skipped.
    """
    field_keys = {t.entity_key for t in targets_from(known)}
    persons, organisations, places = [], [], []
    for span in spans:
        if span.source == "known" or span.entity_key in field_keys or span.end > len(text):
            continue
        surface = text[span.start : span.end].strip()
        if span.type == "PERSON":
            persons.append(KnownPerson(name=surface))
        elif span.type == "ORG":
            organisations.append(surface)
        elif span.type == "LOCATION":
            places.append(surface)
    return replace(
        known,
        persons=known.persons + tuple(dict.fromkeys(persons)),
        organisations=known.organisations + tuple(dict.fromkeys(organisations)),
        places=known.places + tuple(dict.fromkeys(places)),
    )


def _check_country(country: str | None) -> str | None:
    if country is None or country == "":
        return None
    code = str(country).strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidCountry(f"country {country!r} is not a two-letter ISO 3166 code")
    return code


def _rank(span: Span, start: int, end: int) -> tuple[bool, int, float, int, int]:
    """Best first: a span covering the whole cluster (an e-mail around a name), then spans
    from the fields or the reviewer, then by score (a number after "passport" is an ID even
    if it also reads as a phone number somewhere), type and length."""
    return (
        not (span.start <= start and span.end >= end),
        0 if span.source in {"known", "reviewer"} else 1,
        -span.score,
        _TYPE_ORDER.index(span.type),
        span.start - span.end,
    )


def resolve_overlaps(text: str, spans: Iterable[Span]) -> list[Span]:
    """One span per overlapping cluster: the union of their extents, named by the best."""
    ordered = sorted(_strip(text, s) for s in spans)
    ordered = [s for s in ordered if s is not None]
    merged: list[Span] = []
    cluster: list[Span] = []
    cluster_end = -1
    for span in ordered:
        if cluster and span.start >= cluster_end:
            merged.append(_merge(cluster))
            cluster = []
        cluster.append(span)
        cluster_end = max(cluster_end, span.end) if len(cluster) > 1 else span.end
    if cluster:
        merged.append(_merge(cluster))
    return _join_adjacent(text, merged)


def _strip(text: str, span: Span) -> Span | None:
    start, end = span.start, min(span.end, len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return None
    if (start, end) == (span.start, span.end):
        return span
    return Span(start, end, span.type, span.source, span.score, span.entity_key)


def _merge(cluster: list[Span]) -> Span:
    start = min(s.start for s in cluster)
    end = max(s.end for s in cluster)
    best = min(cluster, key=lambda s: _rank(s, start, end))
    return Span(start, end, best.type, best.source, best.score, best.entity_key)


def _join_adjacent(text: str, spans: list[Span]) -> list[Span]:
    joined: list[Span] = []
    for span in spans:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.entity_key
            and previous.entity_key == span.entity_key
            and _JOINERS.fullmatch(text[previous.end : span.start])
        ):
            joined[-1] = Span(previous.start, span.end, previous.type, previous.source,
                              max(previous.score, span.score), previous.entity_key)
        else:
            joined.append(span)
    return joined


def _word_keys(word: str) -> set[str]:
    stems = russian_stems_of(fold(word)) if script_of(word[:1]) == "cyrillic" else {word}
    return {k for k in (loose_key(s) for s in stems) if len(k) >= 3}  # noqa: PLR2004


def _link_persons(text: str, persons: list[Span], known: KnownIdentifiers) -> list[Span]:
    """A titled name that is a known person's (Mr. Mansour) takes that person's key."""
    people = [(person_target(p), set().union(*(_word_keys(w) for w in person_target(p).words)))
              for p in known.persons if p.name]
    linked = []
    for span in persons:
        keys = set().union(*(_word_keys(t.text) for t in tokenize(text[span.start : span.end])))
        owner = next((t.entity_key for t, words in people if keys & words), span.entity_key)
        linked.append(Span(span.start, span.end, span.type, span.source, span.score, owner))
    return linked


def _other_mentions(text: str, persons: list[Span]) -> list[Span]:
    """Once a title reveals a name, find the name's other mentions too (any form, script)."""
    if not persons:
        return []
    owners = {entity_key("PERSON", text[s.start : s.end]): s.entity_key for s in persons}
    names = tuple(dict.fromkeys(KnownPerson(name=text[s.start : s.end]) for s in persons))
    return [
        Span(s.start, s.end, "PERSON", "heuristic", 0.55, owners.get(s.entity_key, s.entity_key))
        for s in find_known_names(text, KnownIdentifiers(persons=names))
    ]
