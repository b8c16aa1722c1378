"""`haven redact` end to end through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from haven.cli import cli

NARRATIVE = (
    "On 14 March 2024 Мария Иванова spoke in Geneva. Maria's phone is +7 916 123-45-67 "
    "and her e-mail maria.iv@example.org. Следователь Петров threatened Иванову."
)


def test_prints_one_json_object_with_code_point_offsets() -> None:
    result = CliRunner().invoke(
        cli, ["redact", "--lang", "en", "--known", "Maria Ivanova"], input=NARRATIVE.encode()
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"redacted", "spans"}
    surfaces = {NARRATIVE[s["start"] : s["end"]]: s for s in payload["spans"]}
    assert surfaces["Мария Иванова"]["placeholder"] == "[PERSON-1]"
    assert surfaces["Maria"]["placeholder"] == "[PERSON-1]"
    assert surfaces["Иванову"]["placeholder"] == "[PERSON-1]"
    assert surfaces["+7 916 123-45-67"]["type"] == "PHONE"
    assert surfaces["maria.iv@example.org"]["type"] == "EMAIL"
    assert surfaces["14 March 2024"]["type"] == "DATE"
    assert surfaces["Петров"]["placeholder"] == "[PERSON-2]"
    for span in payload["spans"]:
        assert set(span) == {"start", "end", "type", "placeholder"}
    assert "Иванов" not in payload["redacted"]
    assert "916" not in payload["redacted"]


def test_offsets_count_code_points_not_bytes() -> None:
    text = "王伟的邮箱是wangwei@example.cn。"
    result = CliRunner().invoke(cli, ["redact", "--lang", "zh", "--known", "王伟"],
                                input=text.encode())
    payload = json.loads(result.output)
    spans = {text[s["start"] : s["end"]] for s in payload["spans"]}
    assert spans == {"王伟", "wangwei@example.cn"}
    assert payload["redacted"] == "[PERSON-1]的邮箱是[EMAIL-1]。"


def test_known_identifiers_and_country_options() -> None:
    text = (
        "Passport AB-123 456 seized; call 06 12 34 56 78 at Centre Solidarité Migrants (CSM) "
        "in Lyon."
    )
    result = CliRunner().invoke(
        cli,
        ["redact", "--lang", "fr", "--known-id", "AB123456", "--country", "FR",
         "--known-org", "Centre Solidarité Migrants", "--known-place", "Lyon"],
        input=text.encode(),
    )
    payload = json.loads(result.output)
    assert payload["redacted"] == (
        "Passport [ID-1] seized; call [PHONE-1] at [ORG-1] ([ORG-1]) in [LOCATION-1]."
    )


def test_coarse_dates_stay_when_consented() -> None:
    text = "Arrested on 3 May 2024, released in June 2024."
    plain = json.loads(CliRunner().invoke(cli, ["redact", "--lang", "en"], input=text).output)
    coarse = json.loads(
        CliRunner().invoke(cli, ["redact", "--lang", "en", "--allow-coarse-dates"],
                           input=text).output
    )
    assert plain["redacted"] == "Arrested on [DATE-1], released in [DATE-2]."
    assert coarse["redacted"] == "Arrested on [DATE-1], released in June 2024."


def test_bad_input_gets_a_clear_error() -> None:
    runner = CliRunner()
    bad_bytes = runner.invoke(cli, ["redact", "--lang", "en"], input=b"\xff\xfe\x00abc")
    assert bad_bytes.exit_code == 2
    assert "not valid UTF-8" in bad_bytes.output
    bad_lang = runner.invoke(cli, ["redact", "--lang", "de"], input="text")
    assert bad_lang.exit_code == 2
    assert "language 'de' is not supported" in bad_lang.output
    bad_country = runner.invoke(cli, ["redact", "--lang", "en", "--country", "XX"], input="t")
    assert bad_country.exit_code == 2
    assert "country 'XX'" in bad_country.output
    missing = runner.invoke(cli, ["redact"], input="text")
    assert missing.exit_code == 2
    assert "--lang" in missing.output


def test_empty_input_gives_an_empty_result() -> None:
    result = CliRunner().invoke(cli, ["redact", "--lang", "ar"], input=b"")
    assert json.loads(result.output) == {"redacted": "", "spans": []}
