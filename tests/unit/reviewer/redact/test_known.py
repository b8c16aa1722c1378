"""Names, organisations, places and identifiers from the fields, found in their variants."""

from __future__ import annotations

from reviewer.redact import KnownIdentifiers, KnownPerson, suggest_spans


def _found(text: str, lang: str, known: KnownIdentifiers, country: str | None = None) -> dict:
    spans = suggest_spans(text, lang=lang, known=known, country=country)
    return {text[s.start : s.end]: s for s in spans}


MARIA = KnownIdentifiers(persons=(KnownPerson(name="Мария Иванова"),))


def test_case_diacritics_and_possessives() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="José Rodríguez"),))
    found = _found("JOSE RODRIGUEZ spoke. Rodríguez's house; rodriguez again.", "en", known)
    assert {"JOSE RODRIGUEZ", "Rodríguez", "rodriguez"} <= set(found)
    assert len({s.entity_key for s in found.values()}) == 1


def test_russian_case_endings() -> None:
    text = "Марию Иванову вызвали. Ивановой угрожали. У Марии отняли паспорт. Мариям нет."
    found = _found(text, "ru", MARIA)
    assert {"Марию Иванову", "Ивановой", "Марии"} <= set(found)
    assert all(s.type == "PERSON" for s in found.values())


def test_given_name_with_short_i_keeps_its_stem() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="Сергей Ковалёв"),))
    found = _found("Сергея задержали, Сергею угрожали, с Сергеем говорили, Ковалёву тоже.",
                   "ru", known)
    assert {"Сергея", "Сергею", "Сергеем", "Ковалёву"} <= set(found)


def test_inflected_organisation() -> None:
    known = KnownIdentifiers(organisations=("Казахстанское бюро по правам человека",))
    text = "Сотрудница Казахстанского бюро по правам человека уволена."
    assert "Казахстанского бюро по правам человека" in _found(text, "ru", known)


def test_latin_fields_found_in_cyrillic_text_and_back() -> None:
    latin = KnownIdentifiers(persons=(KnownPerson(name="Maria Ivanova"),))
    assert "Марию Иванову" in _found("Марию Иванову вызвали.", "ru", latin)
    assert "Maria Ivanova" in _found("Maria Ivanova was summoned.", "en", MARIA)


def test_one_letter_transliteration_difference() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="Leyla Mammadova"),))
    assert "Лейла Мамедова" in _found("Лейла Мамедова задержана.", "ru", known)


def test_arabic_attached_prefixes_stay_outside_the_name() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="عمر الحسيني"),))
    text = "قال عمر إن والحسيني وللحسيني وبالحسيني"
    found = _found(text, "ar", known)
    assert {"عمر", "الحسيني", "لحسيني"} <= set(found)
    assert text[text.index("والحسيني") : text.index("والحسيني") + 1] == "و"


def test_latin_name_in_arabic_text() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="Ahmed Mansour"),),
                             places=("Riyadh",))
    found = _found("اعتقل أحمد منصور في الرياض ولمنصور محام.", "ar", known)
    assert {"أحمد منصور", "الرياض", "منصور"} <= set(found)


def test_arabic_name_in_latin_text() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="أحمد منصور"),))
    assert "Ahmed Mansour" in _found("Ahmed Mansour was arrested.", "en", known)


def test_chinese_names_without_word_boundaries() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="Wang Wei"),))
    found = _found("王伟在日内瓦发言后，王伟被带走。Wang Wei is held.", "zh", known)
    assert {"王伟", "Wang Wei"} <= set(found)
    chinese = KnownIdentifiers(persons=(KnownPerson(name="王伟"),))
    assert "Wang Wei" in _found("Our client Wang Wei is held.", "en", chinese)


def test_long_romanised_place_in_chinese_text() -> None:
    known = KnownIdentifiers(places=("Shenzhen",))
    assert "深圳" in _found("深圳警方拘留了他。", "zh", known)


def test_the_preposition_ala_is_not_the_name_ali() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="علي المصراتي"),))
    found = _found("قال علي إن الرسالة وصلت على البريد.", "ar", known)
    assert "علي" in found
    assert "على" not in found


def test_middle_dot_names_split_into_parts() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="伊力夏提·阿不都热依木"),))
    found = _found("当地官员要求伊力夏提停止接受采访。", "zh", known)
    assert "伊力夏提" in found


def test_single_cjk_character_is_never_a_name() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="王伟", given="伟", family="王"),))
    found = _found("王国的法律", "zh", known)
    assert found == {}


def test_short_names_must_be_capitalised() -> None:
    known = KnownIdentifiers(persons=(KnownPerson(name="Li Na"),))
    found = _found("Li Na met Li at the port; the li was low.", "en", known)
    assert "li" not in found
    assert {"Li Na", "Li"} <= set(found)


def test_organisation_acronym_and_parenthesised_alias() -> None:
    known = KnownIdentifiers(organisations=("Harare Legal Defence Trust (HLDT)",))
    found = _found("The Harare Legal Defence Trust and the HLDT; hldt lower.", "en", known)
    assert {"Harare Legal Defence Trust", "HLDT"} <= set(found)
    assert "hldt" not in found


def test_identifiers_phones_emails_handles_with_other_separators() -> None:
    known = KnownIdentifiers(
        identifiers=("AB1234567", "K123456(7)"),
        phones=("+7 916 123-45-67",),
        emails=("Maria.I@Example.org",),
        handles=("@maria_iv",),
    )
    text = ("Passport AB 123 4567, HKID K123456(7). Call 8 (916) 123 45 67 or 89161234567. "
            "Mail maria.i@example.org, follow maria_iv.")
    found = _found(text, "en", known, country="RU")
    assert found["AB 123 4567"].type == "ID"
    assert found["K123456(7)"].type == "ID"
    assert found["8 (916) 123 45 67"].entity_key == found["89161234567"].entity_key
    assert found["maria.i@example.org"].type == "EMAIL"
    assert found["maria_iv"].type == "HANDLE"


def test_from_mapping_validates_shape() -> None:
    import pytest

    from reviewer.redact import InvalidKnownIdentifiers

    with pytest.raises(InvalidKnownIdentifiers, match="unknown field"):
        KnownIdentifiers.from_mapping({"people": []})
    with pytest.raises(InvalidKnownIdentifiers, match="must be a list"):
        KnownIdentifiers.from_mapping({"phones": "+1 555"})
    with pytest.raises(InvalidKnownIdentifiers, match="'name'"):
        KnownIdentifiers.from_mapping({"persons": [{"given": "Ana"}]})
    known = KnownIdentifiers.from_mapping(
        {"persons": ["Ana Lopez", {"name": "Bo Li", "aliases": ["Bobo"]}], "places": ["Oran"]}
    )
    assert known.persons[1].aliases == ("Bobo",)
    assert known.persons[0].parts() == ("Ana Lopez", "Ana", "Lopez")
