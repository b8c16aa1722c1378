"""Street addresses with a house number, and named persons revealed by titles and cues."""

from __future__ import annotations

import pytest

from reviewer.redact import suggest_spans


def _found(text: str, lang: str, kind: str) -> list[str]:
    return [text[s.start : s.end] for s in suggest_spans(text, lang=lang) if s.type == kind]


@pytest.mark.parametrize(
    ("lang", "text", "address"),
    [
        ("en", "She lives at 12 Baker Street, apt 4 now.", "12 Baker Street, apt 4"),
        ("fr", "Elle habite au 14 rue des Lilas depuis.", "14 rue des Lilas"),
        ("es", "Vive en la calle Mayor 14, cerca.", "calle Mayor 14"),
        ("es", "en la Carrera 4 # 25-31 de Quibdó", "Carrera 4 # 25-31"),
        ("ru", "живёт по адресу ул. Ленина, д. 5, кв. 12 с семьёй", "ул. Ленина, д. 5, кв. 12"),
        ("ar", "منزلها في شارع الجمهورية رقم 14 تعرض", "شارع الجمهورية رقم 14"),
        ("zh", "他住在北京市朝阳区建国路88号。", "北京市朝阳区建国路88号"),
    ],
)
def test_addresses(lang: str, text: str, address: str) -> None:
    assert _found(text, lang, "ADDRESS") == [address]


def test_a_street_without_a_number_is_not_an_address() -> None:
    assert _found("They waited in the street outside the court.", "en", "ADDRESS") == []
    assert _found("Ils ont attendu dans la rue.", "fr", "ADDRESS") == []


@pytest.mark.parametrize(
    ("lang", "text", "names"),
    [
        ("en", "Her lawyer, Atty. Grace Villanueva, and Mr. John Carter came.",
         ["Grace Villanueva", "John Carter"]),
        ("fr", "Me Didier Hakizimana et le colonel Bosco Ilunga étaient là.",
         ["Didier Hakizimana", "Bosco Ilunga"]),
        ("es", "El fiscal Julio Rivas y doña Ana Lucía Solórzano.",
         ["Julio Rivas", "Ana Lucía Solórzano"]),
        ("ru", "Следователь Петров и сотрудник КГБ Руденко. Понятой назвался Игорем Васильевым.",
         ["Петров", "Руденко", "Игорем Васильевым"]),
        ("ru", "Повестку подписал А. Руденко.", ["А. Руденко"]),
        ("ar", "وقال المحامي خالد العمري إن موكله محتجز.", ["خالد العمري"]),
        ("zh", "李先生说，律师张明被禁止会见，他的哥哥买买提江被带走。",
         ["李", "张明", "买买提江"]),
    ],
)
def test_titled_persons(lang: str, text: str, names: list[str]) -> None:
    assert _found(text, lang, "PERSON") == names


def test_other_mentions_of_a_titled_name_are_found_too() -> None:
    text = "Colonel Bosco Ilunga threatened him. Later Ilunga called again."
    spans = [s for s in suggest_spans(text, lang="en") if s.type == "PERSON"]
    assert [text[s.start : s.end] for s in spans] == ["Bosco Ilunga", "Ilunga"]
    assert spans[0].entity_key == spans[1].entity_key


def test_a_title_before_a_known_person_keeps_the_known_entity() -> None:
    from reviewer.redact import KnownIdentifiers, KnownPerson

    known = KnownIdentifiers(persons=(KnownPerson(name="Amina Ben Salah"),))
    text = "Mme Ben Salah a porté plainte; Amina attend."
    spans = suggest_spans(text, lang="fr", known=known)
    assert len({s.entity_key for s in spans}) == 1


def test_capitalised_words_after_cues_that_are_not_names() -> None:
    text = "His brother. In 2023 the Human Rights Council met; my colleague The Times wrote."
    assert _found(text, "en", "PERSON") == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The Minister of Interior and the General Prosecutor refused; Article 9 applies."),
        ("fr", "L'avocat Général des armées a refusé; le juge Tribunal n'existe pas."),
        ("es", "El fiscal General de la República y el juez Penal de Garantías no contestaron."),
        ("ru", "Адвокат Московской коллегии и сотрудник Министерства внутренних дел отказали."),
        ("ar", "رفض القاضي الطلب. الضابط المسؤول عن التحقيق رفض."),
        ("zh", "律师说会见被拒绝。警察表示不知情。法官宣布休庭。"),
    ],
)
def test_institutions_and_nouns_after_titles_are_not_persons(lang: str, text: str) -> None:
    assert _found(text, lang, "PERSON") == []
