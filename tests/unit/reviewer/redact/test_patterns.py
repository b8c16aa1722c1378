"""Identifiers found by their shape, in every script, without any network access."""

from __future__ import annotations

import socket

import pytest

from reviewer.redact import suggest_spans


def _types(text: str, lang: str = "en", country: str | None = None) -> dict[str, str]:
    return {text[s.start : s.end]: s.type for s in suggest_spans(text, lang=lang, country=country)}


def test_emails_urls_ips_ibans_handles() -> None:
    text = ("Write to a.b@mail.ru, see https://example.org/page. or www.hrw.org, "
            "IP 10.2.3.4 and 2001:db8::1, IBAN FR14 2004 1010 0505 0001 3M02 606, @watcher_77.")
    found = _types(text)
    assert found["a.b@mail.ru"] == "EMAIL"
    assert found["https://example.org/page"] == "URL"
    assert found["www.hrw.org"] == "URL"
    assert found["10.2.3.4"] == "IP"
    assert found["2001:db8::1"] == "IP"
    assert found["FR14 2004 1010 0505 0001 3M02 606"] == "IBAN"
    assert found["@watcher_77"] == "HANDLE"


def test_identifiers_right_against_chinese_characters() -> None:
    text = "她的邮箱lina@example.cn和账号@lina_hk以及网站www.example.org已被封锁。"
    found = _types(text, "zh")
    assert found == {"lina@example.cn": "EMAIL", "@lina_hk": "HANDLE", "www.example.org": "URL"}


def test_phone_numbers_in_local_formats_with_the_report_country() -> None:
    found = _types("Позвоните 8 (916) 123-45-67.", "ru", country="RU")
    assert found == {"8 (916) 123-45-67": "PHONE"}
    found = _types("رقمه 0501234567 منذ", "ar", country="SA")
    assert found == {"0501234567": "PHONE"}
    found = _types("电话13812345678。", "zh", country="CN")
    assert found == {"13812345678": "PHONE"}


def test_id_numbers_after_cue_words_in_six_languages() -> None:
    for text, lang in (
        ("passport number 4510 123456 was taken", "en"),
        ("son passeport n° 12AB34567 confisqué", "fr"),
        ("su cédula 001-150380-0012K fue retenida", "es"),
        ("паспорт серии 45 10 123456 изъят", "ru"),
        ("جواز سفره رقم N012345678 صودر", "ar"),
        ("身份证号码540102198503124512被没收", "zh"),
    ):
        spans = suggest_spans(text, lang=lang)
        assert [s.type for s in spans] == ["ID"], (lang, spans)


def test_un_communication_references_are_identifiers() -> None:
    found = _types("The Special Rapporteurs sent AL RUS 4/2023 and UA CHN 12/2024.")
    assert found == {"AL RUS 4/2023": "ID", "UA CHN 12/2024": "ID"}


def test_plain_numbers_are_left_alone() -> None:
    text = "Resolution 54/12, 3 years, 5,000 dollars, at 10:30, article 19, the 55th session."
    assert _types(text) == {}


def test_the_engine_makes_no_network_request(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the redaction assistant tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    found = _types("Mail maria@newdomain-example.org or visit https://newdomain-example.org")
    assert set(found.values()) == {"EMAIL", "URL"}


def test_no_report_text_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from reviewer.redact import KnownIdentifiers, KnownPerson

    canary = "Zyxwvut Qoppa"
    text = (f"{canary} paid from DE00 1234 5678 9012 3456 78 and GB82 WEST 1234 5698 7654 32, "
            "mail canary@example.org, phone +7 916 123-45-67, 14 March 2024.")
    known = KnownIdentifiers(persons=(KnownPerson(name=canary),))
    logging.getLogger("presidio-analyzer").warning("Failed to validate text %s", "DE00 1234")
    with caplog.at_level(logging.DEBUG):
        suggest_spans(text, lang="en", known=known, country="RU")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (canary, "DE00", "GB82", "canary@example.org", "916", "March"):
        assert secret not in logged
