"""What the release gate asks: is any direct identifier left in the final text?"""

from __future__ import annotations

from reviewer.redact import (
    KnownIdentifiers,
    KnownPerson,
    UnsupportedLanguage,
    apply_redaction,
    residual_identifiers,
    suggest_spans,
)

KNOWN = KnownIdentifiers(persons=(KnownPerson(name="Мария Иванова"),),
                         organisations=("Правозащитный центр «Весна»",))


def test_a_fully_redacted_text_has_no_residual() -> None:
    text = "12 марта 2023 года Марию Иванову вызвали в ФСБ. Телефон +7 916 123-45-67."
    redacted = apply_redaction(text, suggest_spans(text, lang="ru", known=KNOWN)).redacted
    assert residual_identifiers(redacted, KNOWN, "ru") == []


def test_placeholders_are_ignored_but_leftovers_are_found() -> None:
    text = "[PERSON-1] и [DATE-1]: Ивановой звонили на 8 916 123 45 67, e-mail m@ex.org."
    found = residual_identifiers(text, KNOWN, "ru")
    assert [(text[s.start : s.end], s.type) for s in found] == [
        ("Ивановой", "PERSON"), ("8 916 123 45 67", "PHONE"), ("m@ex.org", "EMAIL"),
    ]


def test_exact_dates_count_unless_consented_and_months_never() -> None:
    text = "[PERSON-1] was detained on 3 May 2024 and released in June 2024."
    found = residual_identifiers(text, KNOWN, "en")
    assert [text[s.start : s.end] for s in found] == ["3 May 2024"]
    assert residual_identifiers(text, KNOWN, "en", allow_exact_dates=True) == []


def test_heuristic_suggestions_do_not_block_the_gate() -> None:
    text = "[PERSON-1] met the Special Rapporteur; Colonel Ilunga denied it."
    assert residual_identifiers(text, KNOWN, "en") == []


def test_unsupported_language_is_an_error() -> None:
    import pytest

    with pytest.raises(UnsupportedLanguage):
        residual_identifiers("text", KNOWN, "de")
