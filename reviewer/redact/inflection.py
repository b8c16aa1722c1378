"""Inflected forms of names: Russian case endings and Arabic attached prefixes.

Russian names change their ending with grammatical case (Иванов → Иванова, Иванову,
Ивановым; Мария → Марии, Марию, Марией). Arabic attaches conjunctions, prepositions and the
article to the word (وأحمد، لأحمد، بالحسيني، للحسيني). Both are handled on folded text
(see ``text.fold``), so ё is е, й is и and Arabic letter variants are merged.
"""

from __future__ import annotations

from functools import lru_cache

# Folded (й → и) case endings of Russian nouns, adjectives and surnames, longest first.
RUSSIAN_ENDINGS = tuple(
    sorted(
        {
            "а", "я", "у", "ю", "е", "и", "ы", "о",
            "ои", "еи", "ою", "ею", "ом", "ем", "ым", "им", "ам", "ям",
            "ах", "ях", "ых", "их", "ов", "ев", "ую", "юю", "ая", "яя", "ое", "ее",
            "ого", "его", "ому", "ему", "ыми", "ими", "ами", "ями", "ию", "ии", "ия", "иеи",
            "ье", "ья", "ью", "ьи", "ьеи",
        },
        key=len,
        reverse=True,
    )
)

# Endings removed from a folded Russian name to find the stem the case endings attach to.
# Сергей (folded сергеи) keeps its е: only the й goes (Сергея, Сергею, Сергеем).
_STEM_ENDINGS = (
    "ия", "ья", "ии", "ая", "яя", "ое", "ее", "ыи", "ои", "а", "я", "и", "ь", "ы", "е", "о",
    "у", "ю",
)

ARABIC_CONJUNCTIONS = "وف"
ARABIC_PREPOSITIONS = "بلك"
ARABIC_ARTICLE = "ال"


def russian_stem(folded_word: str) -> str:
    """The stem of a folded Cyrillic name (``мариа``/``мариия`` → ``мари``…); at least 3 letters."""
    for ending in _STEM_ENDINGS:
        if folded_word.endswith(ending) and len(folded_word) - len(ending) >= 3:  # noqa: PLR2004
            return folded_word[: -len(ending)]
    return folded_word


def is_russian_ending(rest: str) -> bool:
    return rest == "" or rest in RUSSIAN_ENDINGS


@lru_cache(maxsize=16384)
def russian_stems_of(folded_word: str) -> frozenset[str]:
    """Every stem a folded Cyrillic word may have once a case ending is removed."""
    stems = {folded_word}
    for ending in RUSSIAN_ENDINGS:
        if folded_word.endswith(ending) and len(folded_word) - len(ending) >= 3:  # noqa: PLR2004
            stems.add(folded_word[: -len(ending)])
    return frozenset(stems)


def arabic_core(folded_word: str) -> str:
    """A folded Arabic name without its article: ``الحسيني`` → ``حسيني``."""
    if folded_word.startswith(ARABIC_ARTICLE) and len(folded_word) > 4:  # noqa: PLR2004
        return folded_word[2:]
    return folded_word


def arabic_prefix_ok(prefix: str) -> bool:
    """Whether the letters glued before a name are conjunction/preposition/article only."""
    rest = prefix
    if rest[:1] and rest[0] in ARABIC_CONJUNCTIONS:
        rest = rest[1:]
    if rest in {"", "ال", "لل"}:
        return True
    if rest[:1] and rest[0] in ARABIC_PREPOSITIONS:
        rest = rest[1:]
    return rest in {"", "ال"}


def arabic_cores_of(folded_word: str) -> set[str]:
    """Every reading of a folded Arabic word with attached prefixes removed."""
    cores = {folded_word}
    for cut in range(1, 4):
        prefix, rest = folded_word[:cut], folded_word[cut:]
        if len(rest) >= 2 and arabic_prefix_ok(prefix):  # noqa: PLR2004
            cores.add(rest)
            cores.add(arabic_core(rest))
        if prefix.endswith("لل") and len(rest) >= 2 and arabic_prefix_ok(prefix):  # noqa: PLR2004
            cores.add(rest)
    return cores


def arabic_span_prefix(prefix: str) -> int:
    """How many prefix letters belong to the name itself (the article stays with it)."""
    if prefix.endswith("ال"):
        return 2
    if prefix.endswith("لل"):
        return 1
    return 0
