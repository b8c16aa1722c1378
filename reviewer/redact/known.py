"""Finds the names, organisations, places and addresses given in the structured fields.

Same-script forms are matched as phrases on the folded text (case, accents and Arabic letter
variants ignored), with Russian case endings and Arabic attached prefixes allowed. Forms in
another script are matched word by word through transliteration (``crossscript``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from reviewer.redact.crossscript import cross_script_spans
from reviewer.redact.inflection import (
    RUSSIAN_ENDINGS,
    arabic_core,
    arabic_prefix_ok,
    arabic_span_prefix,
    russian_stem,
)
from reviewer.redact.model import KnownIdentifiers, Span
from reviewer.redact.targets import Target, targets_from
from reviewer.redact.text import (
    LEFT_EDGE,
    RIGHT_EDGE,
    FoldedView,
    build_view,
    dominant_script,
    fold,
    is_cjk,
    tokenize,
)

_ENDINGS = "|".join(RUSSIAN_ENDINGS)
_ARABIC_PREFIX = r"(?P<pre>[وف]?(?:[بك]?ال|لل|[بلك])?)"
_SHORT_ACRONYM = 6
_SHORT_NAME = 3
# Folding ى into ي makes the preposition على read as the name علي (Ali): words that are
# function words as written are never a name.
_ARABIC_FUNCTION_WORDS = frozenset({"على", "إلى", "الى", "حتى", "متى", "لدى", "سوى"})


def find_known_names(text: str, known: KnownIdentifiers) -> list[Span]:
    targets = targets_from(known)
    if not targets or not text:
        return []
    view = build_view(text, to_ascii=False)
    spans: list[Span] = []
    for target in targets:
        for form in target.forms:
            spans.extend(_form_spans(text, view, target, form))
    crossed = cross_script_spans(text, tokenize(text), targets)
    spans.extend(crossed)
    spans.extend(_echoes(text, view, targets, crossed))
    return spans


def _echoes(text: str, view: FoldedView, targets: list[Target], crossed: list[Span]) -> list[Span]:
    """Once a name is found in another script (ليلى عودة for Layla Odeh), its words as
    written there are looked for too: the given name alone, with prefixes (وليلى)."""
    by_key = {t.entity_key: t for t in targets}
    spans: list[Span] = []
    for span in crossed:
        target = by_key.get(span.entity_key)
        if target is None or target.type != "PERSON":
            continue
        for word in text[span.start : span.end].split():
            if _usable_echo(word):
                spans.extend(_form_spans(text, view, target, word))
    return spans


def _usable_echo(word: str) -> bool:
    return len(fold(word)) >= _SHORT_NAME and dominant_script(word) != "cjk"


def _form_spans(text: str, view: FoldedView, target: Target, form: str) -> list[Span]:
    if form.isascii() and form.isupper() and len(form) <= _SHORT_ACRONYM:
        pattern = re.compile(rf"{LEFT_EDGE}{re.escape(form)}{RIGHT_EDGE}")
        return [_span(target, m.start(), m.end(), 1.0) for m in pattern.finditer(text)]
    compiled = _phrase_pattern(fold(form).strip())
    if compiled is None:
        return []
    spans = []
    for match in compiled.finditer(view.folded):
        located = _locate(view, match)
        if located is None:
            continue
        start, end = located
        if _too_loose(text[start:end], form) or text[start:end] in _ARABIC_FUNCTION_WORDS:
            continue
        exact = fold(text[start:end]) == fold(form)
        spans.append(_span(target, start, end, 0.95 if exact else 0.9))
    return spans


def _span(target: Target, start: int, end: int, score: float) -> Span:
    return Span(start, end, target.type, "known", score, target.entity_key)


def _locate(view: FoldedView, match: re.Match[str]) -> tuple[int, int] | None:
    start = match.start()
    prefix = match.groupdict().get("pre") or ""
    if prefix:
        if not arabic_prefix_ok(prefix):
            return None
        start = match.start("pre") + len(prefix) - arabic_span_prefix(prefix)
    return view.to_original(start, match.end())


def _too_loose(surface: str, form: str) -> bool:
    """Short one-word forms count only when written as a name (capitalised), not a word."""
    if len(form.split()) > 1 or len(fold(form)) > _SHORT_NAME:
        return False
    first = surface[:1]
    return first.lower() != first.upper() and not first.isupper()


@lru_cache(maxsize=2048)
def _phrase_pattern(folded_form: str) -> re.Pattern[str] | None:
    words = [w for w in re.split(r"[\s\-]+", folded_form) if w]
    if not words:
        return None
    parts = [_word_pattern(word, first=index == 0) for index, word in enumerate(words)]
    body = r"[\s\-]+".join(parts)
    left = "" if is_cjk(words[0][0]) else LEFT_EDGE
    right = "" if is_cjk(words[-1][-1]) else RIGHT_EDGE
    return re.compile(left + body + right)


def _word_pattern(word: str, *, first: bool) -> str:
    script = dominant_script(word)
    if script == "cyrillic":
        return re.escape(russian_stem(word)) + f"(?:{_ENDINGS})?"
    if script == "arabic":
        core = re.escape(arabic_core(word))
        return _ARABIC_PREFIX + core if first else f"(?:ال)?{core}"
    return re.escape(word)
