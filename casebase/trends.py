"""Readable views of a statistics snapshot: labelled tables, charts, the annual report.

Everything here reads a stored snapshot (already suppressed); nothing queries records.
``translate`` is flask-babel's ``gettext`` in the app and the identity in the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from casebase.charts import Chart, Point, Series
from casebase.countries import REGIONS
from haven.i18n import HTML_LANG, text_direction
from haven.taxonomy import load_taxonomy


def N_(text: str) -> str:  # noqa: N802 - the usual marker for strings translated later
    return text


COLUMN_LABELS = {"new": N_("New cases"), "follow_up": N_("Follow-up cases"),
                 "total": N_("Total"), "yes": N_("Yes"), "no": N_("No")}
MEASURE_LABELS = {
    "women": N_("Women"),
    "detained": N_("Detained"),
    "named": N_("Named"),
    "anonymity_requested": N_("Anonymity requested"),
    "surveillance": N_("Surveillance (online or physical)"),
    "restrictive_law": N_("Restrictive laws used"),
}
TABLE_TITLES = {
    "region": N_("Cases by region, %(year)s"),
    "mechanism": N_("Cases by UN mechanism engaged, %(year)s"),
    "act_category": N_("Cases by category of act, %(year)s"),
    "measure": N_("Characteristics of the cases, %(year)s"),
    "year": N_("New and follow-up cases over time"),
}
ROW_HEADERS = {"region": N_("Region"), "mechanism": N_("Mechanism"),
               "measure": N_("Characteristic"), "year": N_("Year"),
               "act_category": N_("Act category")}
# A snapshot names its tier by id; pages and reports name it in the reader's language.
TIER_LABELS = {"public": N_("public records only"), "partner": N_("public and partner records")}
SUPPRESSED_TEXT = {"primary": "<5", "complementary": "x"}
Translate = Callable[[str], str]


@dataclass(frozen=True)
class TableView:
    table_id: str
    chart_id: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]  # (label, cell texts)


def row_label(kind: str, row_id: str, translate: Translate) -> str:
    if row_id == "total":
        return translate("Total")
    if kind == "region":
        return translate(REGIONS[row_id])
    if kind == "mechanism":
        return translate(load_taxonomy().label("mechanisms", row_id))
    if kind == "act_category":
        return translate(load_taxonomy().label("act_categories", row_id))
    if kind == "measure":
        return translate(MEASURE_LABELS[row_id])
    return row_id


def tier_label(tier: str, translate: Translate) -> str:
    return translate(TIER_LABELS[tier]) if tier in TIER_LABELS else tier


def cell_text(cell: dict[str, Any]) -> str:
    return str(cell["value"]) if cell["value"] is not None else SUPPRESSED_TEXT[cell["flag"]]


def chart_id_of(table: dict[str, Any]) -> str:
    return table["id"].replace("/", "-")


def table_title(table: dict[str, Any], translate: Translate) -> str:
    return translate(TABLE_TITLES[table["row_kind"]]) % {"year": table["year"]}


def table_views(snapshot: dict[str, Any], translate: Translate,
                year: int | None = None) -> list[TableView]:
    views = []
    for table in snapshot["tables"]:
        if year is not None and table["year"] not in (year, None):
            continue
        views.append(TableView(
            table_id=table["id"], chart_id=chart_id_of(table),
            title=table_title(table, translate),
            row_header=translate(ROW_HEADERS[table["row_kind"]]),
            columns=[translate(COLUMN_LABELS[c]) for c in table["columns"]],
            rows=[(row_label(table["row_kind"], r["id"], translate),
                   [cell_text(c) for c in r["cells"]]) for r in table["rows"]],
        ))
    return views


def chart_for(snapshot: dict[str, Any], chart_id: str, translate: Translate,
              language: str = "en") -> Chart | None:
    table = next((t for t in snapshot["tables"] if chart_id_of(t) == chart_id), None)
    if table is None:
        return None
    # Charts leave out the total column/row: it is in the data table beside the chart.
    columns = [i for i, c in enumerate(table["columns"]) if c != "total"]
    rows = [r for r in table["rows"] if r["id"] != "total"]
    if table["row_kind"] == "measure":
        columns = [0]
    series = tuple(
        Series(translate(COLUMN_LABELS[table["columns"][i]]), tuple(
            Point(row_label(table["row_kind"], r["id"], translate), r["cells"][i]["value"],
                  r["cells"][i]["flag"]) for r in rows))
        for i in columns
    )
    title = table_title(table, translate)
    description = translate(
        "Bar chart. Counts under %(threshold)s are shown as <5 and other hidden counts as x, "
        "so that no small group of people can be singled out. Snapshot of %(day)s."
    ) % {"threshold": snapshot["threshold"], "day": snapshot["snapshot_day"]}
    return Chart(chart_id, title, description, series, direction=text_direction(language),
                 language=HTML_LANG.get(language, language))


def _state_count(value: int | None) -> str:
    return "x" if value is None else str(value)


def annual_report(snapshot: dict[str, Any], year: int, translate: Translate) -> list[str]:
    """The figures of the Secretary-General's report for ``year``, as lines of text."""
    if year not in snapshot["years"]:
        return [translate("No released cases count towards %(year)s.") % {"year": year}]
    tables = {t["id"]: t for t in snapshot["tables"]}
    region = tables[f"{year}/region"]
    total_row = next(r for r in region["rows"] if r["id"] == "total")
    new, follow_up, total = (cell_text(c) for c in total_row["cells"])
    states = snapshot["states"][str(year)]
    lines = [
        translate("Reprisals report figures for %(year)s (snapshot %(day)s, %(tier)s)")
        % {"year": year, "day": snapshot["snapshot_day"],
           "tier": tier_label(snapshot["tier"], translate)},
        translate("Cases: %(total)s (new: %(new)s, follow-up: %(fu)s)")
        % {"total": total, "new": new, "fu": follow_up},
        translate("States concerned: %(n)s") % {"n": _state_count(states["states"])},
    ]
    for measure in ("anonymity_requested", "surveillance", "restrictive_law"):
        share = states[f"share_{measure}"]
        lines.append(translate("States with %(what)s: %(n)s (%(pct)s)") % {
            "what": translate(MEASURE_LABELS[measure]).lower(),
            "n": _state_count(states[f"states_{measure}"]),
            "pct": "-" if share is None else f"{share:.0%}"})
    for row in tables[f"{year}/characteristics"]["rows"]:
        yes, _no, all_cases = (c for c in row["cells"])
        share = (f"{yes['value'] / all_cases['value']:.0%}"
                 if yes["value"] is not None and all_cases["value"] else "-")
        lines.append(f"{translate(MEASURE_LABELS[row['id']])}: {cell_text(yes)} ({share})")
    for table_id in (f"{year}/region", f"{year}/mechanism", f"{year}/act_category"):
        if table_id not in tables:  # a snapshot taken before the table existed
            continue
        lines.append(table_title(tables[table_id], translate))
        for row in tables[table_id]["rows"]:
            texts = " / ".join(cell_text(c) for c in row["cells"])
            lines.append(f"  {row_label(tables[table_id]['row_kind'], row['id'], translate)}: "
                         f"{texts}")
    lines.append(translate("Cells: new / follow-up / total; <5 = under 5, x = hidden so that "
                           "small counts cannot be worked out."))
    return lines
