"""Reporting periods of the Secretary-General's reprisals report, as data set by coordinators.

Nothing here is hard-coded: each cycle (e.g. the report presented in year Y, covering roughly
1 May Y-1 to 30 April Y, with submissions due around May) is a sealed ``sg_cycle`` record
``{"year", "label", "period_start", "period_end", "deadline", "replaces"}``; a new setting
for a year names the record it replaces (records carry only their day, so arrival order
within a day is not known).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.unworkflow.errors import CycleInvalid

RECORD_KIND = "sg_cycle"
MAX_LABEL = 120
MAX_PERIOD_DAYS = 2 * 366


@dataclass(frozen=True)
class Cycle:
    year: int  # the year of the report this cycle feeds
    label: str
    period_start: dt.date
    period_end: dt.date
    deadline: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.period_start <= day <= self.period_end

    def days_left(self, today: dt.date) -> int:
        """The countdown: days until the submission deadline (negative once passed)."""
        return (self.deadline - today).days

    def as_content(self) -> dict[str, Any]:
        return {"year": self.year, "label": self.label,
                "period_start": self.period_start.isoformat(),
                "period_end": self.period_end.isoformat(),
                "deadline": self.deadline.isoformat()}


def _day(values: Mapping[str, Any], name: str) -> dt.date:
    raw = str(values.get(name) or "").strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CycleInvalid(f"{name}: a day as YYYY-MM-DD, not {raw!r}") from None


def parse_cycle(values: Mapping[str, Any]) -> Cycle:
    """A checked cycle from form values or a stored record; the message names the field."""
    raw_year = str(values.get("year") or "").strip()
    if not raw_year.isdigit() or not 2000 <= int(raw_year) <= 2200:  # noqa: PLR2004
        raise CycleInvalid(f"year: a year such as 2027, not {raw_year!r}")
    label = str(values.get("label") or "").strip() or f"SG reprisals report {raw_year}"
    if len(label) > MAX_LABEL:
        raise CycleInvalid(f"label: at most {MAX_LABEL} characters")
    start, end = _day(values, "period_start"), _day(values, "period_end")
    deadline = _day(values, "deadline")
    if end <= start:
        raise CycleInvalid("period_end: must come after period_start")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise CycleInvalid("period_end: a reporting period is at most two years long")
    if deadline < start:
        raise CycleInvalid("deadline: must not come before the period starts")
    return Cycle(int(raw_year), label, start, end, deadline)


def fold_cycles(records: Iterable[tuple[str, Mapping[str, Any]]]) -> list[Cycle]:
    """Stored ``(record id, content)`` -> one cycle per year: the settings no other setting
    replaces; sorted by period. A record that no longer parses is skipped, not guessed at."""
    records = list(records)
    replaced = {str(content.get("replaces")) for _rid, content in records}
    by_year: dict[int, Cycle] = {}
    for record_id, content in records:
        if record_id in replaced:
            continue
        try:
            cycle = parse_cycle(content)
        except CycleInvalid:
            continue
        by_year[cycle.year] = cycle
    return sorted(by_year.values(), key=lambda c: c.period_start)


def replaced_record(records: Iterable[tuple[str, Mapping[str, Any]]], year: int) -> str | None:
    """The live setting of ``year`` a new setting replaces (None for a first setting)."""
    records = list(records)
    replaced = {str(content.get("replaces")) for _rid, content in records}
    live = [rid for rid, content in records
            if rid not in replaced and str(content.get("year")) == str(year)]
    return live[0] if live else None


def configured_cycles(raw: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """``[reviewer] sg_cycles`` (a list of tables like the record content) as
    ``(pseudo record id, content)``; stored records for the same year override them.
    A bad entry raises CycleInvalid so the app refuses to start half-configured."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise CycleInvalid("reviewer.sg_cycles: a list of tables")
    found = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            raise CycleInvalid(f"reviewer.sg_cycles[{index}]: a table")
        content = {k: str(v) if isinstance(v, dt.date | int) else v for k, v in entry.items()}
        try:
            parse_cycle(content)
        except CycleInvalid as exc:
            raise CycleInvalid(f"reviewer.sg_cycles[{index}]: {exc}") from None
        found.append((f"config:{index}", content))
    return found


def conventional_cycles(today: dt.date) -> list[dict[str, str]]:
    """The recent convention (1 May - 30 April, submissions due 31 May), for the cycle that
    is open today and the one before it: what ``haven demo`` writes into ``sg_cycles``.
    Only a starting point; coordinators set the real dates in the app each year."""
    year = today.year + (1 if today > dt.date(today.year, 5, 31) else 0)
    return [{"year": str(y), "label": f"SG reprisals report {y}",
             "period_start": f"{y - 1}-05-01", "period_end": f"{y}-04-30",
             "deadline": f"{y}-05-31"} for y in (year - 1, year)]


def sg_cycles_toml(today: dt.date) -> str:
    """One TOML line for the ``[reviewer]`` table: ``sg_cycles = [...]``."""
    tables = ", ".join("{" + ", ".join(f'{k} = "{v}"' if k != "year" else f"{k} = {v}"
                                       for k, v in c.items()) + "}"
                       for c in conventional_cycles(today))
    return f"sg_cycles = [{tables}]"


def current_cycle(cycles: list[Cycle], today: dt.date) -> Cycle | None:
    """The cycle whose deadline is the next to come (today included); else the latest."""
    upcoming = [c for c in cycles if c.deadline >= today]
    if upcoming:
        return min(upcoming, key=lambda c: c.deadline)
    return cycles[-1] if cycles else None


def earlier_cycles(cycles: list[Cycle], cycle: Cycle) -> list[Cycle]:
    return [c for c in cycles if c.period_end < cycle.period_start]
