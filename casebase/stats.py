"""The fixed statistics tables, computed at snapshots and stored suppressed (S21).

For each year Y, a case counts as **new** when its reprisal year is Y and as **follow-up**
when it is older and has a follow-up event dated in Y (the Secretary-General's Annex I and
Annex II). Tables per year: by region, by mechanism, by act category, and characteristics
(women, detained, named, anonymity requested, surveillance, restrictive laws); plus new vs
follow-up over time, and counts of States. The act category table counts every record,
including those the release gate published with act categories only (``acts: []``), which
no per-act count could place. Readers only ever see a stored snapshot; there is no free-form
statistics query. Counts of States are not counts of people and are not suppressed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from casebase.countries import REGIONS
from casebase.models import FollowUp, Record, RecordTerm, StatsSnapshot
from casebase.search import visible
from casebase.suppression import Equation, suppress
from haven.taxonomy import load_taxonomy

TIERS = {"public": ("public",), "partner": ("public", "partner")}
MEASURES = ("women", "detained", "named", "anonymity_requested", "surveillance",
            "restrictive_law")
STATE_MEASURES = ("anonymity_requested", "surveillance", "restrictive_law")
KINDS = ("new", "follow_up", "total")


@dataclass(frozen=True)
class CaseFacts:
    country: str
    region: str
    year: int
    mechanisms: frozenset[str]
    follow_up_years: frozenset[int]
    flags: frozenset[str]
    tier: str = "public"
    act_categories: frozenset[str] = frozenset()


def collect_facts(session: Session, tiers: Iterable[str], today: str) -> list[CaseFacts]:
    """The facts the tables need, in three column-only queries (no ORM objects)."""
    condition = visible(tiers, today)
    mechanisms: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[int]] = defaultdict(set)
    categories: dict[str, set[str]] = defaultdict(set)
    taxonomy = load_taxonomy()
    for rid, vocabulary, term in session.execute(
            sa.select(RecordTerm.record_id, RecordTerm.vocabulary, RecordTerm.term)
            .join(Record, Record.record_id == RecordTerm.record_id)
            .where(condition, RecordTerm.vocabulary.in_(("mechanisms", "acts",
                                                          "act_categories")))):
        if vocabulary == "mechanisms":
            mechanisms[rid].add(term)
        else:
            categories[rid].add(taxonomy.act_category(term) if vocabulary == "acts" else term)
    for rid, date in session.execute(
            sa.select(FollowUp.record_id, FollowUp.date)
            .join(Record, Record.record_id == FollowUp.record_id).where(condition)):
        years[rid].add(int(date[:4]))
    columns = [getattr(Record, name) for name in _FACT_COLUMNS]
    facts = []
    for row in session.execute(sa.select(*columns).where(condition)):
        values = dict(zip(_FACT_COLUMNS, row, strict=True))
        flags = {name for name in MEASURES[1:] if values[name]}
        if values["gender"] == "woman":
            flags.add("women")
        rid = values["record_id"]
        facts.append(CaseFacts(values["country"], values["region"], values["year"],
                               frozenset(mechanisms[rid]), frozenset(years[rid]),
                               frozenset(flags), values["tier"],
                               frozenset(categories[rid])))
    return facts


_FACT_COLUMNS = ("record_id", "tier", "country", "region", "year", "gender", *MEASURES[1:])


def counted(facts: list[CaseFacts], year: int) -> list[tuple[CaseFacts, str]]:
    out = []
    for case in facts:
        if case.year == year:
            out.append((case, "new"))
        elif case.year < year and year in case.follow_up_years:
            out.append((case, "follow_up"))
    return out


class _Builder:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.equations: list[Equation] = []
        self.tables: list[dict[str, Any]] = []

    def cell(self, key: str, value: int) -> str:
        self.values[key] = value
        return key

    def table(self, table_id: str, year: int | None, row_kind: str, columns: tuple[str, ...],
              rows: list[tuple[str, list[str]]]) -> None:
        self.tables.append({"id": table_id, "year": year, "row_kind": row_kind,
                            "columns": list(columns),
                            "rows": [{"id": rid, "keys": keys} for rid, keys in rows]})


def _year_tables(b: _Builder, facts: list[CaseFacts], year: int) -> None:
    cases = counted(facts, year)
    totals = {k: b.cell(f"{year}/all/{k}", _n(cases, k)) for k in KINDS}
    b.equations.append(Equation(totals["total"], (totals["new"], totals["follow_up"])))
    region_rows = []
    for region in REGIONS:
        keys = [b.cell(f"{year}/region/{region}/{k}",
                       _n([c for c in cases if c[0].region == region], k)) for k in KINDS]
        b.equations.append(Equation(keys[2], (keys[0], keys[1])))
        region_rows.append((region, keys))
    for i, k in enumerate(KINDS):
        b.equations.append(Equation(totals[k], tuple(row[1][i] for row in region_rows)))
    b.table(f"{year}/region", year, "region", KINDS,
            [*region_rows, ("total", [totals[k] for k in KINDS])])
    mechanism_rows = []
    for mechanism in sorted({m for c, _ in cases for m in c.mechanisms}):
        subset = [c for c in cases if mechanism in c[0].mechanisms]
        keys = [b.cell(f"{year}/mechanism/{mechanism}/{k}", _n(subset, k)) for k in KINDS]
        b.equations.append(Equation(keys[2], (keys[0], keys[1])))
        mechanism_rows.append((mechanism, keys))
    b.table(f"{year}/mechanism", year, "mechanism", KINDS, mechanism_rows)
    category_rows = []
    for category in load_taxonomy().ids("act_categories"):
        subset = [c for c in cases if category in c[0].act_categories]
        if not subset:
            continue
        keys = [b.cell(f"{year}/act_category/{category}/{k}", _n(subset, k)) for k in KINDS]
        b.equations.append(Equation(keys[2], (keys[0], keys[1])))
        category_rows.append((category, keys))
    b.table(f"{year}/act_category", year, "act_category", KINDS, category_rows)
    measure_rows = []
    for measure in MEASURES:
        yes = sum(1 for c, _ in cases if measure in c.flags)
        keys = [b.cell(f"{year}/{measure}/yes", yes), b.cell(f"{year}/{measure}/no",
                                                            len(cases) - yes), totals["total"]]
        b.equations.append(Equation(totals["total"], (keys[0], keys[1])))
        measure_rows.append((measure, keys))
    b.table(f"{year}/characteristics", year, "measure", ("yes", "no", "total"), measure_rows)


def _n(cases: list[tuple[CaseFacts, str]], kind: str) -> int:
    return len(cases) if kind == "total" else sum(1 for _, k in cases if k == kind)


def _states(facts: list[CaseFacts], year: int, hidden: frozenset[str],
            threshold: int) -> dict[str, Any]:
    """Counts of States. A count of States is a lower bound of the count of cases behind
    it, so it is published only when that case count is published too and the count of
    States is itself zero or at least the threshold."""
    cases = [c for c, _ in counted(facts, year)]

    def published(count: int, cell: str) -> int | None:
        return count if cell not in hidden and (count == 0 or count >= threshold) else None

    states = published(len({c.country for c in cases}), f"{year}/all/total")
    block: dict[str, Any] = {"states": states}
    for measure in STATE_MEASURES:
        count = published(len({c.country for c in cases if measure in c.flags}),
                          f"{year}/{measure}/yes")
        block[f"states_{measure}"] = count
        block[f"share_{measure}"] = (round(count / states, 3)
                                     if states and count is not None else None)
    return block


def build_table_set(facts: list[CaseFacts], threshold: int) -> dict[str, Any]:
    years = sorted({c.year for c in facts} | {y for c in facts for y in c.follow_up_years
                                              if y > c.year})
    b = _Builder()
    for year in years:
        _year_tables(b, facts, year)
    b.table("over_time", None, "year", KINDS,
            [(str(y), [f"{y}/all/{k}" for k in KINDS]) for y in years])
    result = suppress(b.values, b.equations, threshold)
    for table in b.tables:
        for row in table["rows"]:
            row["cells"] = [_published(key, b.values[key], result.primary, result.complementary)
                            for key in row.pop("keys")]
    return {
        "threshold": threshold,
        "years": years,
        "tables": b.tables,
        "states": {str(y): _states(facts, y, result.hidden, threshold) for y in years},
        "equations": [[e.total, list(e.parts)] for e in b.equations],
    }


def _published(key: str, value: int, primary: frozenset[str], complementary: frozenset[str]):
    if key in primary:
        return {"key": key, "value": None, "flag": "primary"}
    if key in complementary:
        return {"key": key, "value": None, "flag": "complementary"}
    return {"key": key, "value": value, "flag": None}


def take_snapshot(session: Session, today: str, threshold: int = 5) -> list[StatsSnapshot]:
    snapshots = []
    everything = collect_facts(session, TIERS["partner"], today)
    for tier, tiers in TIERS.items():
        tables = build_table_set([f for f in everything if f.tier in tiers], threshold)
        tables.update({"snapshot_day": today, "tier": tier})
        snapshot = StatsSnapshot(day=today, tier=tier, tables_json=json.dumps(tables))
        session.add(snapshot)
        snapshots.append(snapshot)
    session.flush()
    return snapshots


def rebuild_all_snapshots(session: Session, today: str, threshold: int = 5) -> None:
    """After a withdrawal no stored snapshot may still count the withdrawn record."""
    session.execute(sa.delete(StatsSnapshot))
    take_snapshot(session, today, threshold)


def latest_snapshot(session: Session, tier: str) -> dict[str, Any] | None:
    row = session.scalar(sa.select(StatsSnapshot).where(StatsSnapshot.tier == tier)
                         .order_by(StatsSnapshot.day.desc(), StatsSnapshot.id.desc()).limit(1))
    return None if row is None else json.loads(row.tables_json)
