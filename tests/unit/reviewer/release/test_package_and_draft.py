"""Drafts are checked field by field; packages are signed by three keys and accepted by the
case base's own validation; tombstones need only the release key."""

from __future__ import annotations

import pytest
from nacl.signing import SigningKey

from casebase.validation import validate_package
from haven.config import config_from_mapping
from reviewer.release.draft import latest_incident_day, parse_draft
from reviewer.release.errors import DraftInvalid, ReleaseConfigError, ReleaseError
from reviewer.release.package import (
    consent_snapshot,
    finish_release,
    release_body,
    sign_as,
    tombstone,
)
from reviewer.release.settings import release_settings
from vault.canonical import b64encode
from vault.events import ConsentState
from vault.release_package import verify_package_signatures

from .conftest import RECORD, TODAY

FORM = {"tier": "public", "kind": "individual", "title": "A title", "country": "bh",
        "year": "2023", "gender": "woman", "role": "hrd", "acts": ["travel_ban"],
        "perpetrators": [], "mechanisms": ["hrc"], "engagement": "actual",
        "outcome": "ongoing", "narrative": "A defender was stopped.",
        "suspect_set_estimate": "40", "suspect_set_reason": "many attended",
        "approver": "b" * 32, "un_actors": "Special Rapporteur on human rights defenders\n"}


def test_a_good_form_becomes_a_record():
    draft = parse_draft(FORM, verification="likely", this_year=2026)
    assert draft.record["country"] == "BH"
    assert draft.record["un_actors"] == ["Special Rapporteur on human rights defenders"]
    assert draft.record["name"] is None
    assert draft.record["verification"] == "likely"
    assert draft.suspect_set_estimate == 40  # noqa: PLR2004


@pytest.mark.parametrize(("change", "field"), [
    ({"tier": "everyone"}, "tier"), ({"acts": []}, "acts"), ({"acts": ["nope"]}, "acts"),
    ({"country": "Bahrain"}, "country"), ({"year": "2031"}, "year"),
    ({"mechanisms": []}, "mechanisms"), ({"narrative": ""}, "narrative"),
    ({"suspect_set_estimate": "many"}, "suspect_set_estimate"),
    ({"approver": "coord"}, "approver"), ({"named": "y"}, "name"),
    ({"name": "Zahra"}, "name"), ({"gender": "x"}, "gender"),
    ({"narrative": "x" * 8001}, "narrative"),
])
def test_bad_forms_name_the_field(change, field):
    with pytest.raises(DraftInvalid, match=field):
        parse_draft({**FORM, **change}, verification="likely", this_year=2026)


@pytest.mark.parametrize(("dates", "expected"), [
    (["2023-03-14"], "2023-03-14"), (["2023-02"], "2023-02-28"), (["2021"], "2021-12-31"),
    (["2021", "around 2022-11 or so"], "2022-11-30"), (["last spring"], "2023-12-31"),
])
def test_latest_incident_day_rounds_up(dates, expected):
    fields = {"incidents": [{"date": d} for d in dates]}
    assert latest_incident_day(fields, 2023) == expected


def _people():  # type: ignore[no-untyped-def]
    keys = {r: SigningKey.generate() for r in ("release", "drafter", "approver")}
    return keys, {r: {"id": f"{r}-1", "pk": b64encode(bytes(keys[r].verify_key))}
                  for r in ("drafter", "approver")}


def _body(keys, people, snapshot):  # type: ignore[no-untyped-def]
    return release_body(org_id="org-test", record_id="c" * 32, version=1, issued_at=TODAY,
                        tier="public", snapshot=snapshot, record=RECORD,
                        release_pk=bytes(keys["release"].verify_key),
                        drafter=people["drafter"], approver=people["approver"],
                        certificate=None)


CONSENT = ConsentState(granted=frozenset({"casebase_anonymized", "contact"}),
                       given_by="family", last_day={"casebase_anonymized": "2026-10-02"})


def test_snapshot_keeps_only_case_base_scopes_from_signed_events():
    snapshot = consent_snapshot(CONSENT, "casebase_anonymized")
    assert snapshot == {"scopes": ["casebase_anonymized"], "given_by": "family",
                        "confirmed": "2026-10"}
    with pytest.raises(ReleaseError):
        consent_snapshot(ConsentState(), "casebase_anonymized")


def test_signed_release_passes_the_case_base_checks():
    keys, people = _people()
    body = _body(keys, people, consent_snapshot(CONSENT, "casebase_anonymized"))
    signed = finish_release(body, sign_as("drafter", body, keys["drafter"]),
                            sign_as("approver", body, keys["approver"]), keys["release"])
    assert verify_package_signatures(signed) == body
    assert validate_package(signed, TODAY)["record_id"] == "c" * 32


def test_only_the_named_people_can_sign():
    keys, people = _people()
    body = _body(keys, people, consent_snapshot(CONSENT, "casebase_anonymized"))
    with pytest.raises(ReleaseError, match="approver"):
        sign_as("approver", body, keys["drafter"])


def test_tombstone_needs_only_the_release_key():
    key = SigningKey.generate()
    signed = tombstone(org_id="org-test", record_id="c" * 32, version=3, issued_at=TODAY,
                       reason="consent_withdrawn", release_key=key, certificate=None)
    assert set(signed["signatures"]) == {"release"}
    assert validate_package(signed, TODAY)["type"] == "tombstone"


def test_settings_refuse_bad_values(tmp_path):
    config = config_from_mapping({"instance_id": "0" * 32, "reviewer": {"release_k": 1}},
                                 tmp_path)
    with pytest.raises(ReleaseConfigError, match="release_k"):
        release_settings(config)
    good = release_settings(config_from_mapping({"instance_id": "0" * 32}, tmp_path))
    assert (good.k, good.k_margin, good.required_class_size) == (5, 2, 7)
    assert good.release_key_path == tmp_path / "keys" / "release.key"


def test_follow_up_lines_become_events():
    text = ("2024-03 government_response denies : the State denied any link\n\n"
            "2023 raised_by_un_official\n")
    draft = parse_draft({**FORM, "follow_up": text}, verification="likely", this_year=2026)
    assert draft.record["follow_up"] == [
        {"date": "2023", "event": "raised_by_un_official"},
        {"date": "2024-03", "event": "government_response", "stance": "denies",
         "note": "the State denied any link"}]


@pytest.mark.parametrize("line", [
    "March 2024 other", "2099-01 other", "2024 not_an_event", "2024 other not_a_stance",
    "2024 other denies extra"])
def test_bad_follow_up_lines_are_named(line):
    with pytest.raises(DraftInvalid, match="follow_up line 1"):
        parse_draft({**FORM, "follow_up": line}, verification="likely", this_year=2026)


def test_citation_lines_become_sg_citations():
    text = "A/HRC/54/61 2023 annex_2 34\nA/HRC/51/47 2022 annex_1\n"
    draft = parse_draft({**FORM, "sg_citations": text}, verification="likely", this_year=2026)
    assert draft.record["sg_citations"] == [
        {"symbol": "A/HRC/54/61", "year": 2023, "annex": "annex_2", "paragraph": "34"},
        {"symbol": "A/HRC/51/47", "year": 2022, "annex": "annex_1"}]


@pytest.mark.parametrize("line", [
    "a/hrc/54/61 2023 annex_2", "A/HRC/54/61 twenty annex_2", "A/HRC/54/61 2023 annex_9",
    "A/HRC/54/61 2023", "A/HRC/54/61 2023 annex_2 34 extra", "A/HRC/54/61 2023 annex_2 #"])
def test_bad_citation_lines_are_named(line):
    with pytest.raises(DraftInvalid, match="sg_citations line 1"):
        parse_draft({**FORM, "sg_citations": line}, verification="likely", this_year=2026)


def test_a_stored_draft_round_trips_through_the_form_checks():
    from reviewer.release.draft import draft_from_content

    form = {**FORM, "sg_citations": "A/HRC/54/61 2023 annex_2 34",
            "follow_up": "2024-03 government_response denies : denied"}
    draft = parse_draft(form, verification="likely", this_year=2026)
    stored = {"tier": draft.tier, "record": draft.record,
              "suspect_set_estimate": draft.suspect_set_estimate,
              "suspect_set_reason": draft.suspect_set_reason,
              "approver_key_id": draft.approver_key_id, "attachments": []}
    assert draft_from_content(stored, 2026) == draft
    with pytest.raises(DraftInvalid, match="malformed"):
        draft_from_content({"tier": "public"}, 2026)
