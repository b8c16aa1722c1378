"""Charts are drawn from suppressed snapshots only, accessible, in SVG and PNG."""

import io
import random
import xml.etree.ElementTree as ET

from PIL import Image

from casebase.charts import render_png, render_svg
from casebase.countries import COUNTRY_REGION
from casebase.stats import CaseFacts, build_table_set
from casebase.trends import annual_report, chart_for, table_views

SVG = "{http://www.w3.org/2000/svg}"


def _snapshot(n=40, seed=2):
    rng = random.Random(seed)
    facts = []
    for _ in range(n):
        country = rng.choice(["NI", "EG", "CN", "RU", "FR", "BY", "IN"])
        facts.append(CaseFacts(country, COUNTRY_REGION[country], rng.choice([2022, 2023]),
                               frozenset({rng.choice(["hrc", "upr"])}), frozenset({2023}),
                               frozenset({"women"} if rng.random() < 0.5 else set())))
    snapshot = build_table_set(facts, 5)
    snapshot.update(snapshot_day="2026-11-23", tier="public")
    return snapshot


def test_svg_has_title_desc_and_marks_suppressed_cells():
    snapshot = _snapshot()
    chart = chart_for(snapshot, "2023-region", lambda s: s)
    root = ET.fromstring(render_svg(chart))  # noqa: S314 - our own output
    assert root.find(f"{SVG}title").text == "Cases by region, 2023"
    assert "<5" in root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    hidden = [c for r in snapshot["tables"][0]["rows"] for c in r["cells"]
              if c["value"] is None]
    if hidden:
        assert "<5" in texts or "x" in texts
    assert root.get("role") == "img"


def test_png_is_a_real_image_of_the_same_chart():
    chart = chart_for(_snapshot(), "over_time", lambda s: s)
    image = Image.open(io.BytesIO(render_png(chart)))
    assert image.format == "PNG"
    assert image.width == 720


def test_table_views_and_report_never_show_a_hidden_value():
    snapshot = _snapshot(n=12, seed=9)
    for view in table_views(snapshot, lambda s: s):
        for _label, cells in view.rows:
            for text in cells:
                assert text in ("<5", "x") or int(text) == 0 or int(text) >= 5
    lines = annual_report(snapshot, 2023, lambda s: s)
    assert lines[0].startswith("Reprisals report figures for 2023")
    assert any(line.startswith("Cases:") for line in lines)
    assert annual_report(snapshot, 1999, lambda s: s) == [
        "No released cases count towards 1999."]


def test_unknown_chart_is_none():
    assert chart_for(_snapshot(), "2023-nothing", lambda s: s) is None
