"""Measuring the assistant on an annotated corpus, the way the Text Anonymization Benchmark
does: an entity counts as protected only if every one of its mentions is masked.

- Recall is entity-level, per entity type and language, and split into direct identifiers
  (anything the reporter gave in the structured fields, phones, e-mails, ID numbers, IBANs)
  and the rest (other persons, dates, addresses, URLs, handles, IP addresses).
- A mention is masked when suggested spans cover all its non-space characters (whatever type
  they carry: a masked name is masked).
- Precision is per suggested type and language: a suggestion is correct when it overlaps a
  gold mention.
- A gold mention may carry a ``limitation``: a written reason why no assistant could find
  it from the fields (a name given only in a romanisation the text does not use, an
  organisation given in one language and translated in the text). Such entities are
  counted and listed apart, never silently: the reviewer has to add them by hand.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.redact.engine import suggest_spans
from reviewer.redact.errors import CorpusError, RedactionError
from reviewer.redact.model import DIRECT_TYPES, SPAN_TYPES, KnownIdentifiers, Span, check_language

_REQUIRED = ("id", "lang", "text", "known", "gold")


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    type: str
    entity: str
    surface: str
    known: bool = False
    limitation: str = ""

    @property
    def direct(self) -> bool:
        return self.known or self.type in DIRECT_TYPES


@dataclass(frozen=True)
class Narrative:
    id: str
    lang: str
    country: str | None
    text: str
    known: KnownIdentifiers
    gold: tuple[GoldMention, ...]


def parse_narrative(data: Mapping[str, Any], *, origin: str = "") -> Narrative:
    where = origin or str(data.get("id", "?"))
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise CorpusError(f"{where}: missing {', '.join(missing)}")
    text = data["text"]
    if not isinstance(text, str) or not isinstance(data["gold"], list):
        raise CorpusError(f"{where}: 'text' must be a string and 'gold' a list")
    try:
        lang = check_language(str(data["lang"]))
        known = KnownIdentifiers.from_mapping(data["known"])
    except RedactionError as exc:
        raise CorpusError(f"{where}: {exc}") from None
    gold = tuple(_mention(item, text, where) for item in data["gold"])
    return Narrative(str(data["id"]), lang, data.get("country"), text, known, gold)


def _mention(item: Any, text: str, where: str) -> GoldMention:
    try:
        mention = GoldMention(
            start=int(item["start"]),
            end=int(item["end"]),
            type=str(item["type"]),
            entity=str(item["entity"]),
            surface=str(item["surface"]),
            known=bool(item.get("known", False)),
            limitation=str(item.get("limitation", "")).strip(),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CorpusError(f"{where}: malformed gold mention {item!r}: {exc}") from None
    if mention.type not in SPAN_TYPES:
        raise CorpusError(f"{where}: unknown type {mention.type!r}")
    if text[mention.start : mention.end] != mention.surface or mention.end <= mention.start:
        raise CorpusError(
            f"{where}: gold [{mention.start}, {mention.end}) reads "
            f"{text[mention.start : mention.end]!r}, not {mention.surface!r}"
        )
    return mention


def load_corpus(directory: Path) -> list[Narrative]:
    narratives = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CorpusError(f"{path.name}: unreadable: {exc}") from None
        narratives.append(parse_narrative(data, origin=path.name))
    if not narratives:
        raise CorpusError(f"no narratives in {directory}")
    return narratives


def is_masked(mention: GoldMention, text: str, spans: Iterable[Span]) -> bool:
    covered = set()
    for span in spans:
        if span.end > mention.start and span.start < mention.end:
            covered.update(range(max(span.start, mention.start), min(span.end, mention.end)))
    return all(
        i in covered for i in range(mention.start, mention.end) if not text[i].isspace()
    )


@dataclass(frozen=True)
class Tally:
    entities: int = 0
    recalled: int = 0
    suggested: int = 0
    correct: int = 0

    def add(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int]:
        return (self.entities, self.recalled, self.suggested, self.correct)

    @property
    def recall(self) -> float | None:
        return self.recalled / self.entities if self.entities else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.suggested if self.suggested else None


@dataclass(frozen=True)
class Evaluation:
    by_type_and_lang: Mapping[tuple[str, str], Tally]
    direct: Tally
    other: Tally
    limited: Tally  # entities with a documented limitation, outside direct/other
    misses: tuple[tuple[str, str, str], ...]  # (narrative id, entity, first missed surface)
    false_positives: tuple[tuple[str, str, str], ...]  # (narrative id, type, surface)

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for (kind, lang), tally in sorted(self.by_type_and_lang.items()):
            rows.append({"type": kind, "lang": lang, "entities": tally.entities,
                         "recall": tally.recall, "suggested": tally.suggested,
                         "precision": tally.precision})
        return rows


def evaluate(narratives: Iterable[Narrative]) -> Evaluation:
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    direct, other, limited = Tally(), Tally(), Tally()
    misses: list[tuple[str, str, str]] = []
    false_positives: list[tuple[str, str, str]] = []
    for narrative in narratives:
        spans = suggest_spans(narrative.text, lang=narrative.lang, known=narrative.known,
                              country=narrative.country)
        for kind, entity, mentions in _entities(narrative):
            missed = [m for m in mentions if not is_masked(m, narrative.text, spans)]
            tally = Tally(entities=1, recalled=0 if missed else 1)
            tallies[(kind, narrative.lang)] = tallies[(kind, narrative.lang)].add(tally)
            if any(m.limitation for m in mentions):
                limited = limited.add(tally)
            elif any(m.direct for m in mentions):
                direct = direct.add(tally)
            else:
                other = other.add(tally)
            if missed:
                misses.append((narrative.id, entity, missed[0].surface))
        for span in spans:
            hit = any(span.end > m.start and span.start < m.end for m in narrative.gold)
            tally = Tally(suggested=1, correct=int(hit))
            tallies[(span.type, narrative.lang)] = tallies[(span.type, narrative.lang)].add(tally)
            if not hit:
                false_positives.append(
                    (narrative.id, span.type, narrative.text[span.start : span.end])
                )
    return Evaluation(
        dict(tallies), direct, other, limited, tuple(misses), tuple(false_positives)
    )


def _entities(narrative: Narrative) -> list[tuple[str, str, list[GoldMention]]]:
    grouped: dict[str, list[GoldMention]] = defaultdict(list)
    for mention in narrative.gold:
        grouped[mention.entity].append(mention)
    return [(mentions[0].type, entity, mentions) for entity, mentions in grouped.items()]
