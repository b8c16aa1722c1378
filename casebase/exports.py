"""Exports of the visible records: CSV in Uwazi's import conventions, JSON, JSON Lines.

Uwazi imports a CSV with a header row of property names, one entity per row, ``title``
first, thesaurus values by label and ``|`` between the values of a multi-select. Every
export carries its snapshot date (a ``snapshot_date`` column, key or header line) and only
what the reader's tier may see. Cells a spreadsheet could run as a formula are neutralised
(S22). Attachments are listed by their sha256 (``|`` between them), never as bytes; the
image itself is at ``/cases/<record_id>/attachments/<sha256>``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Iterator

from casebase.countries import country_name
from haven.taxonomy import load_taxonomy

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "title", "record_id", "kind", "country", "year", "year_to", "gender", "role", "acts",
    "act_categories", "perpetrators", "mechanisms", "engagement", "verification_status",
    "anonymity_requested",
    "named", "detained", "surveillance", "restrictive_law", "narrative", "un_actors",
    "follow_up", "outcome", "sg_citations", "attachments", "organisation", "tier", "version",
    "snapshot_date",
)


def neutralise(text: str) -> str:
    """Prefix a cell that starts like a formula with an apostrophe (S22)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _multi(values: Iterable[str]) -> str:
    return "|".join(neutralise(v.replace("|", "/")) for v in values)


def csv_row(case: dict[str, Any], snapshot_date: str) -> list[str]:
    t = load_taxonomy()

    def label(vocabulary: str, term: str | None) -> str:
        return t.label(vocabulary, term) if term else ""

    follow_up = [f"{e['date']} {label('follow_up_events', e['event'])}"
                 + (f": {e['note']}" if e.get("note") else "") for e in case["follow_up"]]
    citations = [f"{c['symbol']} ({c['year']}, {label('sg_report_annexes', c['annex'])})"
                 for c in case["sg_citations"]]
    values = {
        "title": case["title"], "record_id": case["record_id"],
        "kind": label("record_kinds", case["kind"]), "country": country_name(case["country"]),
        "year": str(case["year"]), "year_to": str(case["year_to"] or ""),
        "gender": label("genders", case["gender"]), "role": label("roles", case["role"]),
        "acts": _multi(label("acts", a) for a in case["acts"]),
        # Filled when the release gate published the acts by category only (acts is empty).
        "act_categories": _multi(label("act_categories", c)
                                 for c in case.get("act_categories", [])),
        "perpetrators": _multi(label("perpetrators", p) for p in case["perpetrators"]),
        "mechanisms": _multi(label("mechanisms", m) for m in case["mechanisms"]),
        "engagement": label("engagement", case["engagement"]),
        "verification_status": label("verification_status", case["verification"]),
        "narrative": case["narrative"], "un_actors": _multi(case["un_actors"]),
        "follow_up": _multi(follow_up), "outcome": label("case_outcomes", case["outcome"]),
        "sg_citations": _multi(citations),
        "attachments": _multi(a["sha256"] for a in case.get("attachments", [])),
        "organisation": case["org_id"],
        "tier": case["tier"], "version": str(case["version"]), "snapshot_date": snapshot_date,
    }
    for flag in ("anonymity_requested", "named", "detained", "surveillance", "restrictive_law"):
        values[flag] = "yes" if case[flag] else "no"
    return [neutralise(values[c]) for c in CSV_COLUMNS]


def to_csv(cases: Iterable[dict[str, Any]], snapshot_date: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for case in cases:
        writer.writerow(csv_row(case, snapshot_date))
    return buffer.getvalue()


def to_json(cases: Iterable[dict[str, Any]], snapshot_date: str, tier: str) -> str:
    return json.dumps({"snapshot_date": snapshot_date, "tier": tier, "cases": list(cases)},
                      ensure_ascii=False, indent=1)


def to_jsonl(cases: Iterable[dict[str, Any]], snapshot_date: str, tier: str) -> Iterator[str]:
    yield json.dumps({"type": "header", "snapshot_date": snapshot_date, "tier": tier}) + "\n"
    for case in cases:
        yield json.dumps({"type": "case", **case}, ensure_ascii=False) + "\n"
