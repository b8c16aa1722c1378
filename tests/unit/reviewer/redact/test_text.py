"""Folding and offset mapping: matches in folded views land on the right original characters."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.redact.text import (
    build_view,
    consonant_skeleton,
    edit_distance_at_most_one,
    fold,
    loose_key,
    script_of,
    tokenize,
)


def test_fold_removes_case_accents_and_arabic_variants() -> None:
    assert fold("Rodríguez PÉREZ") == "rodriguez perez"
    assert fold("Ковалёв") == "ковалев"
    assert fold("أحمَد") == fold("احمد")
    assert fold("مريمة") == "مريمه"


def test_view_maps_folded_matches_back_to_original_offsets() -> None:
    text = "Ça va, Ŝtraße ﬁne"
    view = build_view(text, to_ascii=False)
    start = view.folded.index("strasse")
    assert view.to_original(start, start + len("strasse")) == (7, 13)
    assert text[7:13] == "Ŝtraße"


def test_view_refuses_matches_that_split_a_character() -> None:
    view = build_view("Straße", to_ascii=False)  # ß folds to "ss"
    split = view.folded.index("ss") + 1
    assert view.to_original(0, split) is None


def test_ascii_view_transliterates_each_script() -> None:
    assert build_view("Мария", to_ascii=True).folded == "mariya"
    assert build_view("王伟", to_ascii=True).folded == "wangwei"


def test_tokens_split_at_script_changes() -> None:
    tokens = tokenize("王伟Wang Wei在2024年")
    assert [(t.text, t.script) for t in tokens] == [
        ("王伟", "cjk"), ("Wang", "latin"), ("Wei", "latin"), ("在", "cjk"),
        ("2024", "digit"), ("年", "cjk"),
    ]


def test_scripts() -> None:
    assert [script_of(c) for c in "aЖب王7-"] == ["latin", "cyrillic", "arabic", "cjk",
                                                 "digit", "other"]


def test_loose_keys_absorb_transliteration_variants() -> None:
    assert loose_key("Мария") == loose_key("Maria") == loose_key("Mariya")
    assert loose_key("Юлия") == loose_key("Julia") == loose_key("Yulia")
    assert loose_key("Сергей") == loose_key("Sergei")


def test_consonant_skeletons_meet_across_arabic_and_latin() -> None:
    assert consonant_skeleton("أحمد") == consonant_skeleton("Ahmed") == "hmd"
    assert consonant_skeleton("منصور") == consonant_skeleton("Mansour")
    assert consonant_skeleton("قحطاني") == consonant_skeleton("Qahtani")


def test_edit_distance_of_one() -> None:
    assert edit_distance_at_most_one("mamadova", "mamedova")
    assert edit_distance_at_most_one("ivanova", "ivanov")
    assert not edit_distance_at_most_one("ivanova", "petrova")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_every_folded_position_maps_inside_the_text(text: str) -> None:
    for to_ascii in (False, True):
        view = build_view(text, to_ascii=to_ascii)
        assert len(view.origin) == len(view.folded)
        assert all(0 <= i < len(text) for i in view.origin)
        located = view.to_original(0, len(view.folded)) if view.folded else None
        if located is not None:
            start, end = located
            assert 0 <= start <= end <= len(text)
            assert not unicodedata.combining(text[start]) or start == 0
