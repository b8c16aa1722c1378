"""Records whose acts the release gate generalised to their categories: the package schema,
the k query's recoding on the case base side, the statistics table and the CSV export."""

from __future__ import annotations

import random

import pytest

from casebase.anonymity import categories_of, count_class, parse_anonymity_query, recode
from casebase.countries import COUNTRY_REGION
from casebase.errors import BadQuery, InvalidPackage
from casebase.exports import CSV_COLUMNS, csv_row
from casebase.stats import CaseFacts, build_table_set
from casebase.synthetic import SigningOrganisation, synthetic_record
from casebase.trends import annual_report, table_views
from casebase.validation import package_schema, validate_package
from haven.taxonomy import load_taxonomy

TODAY = "2026-11-23"
QI = {"kind": "individual", "country": "BH", "year": 2023, "year_to": None,
      "gender": "woman", "role": "hrd", "acts": ["detention"], "mechanisms": ["hrc"],
      "perpetrators": ["police"], "detained": True}
RECODE = {"year_band": False, "role_groups": None, "act_categories": False,
          "suppress_gender": False}


@pytest.fixture
def org():
    return SigningOrganisation("org-a")


@pytest.fixture
def record():
    return synthetic_record(random.Random(7), year=2024)


# --- the package schema ------------------------------------------------------------------

def test_schema_categories_equal_the_taxonomy():
    record = package_schema()["$defs"]["record"]
    enum = record["properties"]["act_categories"]["items"]["enum"]
    assert enum == list(load_taxonomy().ids("act_categories"))


def test_a_category_level_record_is_valid(org, record):
    generalised = {**record, "acts": [], "act_categories": ["liberty", "violence"]}
    body = validate_package(org.release(generalised), TODAY)
    assert body["record"]["act_categories"] == ["liberty", "violence"]


def test_a_record_of_the_current_shape_stays_valid(org, record):
    assert "act_categories" not in record
    assert validate_package(org.release(record), TODAY)["record"]["acts"] == record["acts"]


@pytest.mark.parametrize(("changes", "where", "says"), [
    ({"acts": []}, "package/record/acts", "less than 1 item"),
    ({"acts": [], "act_categories": []}, "package/record/act_categories", "less than 1"),
    ({"acts": [], "act_categories": ["cruelty"]}, "package/record/act_categories/0",
     "is not one of"),
    ({"acts": ["detention"], "act_categories": ["liberty"]}, "package/record/acts",
     "more than 0 items"),
    ({"acts": [], "act_categories": ["liberty", "liberty"]},
     "package/record/act_categories", "unique"),
])
def test_malformed_acts_are_refused_where_they_are(org, record, changes, where, says):
    with pytest.raises(InvalidPackage) as caught:
        validate_package(org.release({**record, **changes}), TODAY)
    assert caught.value.code == "invalid_package"
    assert f"at {where}:" in str(caught.value)
    assert says in str(caught.value)


# --- the k query: global recoding by category ---------------------------------------------

def _query(act_categories: bool, **qi):  # type: ignore[no-untyped-def]
    return parse_anonymity_query({"qi": {**QI, **qi},
                                  "recode": {**RECODE, "act_categories": act_categories},
                                  "exclude_record_id": None})


def test_recode_compares_acts_by_category_only_when_asked():
    other_act = {**QI, "acts": ["house_arrest"]}
    assert recode(other_act, RECODE) != recode(QI, RECODE)
    by_category = {**RECODE, "act_categories": True}
    assert recode(other_act, by_category) == recode(QI, by_category)
    assert recode(QI, by_category)["acts"] == ("liberty",)


def test_a_generalised_record_is_counted_by_its_categories():
    generalised = {**QI, "acts": [], "act_categories": ["liberty"]}
    rows = [("a" * 32, generalised), ("b" * 32, {**QI, "acts": ["torture"]})]
    exact = count_class(_query(False), rows)
    assert exact["k"] == 0  # its act ids are not known: it matches no exact query
    assert exact["act_categories"] == ["liberty", "violence"]
    by_category = count_class(_query(True), rows)
    assert by_category["k"] == 1
    assert categories_of(generalised) == ("liberty",)


def test_the_recode_object_is_checked_strictly():
    with pytest.raises(BadQuery, match=r"recode has exactly the fields \['act_categories'"):
        parse_anonymity_query({"qi": QI, "recode": {k: v for k, v in RECODE.items()
                                                    if k != "act_categories"}})
    with pytest.raises(BadQuery, match="recode.act_categories: true or false"):
        parse_anonymity_query({"qi": QI, "recode": {**RECODE, "act_categories": "yes"}})
    with pytest.raises(BadQuery, match="the shared taxonomy's own"):
        parse_anonymity_query({"qi": QI, "recode": RECODE,
                               "act_categories": {"detention": "liberty"}})


# --- statistics and exports ---------------------------------------------------------------

def _facts(categories: list[frozenset[str]]) -> list[CaseFacts]:
    return [CaseFacts("BH", COUNTRY_REGION["BH"], 2023, frozenset({"hrc"}), frozenset(),
                      frozenset(), "public", c) for c in categories]


def test_the_category_table_counts_generalised_records_with_suppression():
    facts = _facts([frozenset({"liberty"})] * 6 + [frozenset({"violence", "liberty"})] * 2)
    tables = build_table_set(facts, threshold=5)
    table = next(t for t in tables["tables"] if t["id"] == "2023/act_category")
    rows = {r["id"]: r["cells"] for r in table["rows"]}
    assert list(rows) == ["liberty", "violence"]  # taxonomy order, empty rows left out
    assert [c["value"] for c in rows["liberty"]] == [8, 0, 8]
    assert [c["flag"] for c in rows["violence"]] == ["primary", None, "primary"]
    view = next(v for v in table_views(tables, lambda s: s, 2023)
                if v.table_id == "2023/act_category")
    assert view.title == "Cases by category of act, 2023"
    assert view.rows[0] == ("Detention and deprivation of liberty", ["8", "0", "8"])
    assert view.rows[1][1] == ["<5", "0", "<5"]


def test_the_annual_report_lists_the_categories_and_reads_older_snapshots():
    tables = {**build_table_set(_facts([frozenset({"liberty"})] * 5), threshold=5),
              "snapshot_day": TODAY, "tier": "public"}
    lines = annual_report(tables, 2023, lambda s: s)
    assert "  Detention and deprivation of liberty: 5 / 0 / 5" in lines
    older = {**tables, "tables": [t for t in tables["tables"]
                                  if t["row_kind"] != "act_category"]}
    assert not any("liberty" in line for line in annual_report(older, 2023, lambda s: s))


def test_the_csv_export_carries_the_categories():
    case = {"title": "t", "record_id": "a" * 32, "kind": "individual", "country": "BH",
            "year": 2022, "year_to": 2023, "gender": None, "role": None, "acts": [],
            "act_categories": ["liberty", "surveillance"], "perpetrators": [],
            "mechanisms": ["hrc"], "engagement": "actual", "verification": "likely",
            "narrative": "n", "un_actors": [], "follow_up": [], "outcome": "ongoing",
            "sg_citations": [], "org_id": "org-a", "tier": "public", "version": 1,
            "anonymity_requested": True, "named": False, "detained": True,
            "surveillance": True, "restrictive_law": False}
    row = dict(zip(CSV_COLUMNS, csv_row(case, TODAY), strict=True))
    assert row["acts"] == ""
    assert row["act_categories"] == ("Detention and deprivation of liberty|"
                                     "Surveillance and hacking")
