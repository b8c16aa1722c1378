"""Pages and read API: search, filters, sorting, pages, case timeline, related cases, tiers."""

import re

import pytest

from casebase.accounts import create_partner, issue_token

TODAY = "2026-11-23"


@pytest.fixture
def seeded(cb_env):
    """Six public records and one partner-tier record with known contents."""
    ids = {}
    specs = {
        "ni": dict(country="NI", year=2022, acts=["entry_denied"], mechanisms=["upr"],
                   title="Leader denied entry after session", gender="woman",
                   narrative="Prevented from boarding her flight home after Geneva."),
        "dj": dict(country="DJ", year=2018, acts=["passport", "travel_ban"],
                   mechanisms=["upr"], title="Journalist passport confiscated",
                   narrative="Intelligence agents raided his house.",
                   follow_up=[{"date": "2019-03", "event": "cited_sg_report_new",
                               "note": "Cited as a new case"},
                              {"date": "2021", "event": "government_response",
                               "stance": "denies",
                               "note": "The ministry rejected the allegation"}]),
        "cn": dict(country="CN", year=2020, acts=["restrictive_law"],
                   mechanisms=["treaty_bodies"], title="Civil society closures",
                   narrative="Organisations closed under the security law.", follow_up=[]),
        "ae": dict(country="AE", year=2019, acts=["detention"], mechanisms=["upr"],
                   title="Detained women charged again", detained=True,
                   narrative="Charged with further crimes after communication.", follow_up=[]),
    }
    for name, spec in specs.items():
        package = cb_env.org.release(cb_env.record(**spec))
        ids[name] = package["package"]["record_id"]
        assert cb_env.post(package).status_code == 201
    for n in range(2):
        cb_env.post(cb_env.org.release(cb_env.record(
            country="MX", year=2016 + n, mechanisms=["hrc"], follow_up=[], acts=["threats"],
            title=f"Threats case {n}", narrative="Threatened after a session.")))
    partner_only = cb_env.org.release(cb_env.record(country="BY", title="Partner only case",
                                                    narrative="Confidential partner detail"),
                                      tier="partner")
    ids["partner"] = partner_only["package"]["record_id"]
    cb_env.post(partner_only)
    return ids


def _titles(client, url):
    return [c["title"] for c in client.get(url).json["cases"]]


def test_public_list_shows_only_public_tier(cb_env, seeded):
    data = cb_env.client.get("/api/v1/cases?per_page=100").json
    assert data["total"] == 6
    assert data["tier"] == "public"
    assert seeded["partner"] not in {c["record_id"] for c in data["cases"]}
    assert cb_env.client.get(f"/api/v1/cases/{seeded['partner']}").status_code == 404
    assert cb_env.client.get(f"/cases/{seeded['partner']}").status_code == 404


def test_full_text_search_matches_word_prefixes_in_any_field(cb_env, seeded):
    assert _titles(cb_env.client, "/api/v1/cases?q=passp") == ["Journalist passport confiscated"]
    assert _titles(cb_env.client, "/api/v1/cases?q=Geneva+boarding") == [
        "Leader denied entry after session"]
    # Follow-up notes and country names are searchable too.
    assert _titles(cb_env.client, "/api/v1/cases?q=ministry+rejected") == [
        "Journalist passport confiscated"]
    assert _titles(cb_env.client, "/api/v1/cases?q=nicaragua") == [
        "Leader denied entry after session"]
    assert _titles(cb_env.client, "/api/v1/cases?q=zzzzqq") == []


def test_filters_combine_and_repeat(cb_env, seeded):
    c = cb_env.client
    assert set(_titles(c, "/api/v1/cases?mechanism=upr&act=passport")) == {
        "Journalist passport confiscated"}
    assert len(_titles(c, "/api/v1/cases?country=NI&country=DJ")) == 2
    assert _titles(c, "/api/v1/cases?year=2020") == ["Civil society closures"]
    assert _titles(c, "/api/v1/cases?country=ae&detained=1") == ["Detained women charged again"]
    assert len(_titles(c, "/api/v1/cases?org=org-a&per_page=100")) == 6


@pytest.mark.parametrize(
    ("query", "message"),
    [("country=XX", "unknown country"), ("act=flying", "unknown act"),
     ("sort=random", "unknown sort"), ("page=0", "page must be"), ("year=abc", "year must"),
     ("stale=-1", "stale must"), ("per_page=1000", "per_page must")],
)
def test_bad_parameters_are_400_with_the_reason(cb_env, seeded, query, message):
    response = cb_env.client.get(f"/api/v1/cases?{query}")
    assert response.status_code == 400
    assert response.json["error"] == "bad_query"
    assert message in response.json["message"]
    page = cb_env.client.get(f"/?{query}")
    assert page.status_code == 400
    assert message in page.get_data(as_text=True).replace("&#39;", "'")


def test_sorting_and_pagination(cb_env, seeded):
    c = cb_env.client
    years = [x["year"] for x in c.get("/api/v1/cases?sort=oldest&per_page=100").json["cases"]]
    assert years == sorted(years)
    first = c.get("/api/v1/cases?sort=newest&per_page=4").json
    second = c.get("/api/v1/cases?sort=newest&per_page=4&page=2").json
    assert first["pages"] == 2
    assert len(first["cases"]) == 4
    assert len(second["cases"]) == 2
    assert not {x["record_id"] for x in first["cases"]} & {x["record_id"] for x in
                                                          second["cases"]}


def test_cases_without_follow_up_for_n_months(cb_env, seeded):
    stale = _titles(cb_env.client, "/api/v1/cases?stale=36&per_page=100")
    assert "Journalist passport confiscated" in stale  # last event 2021
    fresh = cb_env.client.get(f"/api/v1/cases/{seeded['ni']}").json
    assert fresh["last_activity"] >= "2022-01"


def test_case_page_shows_the_timeline_and_related_cases(cb_env, seeded):
    page = cb_env.client.get(f"/cases/{seeded['dj']}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    assert timeline.index("2019-03") < timeline.index("2021")
    assert "Included in the Secretary-General&#39;s report as a new case" in timeline
    assert "response: Denies" in timeline
    related = page[page.index("related-title"):]
    assert "Leader denied entry after session" in related  # same mechanism (UPR)
    assert "Partner only case" not in page


def test_list_page_has_shareable_links_and_exports(cb_env, seeded):
    page = cb_env.client.get("/?q=passport&mechanism=upr").get_data(as_text=True)
    assert "1 case" in page
    assert re.search(r'href="/export\.csv\?[^"]*q=passport', page)
    assert "Journalist passport confiscated" in page


def test_partner_token_sees_partner_tier_and_gets_no_store(cb_env, seeded):
    with cb_env.session() as session:
        partner = create_partner(session, "ishr", "partner-org", "correct horse battery",
                                 TODAY)
        token = issue_token(session, partner, "test", TODAY)
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    data = cb_env.client.get("/api/v1/cases?per_page=100", headers=headers)
    assert data.json["total"] == 7
    assert data.json["tier"] == "partner"
    assert data.headers["Cache-Control"] == "no-store"
    case = cb_env.client.get(f"/api/v1/cases/{seeded['partner']}", headers=headers)
    assert case.json["tier"] == "partner"
    bad = cb_env.client.get("/api/v1/cases", headers={"Authorization": "Bearer hcb_wrong"})
    assert (bad.status_code, bad.json["error"]) == (401, "unauthorized")


def test_partner_login_page_session_and_logout(cb_env, seeded):
    with cb_env.session() as session:
        create_partner(session, "ishr", "partner-org", "correct horse battery", TODAY)
        session.commit()
    client = cb_env.client
    wrong = client.post("/partner/login", data={"username": "ishr", "password": "nope"})
    assert wrong.status_code == 401
    assert "Wrong user name or password" in wrong.get_data(as_text=True)
    ok = client.post("/partner/login", data={"username": "ishr",
                                             "password": "correct horse battery"})
    assert ok.status_code == 302
    page = client.get(f"/cases/{seeded['partner']}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    client.post("/partner/logout")
    assert client.get(f"/cases/{seeded['partner']}").status_code == 404


def test_exports_respect_the_tier_and_carry_the_snapshot_date(cb_env, seeded):
    csv_text = cb_env.client.get("/export.csv").get_data(as_text=True)
    lines = csv_text.strip().split("\r\n")
    assert lines[0].startswith("title,record_id,kind,country")
    assert len(lines) == 7
    assert "Partner only case" not in csv_text
    assert "Travel ban or exit refusal|Passport confiscated" in csv_text \
        or "Passport confiscated or not renewed|Travel ban" in csv_text
    assert lines[1].endswith(TODAY)
    data = cb_env.client.get("/export.json?country=DJ").json
    assert data["snapshot_date"] == TODAY
    assert [c["country"] for c in data["cases"]] == ["DJ"]
    jsonl = cb_env.client.get("/export.jsonl").get_data(as_text=True).splitlines()
    assert '"type": "header"' in jsonl[0]
    assert len(jsonl) == 7
    response = cb_env.client.get("/export.csv")
    assert f"haven-casebase-public-{TODAY}.csv" in response.headers["Content-Disposition"]


def test_trends_page_and_charts_use_suppressed_snapshot(cb_env, seeded):
    page = cb_env.client.get("/trends?year=2022").get_data(as_text=True)
    assert "&lt;5" in page
    assert "/trends/charts/2022-region.svg" in page
    svg = cb_env.client.get("/trends/charts/2022-region.svg")
    assert svg.content_type.startswith("image/svg+xml")
    assert "<title" in svg.get_data(as_text=True)
    png = cb_env.client.get("/trends/charts/over_time.png?download=1")
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png.headers["Content-Disposition"]
    assert cb_env.client.get("/trends/charts/nope.svg").status_code == 404
    assert cb_env.client.get("/trends?year=1999").status_code == 404


def test_repeated_wrong_passwords_lock_the_user_name(cb_env):
    with cb_env.session() as session:
        create_partner(session, "ishr", "partner-org", "correct horse battery", TODAY)
        session.commit()
    client = cb_env.client
    for _ in range(5):
        assert client.post("/partner/login", data={"username": "ishr",
                                                   "password": "wrong"}).status_code == 401
    locked = client.post("/partner/login", data={"username": "ishr",
                                                 "password": "correct horse battery"})
    assert locked.status_code == 429
    other = client.post("/partner/login", data={"username": "someone", "password": "x"})
    assert other.status_code == 401
