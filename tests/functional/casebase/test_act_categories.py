"""A record the release gate published with act categories instead of act ids: ingested,
shown, found, counted and exported as such; never republished with act ids (S18)."""

from __future__ import annotations

import csv
import io

import pytest

TODAY = "2026-11-23"
RID = "c" * 32


@pytest.fixture
def mixed(cb_env):
    """One category-level record (liberty, surveillance) and two records with act ids."""
    generalised = cb_env.record(country="BH", year=2022, year_to=2023, role=None, acts=[],
                                act_categories=["liberty", "surveillance"],
                                title="Defender detained after a Council session",
                                narrative="Held for weeks after speaking in Geneva.")
    answer = cb_env.post(cb_env.org.release(generalised, record_id=RID))
    cb_env.generalised = generalised
    assert answer.status_code == 201, answer.json
    for acts, title in ((["house_arrest"], "House arrest case"), (["threats"], "Threats case")):
        cb_env.post(cb_env.org.release(cb_env.record(country="BH", acts=acts, title=title)))
    return cb_env


def _titles(client, url):  # type: ignore[no-untyped-def]
    return sorted(c["title"] for c in client.get(url).json["cases"])


def test_the_case_page_and_api_show_the_categories(mixed):
    case = mixed.client.get(f"/api/v1/cases/{RID}").json
    assert (case["acts"], case["act_categories"]) == ([], ["liberty", "surveillance"])
    assert case["surveillance"] is True  # the category holds exactly the surveillance acts
    html = mixed.client.get(f"/cases/{RID}").get_data(as_text=True)
    assert "Acts (generalised)" in html
    assert "Detention and deprivation of liberty" in html
    assert "Surveillance and hacking" in html
    assert "Published by category only" in html


def test_the_category_filter_finds_act_ids_and_categories_alike(mixed):
    client = mixed.client
    assert _titles(client, "/api/v1/cases?act_category=liberty") == [
        "Defender detained after a Council session", "House arrest case"]
    assert _titles(client, "/api/v1/cases?act_category=intimidation") == ["Threats case"]
    assert client.get("/api/v1/cases?act_category=cruelty").status_code == 400
    # Full-text search reaches the category labels too.
    assert "Defender detained after a Council session" in _titles(
        client, "/api/v1/cases?q=deprivation")


def test_an_act_filter_says_what_it_cannot_match(mixed):
    client = mixed.client
    assert _titles(client, "/api/v1/cases?act=detention") == []
    page = client.get("/?act=detention").get_data(as_text=True)
    assert 'id="generalised-note"' in page
    assert "1 more case was published with act categories only" in page
    assert "act_category=liberty" in page
    assert 'id="generalised-note"' not in client.get("/?act=threats").get_data(as_text=True)


def test_exports_carry_the_categories(mixed):
    rows = list(csv.DictReader(io.StringIO(
        mixed.client.get("/export.csv?act_category=liberty").get_data(as_text=True))))
    generalised = next(r for r in rows if r["title"].startswith("Defender"))
    assert generalised["acts"] == ""
    assert generalised["act_categories"] == ("Detention and deprivation of liberty|"
                                             "Surveillance and hacking")
    data = mixed.client.get("/export.json?act_category=surveillance").json
    assert [c["act_categories"] for c in data["cases"]] == [["liberty", "surveillance"]]
    lines = mixed.client.get("/export.jsonl").get_data(as_text=True).splitlines()
    assert any('"act_categories": ["liberty", "surveillance"]' in line for line in lines)


def test_the_trends_page_counts_the_record_by_category(mixed):
    page = mixed.client.get("/trends?year=2022").get_data(as_text=True)
    assert "Cases by category of act, 2022" in page
    assert "Detention and deprivation of liberty" in page


def test_act_ids_after_categories_are_more_detail_than_before(mixed):
    again = {**mixed.generalised, "acts": ["detention", "hacking"], "title": "More detail"}
    del again["act_categories"]
    answer = mixed.post(mixed.org.release(again, record_id=RID, version=2))
    assert answer.status_code == 422
    assert answer.json["error"] == "more_detail_than_before"
    assert "acts" in answer.json["message"]
    wider = {**again, "acts": [], "act_categories": ["liberty", "surveillance", "violence"]}
    assert mixed.post(mixed.org.release(wider, record_id=RID, version=2)).status_code == 422
    same = {**wider, "act_categories": ["liberty"]}
    assert mixed.post(mixed.org.release(same, record_id=RID, version=2)).status_code == 200
