"""Matching names written in another script than the field gave them.

- Latin ↔ Cyrillic: transliteration-tolerant keys (``text.loose_key``) of the word and of its
  stems once a Russian case ending is removed (Ivanova ~ Ивановой, Maria ~ Марии).
- Arabic ↔ Latin or Cyrillic: consonant skeletons, since Arabic is written without short
  vowels (Ahmed Mansour ~ أحمد منصور), after attached prefixes are removed (وأحمد).
- CJK ↔ Latin: pinyin of a two-to-four character run against a full name in either order
  (Wang Wei ~ 王伟); never a single syllable, which would match common words.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from reviewer.redact.inflection import (
    arabic_core,
    arabic_cores_of,
    arabic_span_prefix,
    russian_stems_of,
)
from reviewer.redact.model import Span
from reviewer.redact.targets import Target
from reviewer.redact.text import (
    Token,
    consonant_skeleton,
    dominant_script,
    edit_distance_at_most_one,
    fold,
    fold_ascii,
    loose_key,
)

_MIN_KEY = 3
_PINYIN_WORD = 5
_FUZZY_KEY = 6
_PLACE_MIN_CORE = 4
_CJK_WINDOWS = (2, 3, 4)


def cross_script_spans(text: str, tokens: list[Token], targets: list[Target]) -> list[Span]:
    spans: list[Span] = []
    for target in targets:
        words = [(w, dominant_script(w)) for w in target.words]
        for token in tokens:
            if token.script in {"latin", "cyrillic", "arabic"}:
                spans.extend(_word_spans(token, words, target))
        spans.extend(_pinyin_spans(text, tokens, target))
        spans.extend(_arabic_sequence_spans(text, tokens, target))
    return spans


def _skeletons_meet(first: str, second: str) -> bool:
    """Equal consonants, a final h aside (Odeh ~ عودة, where ة is often written -eh)."""
    return bool(first) and (first == second or first.rstrip("h") == second.rstrip("h") != "")


def _token_skeletons(token: Token) -> dict[str, int]:
    return dict(_skeletons_at(token.text, token.script, token.start))


@lru_cache(maxsize=16384)
def _skeletons_at(text: str, script: str, start: int) -> tuple[tuple[str, int], ...]:
    token = Token(start, start + len(text), text, script)
    return tuple(_compute_token_skeletons(token).items())


def _compute_token_skeletons(token: Token) -> dict[str, int]:
    """Skeleton → start offset of the name in the token, every prefix reading tried."""
    if token.script != "arabic":
        bare = _strip_latin_article(token.text)
        return {consonant_skeleton(bare): token.end - len(bare)}
    folded = fold(token.text)
    found: dict[str, int] = {}
    for core in sorted(arabic_cores_of(folded), key=len, reverse=True):
        if folded.endswith(core):
            prefix = folded[: len(folded) - len(core)]
            keep = len(core) + arabic_span_prefix(prefix) if prefix else len(core)
            found.setdefault(consonant_skeleton(core), _original_suffix_start(token, keep))
    return found


def _arabic_sequence_spans(text: str, tokens: list[Token], target: Target) -> list[Span]:
    """A full name across Arabic and Latin script, word by word (Layla Odeh ~ ليلى عودة).

    Short names have one-consonant skeletons, too weak alone; a whole name of two or more
    words, in order and side by side, is specific enough.
    """
    if target.type != "PERSON":
        return []
    spans = []
    for name in target.forms:
        words = [w for w in name.split() if fold(w) not in {"al", "el", "ال"}]
        scripts = {dominant_script(w) for w in words}
        if len(words) < 2 or len(scripts) != 1:  # noqa: PLR2004
            continue
        wanted = "latin" if scripts == {"arabic"} else "arabic" if scripts <= {"latin"} else ""
        skeletons = [consonant_skeleton(_strip_latin_article(w)) for w in words]
        if not wanted or not all(skeletons):
            continue
        for index in range(len(tokens) - len(words) + 1):
            window = tokens[index : index + len(words)]
            if any(t.script != wanted for t in window) or not all(
                text[a.end : b.start].isspace() for a, b in zip(window, window[1:], strict=False)
            ):
                continue
            starts = [_first_meeting(t, s) for t, s in zip(window, skeletons, strict=True)]
            if all(s is not None for s in starts):
                spans.append(Span(starts[0], window[-1].end, "PERSON", "known", 0.75,  # type: ignore[arg-type]
                                  target.entity_key))
    return spans


def _first_meeting(token: Token, skeleton: str) -> int | None:
    for candidate, start in _token_skeletons(token).items():
        if _skeletons_meet(candidate, skeleton):
            return start
    return None


def _word_spans(token: Token, words: list[tuple[str, str]], target: Target) -> Iterable[Span]:
    for word, script in words:
        if script == token.script or script not in {"latin", "cyrillic", "arabic"}:
            continue
        if "arabic" in (script, token.script):
            start = _skeleton_match(token, word, target.type)
        else:
            start = token.start if _keys_meet(token, word, script) else None
        if start is not None:
            yield Span(start, token.end, target.type, "known", 0.8, target.entity_key)
            return


@lru_cache(maxsize=16384)
def _keys_of_token(text: str, script: str) -> frozenset[str]:
    if script == "cyrillic":
        return frozenset(loose_key(stem) for stem in russian_stems_of(fold(text)))
    return frozenset({loose_key(text)})


@lru_cache(maxsize=4096)
def _keys_of_word(word: str, word_script: str, text_script: str) -> frozenset[str]:
    keys = {loose_key(word)}
    if word_script == "cyrillic":
        keys |= {loose_key(stem) for stem in russian_stems_of(fold(word))}
    elif text_script == "cyrillic":
        stripped = loose_key(word).rstrip("aeiou")
        if len(stripped) >= _MIN_KEY:
            keys.add(stripped)
    return frozenset(keys)


def _keys_meet(token: Token, word: str, word_script: str) -> bool:
    token_keys = _keys_of_token(token.text, token.script)
    word_keys = _keys_of_word(word, word_script, token.script)
    if {k for k in token_keys & word_keys if len(k) >= _MIN_KEY}:
        return True
    # Transliterations differ by a letter (Mammadova ~ Мамедова): tolerate one edit in
    # long keys only, where one letter cannot turn a name into a common word.
    return any(
        edit_distance_at_most_one(t, w)
        for t in token_keys
        for w in word_keys
        if min(len(t), len(w)) >= _FUZZY_KEY
    )


def _skeleton_match(token: Token, word: str, kind: str) -> int | None:
    """Start offset of the name inside an Arabic-script token (prefixes left out), or None.

    Two-consonant skeletons (Riyadh ~ الرياض) are accepted for places and organisations
    only, and only against an Arabic word of four letters or more.
    """
    target = consonant_skeleton(_strip_latin_article(word) if word.isascii() else word)
    short_ok = kind in {"LOCATION", "ORG"} and len(target) == _MIN_KEY - 1
    if len(target) < _MIN_KEY and not short_ok:
        return None
    if token.script != "arabic":
        bare = _strip_latin_article(token.text)
        if consonant_skeleton(bare) == target:
            return token.end - len(bare)
        return None
    folded = fold(token.text)
    for core in sorted(arabic_cores_of(folded), key=len, reverse=True):
        if short_ok and len(arabic_core(core)) < _PLACE_MIN_CORE:
            continue
        if consonant_skeleton(core) == target and folded.endswith(core):
            prefix = folded[: len(folded) - len(core)]
            keep = len(core) + arabic_span_prefix(prefix) if prefix else len(core)
            return _original_suffix_start(token, keep)
    return None


def _strip_latin_article(word: str) -> str:
    lowered = word.lower()
    for article in ("al-", "el-", "al ", "el "):
        if lowered.startswith(article) and len(word) > len(article) + 2:
            return word[len(article) :]
    return word


def _original_suffix_start(token: Token, folded_length: int) -> int:
    """Where the last ``folded_length`` folded letters of a token start in the original."""
    remaining = folded_length
    index = len(token.text)
    while index > 0 and remaining > 0:
        index -= 1
        remaining -= len(fold(token.text[index]))
    return token.start + index


def _pinyin_keys(names: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for name in names:
        words = [loose_key(w) for w in name.split()]
        if len(words) >= 2:  # noqa: PLR2004
            keys.add("".join(words))
            keys.add("".join(reversed(words)))
    return keys


def _pinyin_spans(text: str, tokens: list[Token], target: Target) -> list[Span]:
    spans: list[Span] = []
    latin_names = [n for n in target.full_names if dominant_script(n) == "latin"]
    keys = _pinyin_keys(latin_names)
    # One long romanised word is specific enough too: Shenzhen ~ 深圳, Urumqi ~ 乌鲁木齐.
    keys |= {
        loose_key(f) for f in target.forms
        if dominant_script(f) == "latin" and " " not in f and len(loose_key(f)) >= _PINYIN_WORD
    }
    cjk_names = {loose_key(f) for f in target.forms if dominant_script(f) == "cjk"}
    for token in tokens:
        if token.script == "cjk" and keys:
            spans.extend(_cjk_windows(token, keys, target))
    if cjk_names:
        latin = [t for t in tokens if t.script == "latin"]
        for index, first in enumerate(latin):
            second = latin[index + 1] if index + 1 < len(latin) else None
            joined = [(first.start, first.end, loose_key(first.text))]
            if second is not None and text[first.end : second.start].strip() in {"", "-"}:
                reversed_key = loose_key(second.text) + loose_key(first.text)
                joined.append((first.start, second.end, loose_key(first.text + second.text)))
                joined.append((first.start, second.end, reversed_key))
            spans.extend(
                Span(s, e, target.type, "known", 0.8, target.entity_key)
                for s, e, k in joined
                if k in cjk_names
            )
    return spans


def _cjk_windows(token: Token, keys: set[str], target: Target) -> list[Span]:
    spans = []
    chars = token.text
    for begin in range(len(chars)):
        for width in _CJK_WINDOWS:
            window = chars[begin : begin + width]
            if len(window) == width and loose_key(fold_ascii(window)) in keys:
                start = token.start + begin
                end = start + width
                spans.append(Span(start, end, target.type, "known", 0.8, target.entity_key))
    return spans
