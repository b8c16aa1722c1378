"""Schema and semantic validation of packages (casebase/SCHEMA.md rules 1-2)."""

import json
import random
from importlib import resources

import pytest

from casebase.countries import COUNTRY_CODES
from casebase.errors import InvalidPackage
from casebase.synthetic import SigningOrganisation, synthetic_record
from casebase.validation import package_schema, parse_package, validate_package
from haven.taxonomy import load_taxonomy

TODAY = "2026-11-23"


@pytest.fixture
def org():
    return SigningOrganisation("org-a")


@pytest.fixture
def record():
    return synthetic_record(random.Random(7), year=2024)


def test_schema_vocabularies_equal_the_taxonomy():
    t = load_taxonomy()
    defs = package_schema()["$defs"]
    record = defs["record"]["properties"]
    assert record["acts"]["items"]["enum"] == list(t.ids("acts"))
    assert record["mechanisms"]["items"]["enum"] == list(t.ids("mechanisms"))
    assert record["kind"]["enum"] == list(t.ids("record_kinds"))
    assert record["country"]["enum"] == list(COUNTRY_CODES)
    assert defs["follow_up_event"]["properties"]["event"]["enum"] == list(
        t.ids("follow_up_events"))
    assert defs["consent_snapshot"]["properties"]["scopes"]["items"]["enum"] == list(
        t.ids("consent_scopes"))


def test_example_packages_are_valid():
    folder = resources.files("casebase").joinpath("schema/examples")
    for name in ("release.json", "tombstone.json"):
        signed = json.loads(folder.joinpath(name).read_text("utf-8"))
        assert validate_package(signed, TODAY)["org_id"] == "example-org"


def test_valid_release_passes(org, record):
    assert validate_package(org.release(record), TODAY)["type"] == "release"


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b"\xff\xfe"])
def test_non_object_bodies_are_invalid(raw):
    with pytest.raises(InvalidPackage) as caught:
        parse_package(raw)
    assert caught.value.code == "invalid_package"


def test_oversized_package_is_refused():
    with pytest.raises(InvalidPackage, match="larger than"):
        parse_package(b" " * (300 * 1024))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r.update(acts=["not_an_act"]), "record/acts/0"),
        (lambda r: r.update(country="XX"), "record/country"),
        (lambda r: r.update(acts=[]), "record/acts"),
        (lambda r: r.pop("narrative"), "record"),
        (lambda r: r.update(extra="field"), "record"),
        (lambda r: r.update(follow_up=[{"date": "2024-05-03", "event": "other"}]),
         "record/follow_up/0/date"),
    ],
)
def test_schema_errors_name_the_place(org, record, change, where):
    change(record)
    with pytest.raises(InvalidPackage, match=f"at package/{where}"):
        validate_package(org.release(record), TODAY)


@pytest.mark.parametrize(
    ("change", "scopes", "code"),
    [
        (lambda r: None, ("public_advocacy",), "consent_missing"),
        (lambda r: r.update(named=True, name="A Person"), ("casebase_anonymized",),
         "named_without_consent"),
        (lambda r: r.update(named=True, name=None), ("casebase_named",), "name_without_named"),
        (lambda r: r.update(name="A Person"), ("casebase_anonymized",), "name_without_named"),
        (lambda r: r.update(year_to=r["year"] + 3), ("casebase_anonymized",), "bad_year_band"),
        (lambda r: r.update(year=2030), ("casebase_anonymized",), "bad_year_band"),
        (lambda r: r.update(follow_up=[{"date": "2027-01", "event": "other"}]),
         ("casebase_anonymized",), "follow_up_in_future"),
    ],
)
def test_semantic_rules_have_their_own_codes(org, record, change, scopes, code):
    change(record)
    with pytest.raises(InvalidPackage) as caught:
        validate_package(org.release(record, scopes=scopes), TODAY)
    assert caught.value.code == code


def test_package_issued_in_the_future_is_refused(org, record):
    with pytest.raises(InvalidPackage) as caught:
        validate_package(org.release(record, issued_at="2026-11-24"), TODAY)
    assert caught.value.code == "issued_in_future"
