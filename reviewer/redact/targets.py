"""What to look for: the structured fields turned into typed targets with stable entity keys."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewer.redact.model import KnownIdentifiers, KnownPerson
from reviewer.redact.text import dominant_script, fold, loose_key

# Name particles that are never looked for on their own.
PARTICLES = frozenset(
    {
        "de", "da", "del", "della", "di", "du", "des", "la", "le", "las", "los", "van", "von",
        "der", "den", "bin", "ibn", "bint", "al", "el", "abu", "ben", "y", "e", "i", "dos",
        "das", "do", "st", "saint", "sainte", "mc",
        "بن", "بنت", "ابن", "ابو", "ال", "عبد", "ام",
    }
)


# Words of organisation and place names too common to stand for the name on their own.
_GENERIC_WORDS = frozenset(
    {
        "centre", "center", "human", "rights", "right", "association", "committee", "network",
        "organisation", "organization", "foundation", "union", "council", "group", "office",
        "institute", "society", "league", "movement", "the", "and", "for", "des", "les", "pour",
        "droits", "humains", "homme", "centro", "derechos", "humanos", "red", "comite", "comité",
        "asociacion", "asociación", "fundacion", "fundación", "movimiento", "liga", "ligue",
        "reseau", "réseau", "observatoire", "observatorio", "city", "ville", "ciudad", "street",
        "rue", "calle", "national", "nationale", "nacional", "international", "internationale",
        "internacional",
    }
)


@dataclass(frozen=True)
class Target:
    """One entity from the fields and every surface form worth looking for."""

    type: str
    entity_key: str
    forms: tuple[str, ...]
    words: tuple[str, ...]  # single words for cross-script matching
    full_names: tuple[str, ...] = ()  # multi-word names for CJK ↔ Latin matching


def entity_key(kind: str, name: str) -> str:
    key = loose_key(name) or fold(name).replace(" ", "")
    return f"{kind}:{key}"


def _acronym(name: str) -> str:
    initials = [w[0] for w in re.split(r"[\s\-]+", name) if w[:1].isupper()]
    return "".join(initials) if len(initials) >= 3 else ""  # noqa: PLR2004


def _usable_form(form: str) -> bool:
    folded = fold(form).strip()
    if not folded or folded in PARTICLES:
        return False
    if dominant_script(form) == "cjk":
        return len(folded) >= 2  # noqa: PLR2004  one character is not a name
    return sum(c.isalnum() for c in folded) >= 2  # noqa: PLR2004


def _words(forms: tuple[str, ...]) -> tuple[str, ...]:
    words: list[str] = []
    for form in forms:
        if dominant_script(form) == "cjk":
            continue
        for word in re.split(r"[\s\-]+", form):
            if fold(word) not in PARTICLES and len(loose_key(word)) >= 3:  # noqa: PLR2004
                words.append(word)
    return tuple(dict.fromkeys(words))


def person_target(person: KnownPerson) -> Target:
    forms = tuple(f for f in person.parts() if _usable_form(f))
    full = tuple(f for f in (person.name, *person.aliases) if len(f.split()) > 1)
    return Target("PERSON", entity_key("PERSON", person.name), forms, _words(forms), full)


def _named_target(kind: str, name: str) -> Target:
    parenthesised = re.findall(r"\(([^)]+)\)", name)
    bare = re.sub(r"\s*\([^)]*\)", "", name).strip() or name
    forms = [bare, *parenthesised]
    if kind == "ORG" and (acronym := _acronym(bare)):
        forms.append(acronym)
    kept = tuple(dict.fromkeys(f for f in forms if _usable_form(f)))
    distinctive = tuple(
        w for w in _words(kept) if fold(w) not in _GENERIC_WORDS
    )  # Bir Duino ~ Бир Дуйно, word by word; "Centre", "Rights" alone mean nothing
    return Target(kind, entity_key(kind, bare), kept, distinctive)


def targets_from(known: KnownIdentifiers) -> list[Target]:
    """Name-like targets (persons, organisations, places, addresses) from the fields."""
    targets = [person_target(p) for p in known.persons if p.name]
    targets += [_named_target("ORG", o) for o in known.organisations]
    targets += [_named_target("LOCATION", p) for p in known.places]
    targets += [
        Target("ADDRESS", entity_key("ADDRESS", a), (a,), ()) for a in known.addresses
    ]
    return [t for t in targets if t.forms]
