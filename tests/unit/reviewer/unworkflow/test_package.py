from __future__ import annotations

import pytest

from reviewer.unworkflow.package import (
    PackageInput,
    allowed,
    build_package,
    field_paths,
    missing_items,
)

from .conftest import consent, full_fields


def package_for(*scopes: str, fields=None):  # type: ignore[no-untyped-def]
    return build_package(PackageInput(
        transmission_id="t-1", destination={"id": "ohchr-demo", "name": "OHCHR"},
        use="confidential", cycle=2027, prepared_on="2026-05-10", organisation="org-demo",
        summary="Résumé : interdiction de voyager après un témoignage.", summary_lang="fr",
        fields=fields or full_fields(), consent=consent(*scopes), verification="likely",
        reliability="high",
        citations=({"symbol": "A/HRC/60/30", "year": 2025, "annex": "annex_1"},)))


def test_confidential_package_has_every_ohchr_item_and_the_identity():
    package = package_for("un_confidential", "state_transmission")
    assert package["victim"]["identity"] == {"name": "Zahra Haddad"}
    assert "name_to_publish" not in package["victim"]  # un_report_named not given
    assert package["victim"]["location"] == {"city": "Manama", "country": "BH"}
    assert package["un_cooperation"]["references"].startswith("HRC 61st")
    assert [a["date"] for a in package["acts"]] == ["2026-03-20", "2026-04-02"]
    assert package["perpetrators"]["kinds"] == ["state"]
    assert package["link_to_cooperation"].startswith("Questioned")
    assert package["domestic_remedies"] == {"domestic_complaint": "no"}
    assert package["prior_un_record"]["sg_report_citations"][0]["symbol"] == "A/HRC/60/30"
    assert package["consent"]["given_by"] == "victim"
    assert package["consent"]["named_or_anonymous"] == "anonymous"
    assert package["consent"]["risks_explained_how"] == "video call"
    assert package["risk"]["further_reprisal"] == "yes"
    assert package["confidentiality"]["may_be_transmitted_to_state"] is True
    assert package["summary"] == {"lang": "fr", "text": package["summary"]["text"]}
    assert package["submitting_organisation"] == "org-demo"
    assert "5555 0101" not in str(package)  # the victim's contact route never leaves


def test_anonymous_report_consent_alone_gives_no_identity_or_city():
    package = package_for("un_report_anonymous")
    assert "identity" not in package["victim"]
    assert "city" not in package["victim"]["location"]
    assert package["confidentiality"]["identity_in_confidence"] is True


def test_named_consent_carries_the_name_to_publish():
    package = package_for("un_report_named")
    assert package["victim"]["name_to_publish"] == "Zahra Haddad"
    assert package["consent"]["named_or_anonymous"] == "named"


def test_without_any_un_scope_only_the_header_remains():
    package = package_for("casebase_anonymized", "contact")
    assert set(package) == {"format", "transmission_id", "destination", "use", "cycle",
                            "prepared_on", "submitting_organisation"}
    assert all(not p.startswith("victim") for p in field_paths(package))


@pytest.mark.parametrize(("path", "scopes", "ok"), [
    ("victim.identity.name", {"un_report_anonymous"}, False),
    ("victim.identity.name", {"un_confidential"}, True),
    ("victim.gender", {"un_report_anonymous"}, True),
    ("victim.name_to_publish", {"un_confidential"}, False),
    ("format", set(), True),
    ("unknown_field", {"un_confidential"}, False),
])
def test_most_specific_scope_rule_decides(path, scopes, ok):
    assert allowed(path, frozenset(scopes)) is ok


def test_missing_items_lists_what_ohchr_still_needs():
    assert missing_items(full_fields()) == []
    sparse = {"un_link": {"linked": "yes"}, "person": {"gender": "man"},
              "incidents": [{"acts": ["threats"]}]}
    missing = missing_items(sparse)
    assert "UN body or mechanism" in missing
    assert "acts with dates" in missing
    assert "victim identity (confidential)" in missing
    assert "gender" not in missing


def test_reporter_controlled_odd_shapes_are_ignored():
    odd = {"person": "not a mapping", "incidents": [1, {"date": 5}], "identity": {"real_name": 3}}
    package = package_for("un_confidential", fields=odd)
    assert "victim" not in package
    assert "acts" not in package
