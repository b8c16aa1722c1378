"""Identifiers found by their shape: Presidio's pattern recognisers plus Haven's own.

Presidio's predefined recognisers are used directly, without an NLP engine or a spaCy model:
EmailRecognizer, UrlRecognizer, IpRecognizer, IbanRecognizer (checksum), CreditCardRecognizer
(Luhn) and PhoneRecognizer (phonenumbers). They are built once per process. The e-mail
recogniser's domain check uses tldextract's bundled suffix list only: the stock one downloads
the list, and a reviewer's machine must not make network requests while it reads a report.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

import phonenumbers
import tldextract
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
)

from reviewer.redact.known_ids import id_key, parse_phone, phone_key
from reviewer.redact.model import Span

# Regions tried for numbers written without an international prefix, besides the report's.
COMMON_REGIONS = ("US", "GB", "FR", "ES", "RU", "CN", "EG", "SA", "MA", "MX", "CO", "BY")

_OFFLINE_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class _WithholdArguments(logging.Filter):
    """Presidio logs some candidates it fails to validate ("Failed to validate text %s"):
    report text must never reach a log, so the arguments are dropped, the event kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = f"{record.msg} [arguments withheld]"
            record.args = None
        return True


logging.getLogger("presidio-analyzer").addFilter(_WithholdArguments())


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recogniser with the domain checked against the bundled suffix list.

    The address itself is ASCII-bounded rather than ``\\b``/``\\w``-bounded: Chinese text
    runs straight into an address (邮箱lina@example.org), and ``\\w`` would swallow the
    characters before it.
    """

    PATTERNS = [  # noqa: RUF012  presidio reads the class attribute
        Pattern(
            "Email (ASCII-bounded)",
            r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
            r"(?![A-Za-z0-9\-])",
            0.6,
        )
    ]

    def validate_result(self, pattern_text: str) -> bool:
        return _OFFLINE_TLD(pattern_text.rpartition("@")[2]).fqdn != ""


_PRESIDIO_TYPES = {
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "URL",
    "IP_ADDRESS": "IP",
    "IBAN_CODE": "IBAN",
    "CREDIT_CARD": "ID",
}

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _shape_recognizers() -> tuple[object, ...]:
    with _lock:
        return (
            OfflineEmailRecognizer(),
            UrlRecognizer(),
            IpRecognizer(),
            IbanRecognizer(),
            CreditCardRecognizer(),
        )


@lru_cache(maxsize=64)
def _phone_recognizer(regions: tuple[str, ...]) -> PhoneRecognizer:
    return PhoneRecognizer(supported_regions=regions, leniency=1)


def presidio_spans(text: str, country: str | None) -> list[Span]:
    spans: list[Span] = []
    for recognizer in _shape_recognizers():
        for result in recognizer.analyze(text, list(recognizer.supported_entities), None):  # type: ignore[attr-defined]
            kind = _PRESIDIO_TYPES[result.entity_type]
            start, end = _trim(text, result.start, result.end)
            if kind == "URL" and not _url_boundaries_ok(text, start, end):
                continue
            if end > start:
                key = _shape_key(kind, text[start:end])
                spans.append(Span(start, end, kind, "presidio", float(result.score), key))
    spans.extend(_phone_spans(text, country))
    return spans


def _phone_spans(text: str, country: str | None) -> list[Span]:
    regions = tuple(dict.fromkeys(r for r in ((country or "").upper(), *COMMON_REGIONS) if r))
    spans = []
    for result in _phone_recognizer(regions).analyze(text, ["PHONE_NUMBER"], None):
        number = parse_phone(text[result.start : result.end], country)
        key = phone_key(number) if number else "PHONE:" + _digits(text[result.start : result.end])
        spans.append(Span(result.start, result.end, "PHONE", "presidio", 0.7, key))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in ".,;:!?)»”'\"。，；：":
        end -= 1
    return start, end


def _url_boundaries_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    ascii_word = re.compile(r"[A-Za-z0-9_@.]")
    return not ascii_word.match(before) and not (ascii_word.match(after) and after != ".")


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def _shape_key(kind: str, surface: str) -> str:
    if kind in {"IBAN", "ID"}:
        return "IBAN:" + id_key(surface)[3:] if kind == "IBAN" else id_key(surface)
    if kind == "URL":
        return "URL:" + re.sub(r"^(?:https?://)?(?:www\.)?", "", surface.lower()).rstrip("/")
    return f"{kind}:{surface.lower()}"


_HANDLE = re.compile(r"(?<![A-Za-z0-9_@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_UN_REFERENCE = re.compile(
    r"(?<![A-Za-z0-9])J?(?:AL|UA|OL)\s+[A-Z]{3}(?:\s+\d{1,3})?\s*\d{1,3}/\d{4}(?![A-Za-z0-9])"
)
_ID_CUES = (
    r"passport|identity card|id card|national id|id number|id no\.?|registration number"
    r"|passeport|carte d'identit[ée]|pi[eè]ce d'identit[ée]|num[ée]ro d'identit[ée]"
    r"|pasaporte|c[ée]dula|dni|documento de identidad|n[uú]mero de identidad"
    r"|паспорт\w*|удостоверени\w*|инн|снилс|номер\w*"
    r"|جواز(?: السفر)?|بطاقة(?: الهوية)?|الرقم الوطني|رقم(?: الهوية)?|هوية"
    r"|护照|身份证|证件|号码"
)
_ID_AFTER_CUE = re.compile(
    rf"(?i)(?:{_ID_CUES})[^\w\n]{{0,4}}(?:(?:n[°ºo]\.?|no\.?|№|#|number|num[ée]ro|n[uú]mero|"
    rf"серии|серия|номер)\s*)*[:\s]*"
    r"(?P<id>(?-i:[A-ZА-Я0-9](?:[A-ZА-Я0-9]|[\s\-/](?=[A-ZА-Я0-9])){4,22}))(?![A-Za-z0-9])"
)
_ID_SHAPED = re.compile(r"(?<![A-Za-z0-9+])(?:[A-Z]{1,3}\d{6,10}|\d{9,20})(?![A-Za-z0-9])")


def own_pattern_spans(text: str) -> list[Span]:
    spans = [
        Span(m.start(), m.end(), "HANDLE", "pattern", 0.8, "HANDLE:" + m.group()[1:].lower())
        for m in _HANDLE.finditer(text)
    ]
    spans += [
        Span(m.start(), m.end(), "ID", "pattern", 0.9, id_key(m.group()))
        for m in _UN_REFERENCE.finditer(text)
    ]
    for match in _ID_AFTER_CUE.finditer(text):
        start, end = match.span("id")
        if sum(c.isdigit() for c in match.group("id")) >= 5:  # noqa: PLR2004
            spans.append(Span(start, end, "ID", "pattern", 0.85, id_key(match.group("id"))))
    spans += [
        Span(m.start(), m.end(), "ID", "pattern", 0.5, id_key(m.group()))
        for m in _ID_SHAPED.finditer(text)
        if not _is_phone(m.group())
    ]
    return spans


def _is_phone(value: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + value, None))
    except phonenumbers.NumberParseException:
        return False
