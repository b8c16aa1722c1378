"""Script-aware text folding with a map back to the original code-point offsets.

Matching happens on folded views of the text (case, accents, Arabic letter variants and
diacritics removed; optionally transliterated to ASCII with anyascii); every folded position
remembers which original code point it came from, so a match in a view becomes a span of the
original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

_ARABIC_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ـ": ""}
)
_PUNCTUATION = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-"})

_GREEK = 0x0370
_LATIN_EXTENDED = (0x1E00, 0x1EFF)
_RANGES = (
    ("cjk", 0x2E80, 0x2FDF),
    ("cjk", 0x3040, 0x30FF),
    ("cjk", 0x3400, 0x4DBF),
    ("cjk", 0x4E00, 0x9FFF),
    ("cjk", 0xAC00, 0xD7AF),
    ("cjk", 0xF900, 0xFAFF),
    ("cjk", 0x20000, 0x2FA1F),
    ("cyrillic", 0x0400, 0x052F),
    ("arabic", 0x0600, 0x06FF),
    ("arabic", 0x0750, 0x077F),
    ("arabic", 0x08A0, 0x08FF),
    ("arabic", 0xFB50, 0xFDFF),
    ("arabic", 0xFE70, 0xFEFF),
)


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """``latin``, ``cyrillic``, ``arabic``, ``cjk``, ``digit`` or ``other``."""
    if char.isdigit():
        return "digit"
    point = ord(char)
    for name, low, high in _RANGES:
        if low <= point <= high:
            return name
    if char.isalpha():
        extended = _LATIN_EXTENDED[0] <= point <= _LATIN_EXTENDED[1]
        return "latin" if point < _GREEK or extended else "other"
    return "other"


def is_cjk(char: str) -> bool:
    return script_of(char) == "cjk"


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.combining(char) > 0


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """Case, accents, Arabic diacritics and letter variants folded away; same script."""
    decomposed = unicodedata.normalize("NFKD", char)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_ARABIC_LETTERS).translate(_PUNCTUATION)


@lru_cache(maxsize=8192)
def ascii_char(char: str) -> str:
    """The folded character transliterated to lower-case ASCII."""
    folded = fold_char(char)
    return anyascii(folded).lower() if folded else ""


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


def fold_ascii(text: str) -> str:
    return "".join(ascii_char(c) for c in text)


@dataclass(frozen=True)
class FoldedView:
    """A folded copy of a text; ``origin[i]`` is the original offset of folded position i."""

    text: str
    folded: str
    origin: tuple[int, ...]
    piece_start: frozenset[int]

    def to_original(self, start: int, end: int) -> tuple[int, int] | None:
        """Original ``(start, end)`` of a folded match, or None if it splits a character."""
        if start not in self.piece_start:
            return None
        if end < len(self.folded) and end not in self.piece_start:
            return None
        original_start = self.origin[start]
        original_end = self.origin[end] if end < len(self.folded) else len(self.text)
        # Combining marks fold to nothing; keep them with the letter they decorate.
        while original_end < len(self.text) and unicodedata.combining(self.text[original_end]):
            original_end += 1
        return original_start, original_end


def build_view(text: str, *, to_ascii: bool) -> FoldedView:
    pieces: list[str] = []
    origin: list[int] = []
    starts: set[int] = set()
    position = 0
    for index, char in enumerate(text):
        piece = ascii_char(char) if to_ascii else fold_char(char)
        if not piece:
            continue
        starts.add(position)
        pieces.append(piece)
        origin.extend([index] * len(piece))
        position += len(piece)
    return FoldedView(text, "".join(pieces), tuple(origin), frozenset(starts))


# CJK is written without spaces: a CJK neighbour is a word boundary for Latin, Cyrillic or
# Arabic words and for identifiers (邮箱lina@example.org, 账号@handle). Python's \b and
# (?<!\w) would refuse those matches, so patterns use these two instead.
CJK_CLASS = (
    "\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\uff00-\uffef"
)
LEFT_EDGE = rf"(?<![^\W{CJK_CLASS}])"
RIGHT_EDGE = rf"(?![^\W{CJK_CLASS}])"

_TOKEN = re.compile(r"[^\W_][\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670]*")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    script: str


def tokenize(text: str) -> list[Token]:
    """Word tokens split at script changes, so a CJK run or a digit group is its own token."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        run_start = match.start()
        current = _token_script(match.group()[0])
        for offset, char in enumerate(match.group()):
            here = _token_script(char) if not unicodedata.combining(char) else current
            if here != current:
                position = match.start() + offset
                tokens.append(Token(run_start, position, text[run_start:position], current))
                run_start, current = position, here
        tokens.append(Token(run_start, match.end(), text[run_start : match.end()], current))
    return tokens


def _token_script(char: str) -> str:
    script = script_of(char)
    return "other" if script == "other" and char == "_" else script


def dominant_script(text: str) -> str:
    counts: dict[str, int] = {}
    for char in text:
        script = script_of(char)
        if script not in {"digit", "other"}:
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else "other"


_LOOSE_RULES = (("kh", "h"), ("ph", "f"), ("x", "ks"), ("j", "i"), ("y", "i"), ("w", "v"))


@lru_cache(maxsize=65536)
def loose_key(word: str) -> str:
    """A transliteration-tolerant key: Мария, Mariya and Maria all give ``maria``."""
    key = "".join(c for c in fold_ascii(word) if c.isalpha())
    for old, new in _LOOSE_RULES:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


_SKELETON_RULES = (
    ("kh", "h"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ch", "sh"), ("dj", "j"),
    ("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"),
)


@lru_cache(maxsize=65536)
def consonant_skeleton(word: str) -> str:
    """Consonants only: how Arabic script (mostly unvowelled) meets Latin transliterations
    (Ahmed ~ أحمد → ``hmd``, Riyadh ~ الرياض → ``rd``)."""
    key = "".join(c for c in fold_ascii(word) if c.isalpha())
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    key = re.sub(r"[aeiouwy]", "", key)
    return re.sub(r"(.)\1+", r"\1", key)


def edit_distance_at_most_one(first: str, second: str) -> bool:
    """Whether one substitution, insertion or deletion turns one key into the other."""
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) <= 1
    short, long = sorted((first, second), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
