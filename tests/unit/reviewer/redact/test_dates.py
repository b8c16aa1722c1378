"""Exact dates in the six languages; months only without consent; plain numbers never."""

from __future__ import annotations

import pytest

from reviewer.redact import suggest_spans


def _dates(text: str, lang: str, *, coarse: bool = False) -> list[str]:
    spans = suggest_spans(text, lang=lang, allow_coarse_dates=coarse)
    return [text[s.start : s.end] for s in spans if s.type == "DATE"]


@pytest.mark.parametrize(
    ("lang", "text", "day", "month"),
    [
        ("en", "On 14 March 2024 he was held; in May 2024 released.", "14 March 2024", "May 2024"),
        ("en", "Since March 5th, 2023 and July 2021.", "March 5th, 2023", "July 2021"),
        ("fr", "Le 1er mai 2024, puis en juillet 2024.", "1er mai 2024", "juillet 2024"),
        ("es", "El 12 de octubre de 2022 y en marzo de 2023.", "12 de octubre de 2022",
         "marzo de 2023"),
        ("ru", "12 марта 2023 года, а в апреле 2023 года снова.", "12 марта 2023 года",
         "апреле 2023 года"),
        ("ar", "في 5 يناير 2024 ثم في آذار 2023.", "5 يناير 2024", "آذار 2023"),
        ("zh", "2023年6月15日被带走，2023年7月被禁止出境。", "2023年6月15日", "2023年7月"),
    ],
)
def test_day_and_month_dates(lang: str, text: str, day: str, month: str) -> None:
    assert _dates(text, lang) == [day, month]
    assert _dates(text, lang, coarse=True) == [day]


def test_numeric_dates() -> None:
    text = "Detained 14/03/2024, released 2024-03-20, tried 21.04.2024."
    assert _dates(text, "en") == ["14/03/2024", "2024-03-20", "21.04.2024"]


def test_numbers_times_and_durations_are_not_dates() -> None:
    text = "He got 3 years, paid 500, left at 6 h 30 on page 12; resolution 54/12; 2023 was hard."
    assert _dates(text, "fr") == []
    assert _dates("May I speak? We march on.", "en") == []


def test_the_same_day_in_two_forms_shares_one_entity() -> None:
    text = "On 14 March 2024 (14/03/2024) she was arrested."
    keys = {s.entity_key for s in suggest_spans(text, lang="en") if s.type == "DATE"}
    assert keys == {"DATE:2024-03-14"}
