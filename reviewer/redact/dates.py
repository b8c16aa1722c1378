"""Exact dates in the six languages.

Candidates come from two sources: day-, month- and numeric-date patterns written for each
language (month names, ordinals, 年月日), and ``dateparser.search.search_dates`` run once per
language present in the text (it picks one language per call, so mixed text needs several).
Every candidate is parsed with dateparser to learn its precision: a day is always suggested;
a month (with its year) only when coarse dates are not consented; a bare year never.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from typing import Any

from reviewer.redact.model import Span
from reviewer.redact.text import LEFT_EDGE, RIGHT_EDGE, script_of

_MONTHS = {
    "en": "january|february|march|april|may|june|july|august|september|october|november"
    "|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec",
    "fr": "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre"
    "|novembre|décembre|decembre|janv|févr|fevr|avr|juil|déc",
    "es": "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre"
    "|noviembre|diciembre",
    "ru": "январ[яеь]|феврал[яеь]|март[ае]?|апрел[яеь]|ма[йяе]|июн[яеь]|июл[яеь]|август[ае]?"
    "|сентябр[яеь]|октябр[яеь]|ноябр[яеь]|декабр[яеь]",
    "ar": "يناير|فبراير|مارس|أبريل|إبريل|ابريل|مايو|يونيو|يونيه|يوليو|يوليه|أغسطس|اغسطس|سبتمبر"
    "|أكتوبر|اكتوبر|نوفمبر|ديسمبر|كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول"
    "|تشرين الأول|تشرين الثاني|كانون الأول",
}
_ALL_MONTHS = "|".join(_MONTHS.values())
_YEAR = r"(?:1[89]|20|١[89]|٢٠)\d\d"
_YEAR_TAIL = rf"(?:,?\s+(?:de\s+|del\s+)?{_YEAR}(?:\s*(?:года|год|г\.|م))?)"
_DAY = r"(?:[0-3]?\d)(?:er|st|nd|rd|th|º|°|-?е|-?го)?"
_CJK_NUM = r"[0-9０-９〇零一二三四五六七八九十]"

# Each pattern: (regex, precision); word edges that let CJK touch the date.
_PATTERNS = (
    (rf"{_DAY}\s+(?:de\s+|of\s+)?(?:{_ALL_MONTHS})\.?{_YEAR_TAIL}?", "day"),
    (rf"(?:{_ALL_MONTHS})\.?\s+{_DAY}{_YEAR_TAIL}?", "day"),
    (r"(?:[0-3]?\d)[./\-](?:[01]?\d)[./\-](?:\d{4}|\d\d)", "day"),
    (r"\d{4}[./\-](?:[01]?\d)[./\-](?:[0-3]?\d)", "day"),
    (rf"(?:{_ALL_MONTHS})\.?{_YEAR_TAIL}", "month"),
    (r"(?:[01]?\d)[./](?:\d{4})", "month"),
)
_CJK_PATTERNS = (
    (
        rf"(?:{_CJK_NUM}{{2,4}}\s*年\s*)?{_CJK_NUM}{{1,2}}\s*月\s*{_CJK_NUM}{{1,3}}\s*[日号號]",
        "day",
    ),
    (rf"{_CJK_NUM}{{4}}\s*年\s*{_CJK_NUM}{{1,2}}\s*月(?!\s*{_CJK_NUM})", "month"),
)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    latin = tuple(
        (re.compile(rf"(?i){LEFT_EDGE}{p}{RIGHT_EDGE}"), precision) for p, precision in _PATTERNS
    )
    cjk = tuple((re.compile(p), precision) for p, precision in _CJK_PATTERNS)
    return latin + cjk


def find_dates(text: str, lang: str, *, allow_coarse_dates: bool) -> list[Span]:
    found: dict[tuple[int, int], str] = {}
    for pattern, precision in _compiled():
        for match in pattern.finditer(text):
            if _plausible(match.group(), precision):
                found.setdefault(match.span(), precision)
    for start, end, precision in _dateparser_candidates(text, lang, list(found)):
        found.setdefault((start, end), precision)
    spans = []
    for (start, end), precision in found.items():
        if precision == "month" and allow_coarse_dates:
            continue
        surface = text[start:end]
        spans.append(Span(start, end, "DATE", "dateparser", 0.85, _date_key(surface, lang)))
    return spans


def _plausible(surface: str, precision: str) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", surface) if n.isascii()]
    if not numbers or precision != "day" or not re.fullmatch(r"[\d./\-]+", surface):
        return True
    first, second = numbers[0], numbers[1] if len(numbers) > 1 else 0
    if first > 31:  # noqa: PLR2004  year first: yyyy-mm-dd
        return 1 <= second <= 12  # noqa: PLR2004
    return 1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12  # noqa: PLR2004


def languages_in(text: str, lang: str) -> list[str]:
    scripts = {script_of(c) for c in text}
    langs = [lang]
    for script, extra in (("latin", ("en", "fr", "es")), ("cyrillic", ("ru",)),
                          ("arabic", ("ar",)), ("cjk", ("zh",))):
        if script in scripts:
            langs.extend(extra)
    return list(dict.fromkeys(langs))


_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？\n]*")


def _dateparser_candidates(
    text: str, lang: str, covered: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """dateparser's search, sentence by sentence, only where a date may still hide.

    A hit without a month name, 年/月 or a day-month-year shape is refused anyway, so only
    sentences with such a shape outside the dates already found are searched: dateparser is
    slow, and a long narrative must stay quick to review.
    """
    candidates = []
    for sentence in _SENTENCE.finditer(text):
        shapes = [m.span() for m in _DATE_SHAPE.finditer(text, *sentence.span())]
        if all(any(a <= s and e <= b for a, b in covered) for s, e in shapes):
            continue
        for language in languages_in(sentence.group(), lang):
            candidates += _search(text, sentence.start(), sentence.end(), language)
    return candidates


def _search(text: str, begin: int, end: int, language: str) -> list[tuple[int, int, str]]:
    from dateparser.search import search_dates

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = search_dates(text[begin:end], languages=[language], settings=_SEARCH_SETTINGS)
    candidates = []
    cursor = begin
    for surface, _ in found or []:
        start = text.find(surface, cursor, end)
        if start < 0:
            continue
        cursor = start + len(surface)
        trimmed = _trim_to_date(text, start, cursor, language)
        if trimmed is not None:
            candidates.append(trimmed)
    return candidates


_SEARCH_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["month"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    "DATE_ORDER": "DMY",
}


def _trim_to_date(text: str, start: int, end: int, language: str) -> tuple[int, int, str] | None:
    """Shrink a search hit to the words that carry the date; keep it only with a number."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and not _has_date_word(words[0].group()):
        words.pop(0)
    while words and not _has_date_word(words[-1].group()):
        words.pop()
    if not words:
        return None
    surface_start, surface_end = start + words[0].start(), start + words[-1].end()
    while surface_end > surface_start and text[surface_end - 1] in ".,;:!?)»":
        surface_end -= 1
    surface = text[surface_start:surface_end]
    if not re.search(r"\d", surface) or not _DATE_SHAPE.search(surface):
        return None  # "6 h 30", "3 years": dateparser reads times and durations too
    while surface and surface[0] in "年月日":
        surface, surface_start = surface[1:], surface_start + 1
    precision = _precision(surface, language)
    if precision == "month" and not re.search(r"\d{4}", surface):
        return None  # "every year in May": a month without its year points at no one
    return None if precision not in {"day", "month"} else (surface_start, surface_end, precision)


_DATE_SHAPE = re.compile(rf"(?i)(?:{_ALL_MONTHS})|\d+[./\-]\d+[./\-]\d+|[年月]")
_MONTH_WORD = re.compile(rf"(?i)^(?:{_ALL_MONTHS})\.?,?$")


def _has_date_word(word: str) -> bool:
    return bool(re.search(r"\d", word) or _MONTH_WORD.match(word) or re.search("[年月日号]", word))


@lru_cache(maxsize=4096)
def _precision(surface: str, language: str) -> str | None:
    data = _parser(language).get_date_data(surface)
    return None if data.date_obj is None else str(data.period)


@lru_cache(maxsize=8)
def _parser(language: str) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=[language], settings=_SEARCH_SETTINGS)


@lru_cache(maxsize=4096)
def _date_key(surface: str, lang: str) -> str:
    parser = _parser(lang)
    data = parser.get_date_data(surface)
    if data.date_obj is None:
        for other in ("en", "fr", "es", "ru", "ar", "zh"):
            data = _parser(other).get_date_data(surface)
            if data.date_obj is not None:
                break
    if data.date_obj is None:
        return "DATE:" + re.sub(r"\s+", " ", surface.casefold())
    stamp = data.date_obj.strftime("%Y-%m-%d" if data.period == "day" else "%Y-%m")
    return f"DATE:{stamp}"
