"""Finds the phone numbers, e-mails, ID numbers and handles given in the structured fields,
whatever separators or prefixes the narrative writes them with."""

from __future__ import annotations

import re

import phonenumbers

from reviewer.redact.model import KnownIdentifiers, Span

_ID_SEPARATORS = r"[\s\-./()]{0,2}"
_PHONE_SEPARATORS = r"[\s\-.()]*"
_MIN_DIGITS = 5


def id_key(identifier: str) -> str:
    return "ID:" + "".join(c for c in identifier.upper() if c.isalnum())


def phone_key(number: phonenumbers.PhoneNumber) -> str:
    return "PHONE:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_phone(raw: str, country: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def find_known_identifiers(text: str, known: KnownIdentifiers, country: str | None) -> list[Span]:
    spans: list[Span] = []
    for identifier in known.identifiers:
        spans += _regex_spans(text, _id_pattern(identifier), "ID", id_key(identifier))
    for raw in known.phones:
        pattern, key = _phone_pattern(raw, country)
        if pattern is not None:
            spans += _regex_spans(text, pattern, "PHONE", key)
    for email in known.emails:
        body = re.escape(email)
        pattern = re.compile(rf"(?<![A-Za-z0-9_.+\-]){body}(?![A-Za-z0-9_\-])", re.IGNORECASE)
        spans += _regex_spans(text, pattern, "EMAIL", "EMAIL:" + email.lower())
    for handle in known.handles:
        bare = handle.lstrip("@")
        if bare:
            body = re.escape(bare)
            pattern = re.compile(rf"(?<![A-Za-z0-9_@])@?{body}(?![A-Za-z0-9_])", re.IGNORECASE)
            spans += _regex_spans(text, pattern, "HANDLE", "HANDLE:" + bare.lower())
    return spans


def _regex_spans(text: str, pattern: re.Pattern[str] | None, kind: str, key: str) -> list[Span]:
    if pattern is None:
        return []
    return [Span(m.start(), m.end(), kind, "known", 1.0, key) for m in pattern.finditer(text)]


def _id_pattern(identifier: str) -> re.Pattern[str] | None:
    chars = [c for c in identifier if c.isalnum()]
    if len(chars) < 3:  # noqa: PLR2004
        return None
    body = _ID_SEPARATORS.join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![A-Za-z0-9]){body}\)?(?![A-Za-z0-9])", re.IGNORECASE)


def _phone_pattern(raw: str, country: str | None) -> tuple[re.Pattern[str] | None, str]:
    number = parse_phone(raw, country)
    if number is None:
        digits = "".join(c for c in raw if c.isdigit())
        if len(digits) < _MIN_DIGITS:
            return None, ""
        body = _PHONE_SEPARATORS.join(digits)
        return re.compile(rf"(?<![\d+]){body}(?!\d)"), "PHONE:" + digits
    national = phonenumbers.national_significant_number(number)
    body = _PHONE_SEPARATORS.join(national)
    code = str(number.country_code)
    prefix = (
        rf"(?:(?:\+|00){_PHONE_SEPARATORS}{_PHONE_SEPARATORS.join(code)}{_PHONE_SEPARATORS}"
        rf"(?:\(0\){_PHONE_SEPARATORS})?|\(?[08]\)?{_PHONE_SEPARATORS})?"
    )
    return re.compile(rf"(?<![\d+]){prefix}{body}(?!\d)"), phone_key(number)
