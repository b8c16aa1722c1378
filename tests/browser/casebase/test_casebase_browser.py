"""The case base in Debian's Chromium: list, search, filter, case timeline, trends charts.

No console errors, no request to another origin, and everything works without
JavaScript (the pages carry none).
"""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def cb_browser_app(casebase_with_public_cases):
    return casebase_with_public_cases()


def test_browse_search_filter_case_and_trends(browser, live_server, cb_browser_app):
    with live_server(cb_browser_app) as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        errors, foreign = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base)
                else None)

        page.goto(base + "/")
        assert page.locator("#result-count").inner_text() == "5 cases"
        assert page.locator("li.case-item").count() == 5

        page.fill("#q", "passport")
        page.click("form.search button[type=submit]")
        assert page.locator("#result-count").inner_text() == "1 case"
        assert "q=passport" in page.url  # shareable URL
        assert "Kadar Abdi Ibrahim" in page.locator("ol.cases").inner_text()

        page.goto(base + "/")
        page.select_option("#f-country", "AD")
        page.click("form.search button[type=submit]")
        assert page.locator("#result-count").inner_text() == "1 case"
        page.click("ol.cases h2 a")
        assert "Vanessa Mendoza" in page.locator("h1").inner_text()
        timeline = page.locator("#timeline")
        assert timeline.locator("li.event").count() == 2
        assert "Indicted" in timeline.inner_text()

        page.click("text=Trends")
        charts = page.locator("section.chart img")
        assert charts.count() >= 3
        first = charts.first
        assert page.locator("table td", has_text="<5").count() > 0
        svg = page.request.get(base + first.get_attribute("src"))
        assert svg.ok
        assert "<title" in svg.text()

        assert errors == []
        assert foreign == []
        context.close()


def test_charts_load_as_images(browser, live_server, cb_browser_app):
    with live_server(cb_browser_app) as base:
        context = browser.new_context()
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "/trends")
        widths = page.locator("section.chart img").evaluate_all(
            "imgs => imgs.map(i => i.complete && i.naturalWidth)")
        assert widths
        assert all(w == 720 for w in widths)
        assert errors == []  # the strict CSP blocks nothing the page needs
        context.close()
