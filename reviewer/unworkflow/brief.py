"""A per-State pattern brief from the case base (DESIGN.md §7), for coordinators.

Built from what the case base publishes to partners: its fixed statistics snapshot
(``GET /api/v1/stats``: the State's regional row per year, counts of States) and the State's
records (``GET /api/v1/cases?country=``), counted into a fixed set of rows — new and
follow-up cases per year, individuals / groups / situations, detention, surveillance,
restrictive laws, self-censorship, anonymity requests, most-engaged mechanisms. Counts
under the case base's threshold are shown as "fewer than N", never exactly (S21).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from reviewer.unworkflow.errors import UnWorkflowError

THRESHOLD = 5
MAX_PAGES = 20
ROWS = ("individual", "group", "situation", "detained", "surveillance", "restrictive_law",
        "self_censorship", "anonymity_requested", "named")


@dataclass(frozen=True)
class Brief:
    country: str
    region: str | None
    total: str
    by_year: list[tuple[int, str, str]]  # (year, new, follow-up)
    rows: list[tuple[str, str]]
    mechanisms: list[tuple[str, str]]
    regional: list[tuple[int, Any]]  # (year, the region's published cells)
    threshold: int


def shown(count: int, threshold: int = THRESHOLD) -> str:
    return "0" if count == 0 else (f"fewer than {threshold}" if count < threshold
                                   else str(count))


def _client() -> tuple[str, dict[str, str]]:
    from reviewer.release.runtime import release_runtime

    settings = release_runtime().settings
    try:
        token = Path(str(settings.casebase_token_path)).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise UnWorkflowError("no case base partner token (haven casebase token)") from None
    return settings.casebase_url, {"Authorization": f"Bearer {token}"}


def _get(url: str, headers: Mapping[str, str], params: Mapping[str, Any] | None = None
         ) -> Any:
    try:
        response = requests.get(url, headers=dict(headers), params=params, timeout=20,
                                allow_redirects=False)
    except requests.RequestException as exc:
        raise UnWorkflowError(f"the case base is unreachable ({type(exc).__name__})") from None
    if response.status_code != 200:  # noqa: PLR2004
        raise UnWorkflowError(f"the case base answered HTTP {response.status_code}")
    return response.json()


def fetch_brief(country: str) -> tuple[list[Mapping[str, Any]], Mapping[str, Any]]:
    base, headers = _client()
    records: list[Mapping[str, Any]] = []
    for page in range(1, MAX_PAGES + 1):
        answer = _get(f"{base}/api/v1/cases", headers,
                      {"country": country, "per_page": 100, "page": page})
        records += answer.get("cases", [])
        if page >= int(answer.get("pages", 1)):
            break
    return records, _get(f"{base}/api/v1/stats", headers)


def pattern_brief(country: str) -> Brief:
    code = country.upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise UnWorkflowError("country: an ISO 3166-1 alpha-2 code")
    records, stats = fetch_brief(code)
    return build_brief(code, records, stats)


def build_brief(country: str, records: list[Mapping[str, Any]],
                stats: Mapping[str, Any]) -> Brief:
    threshold = int(stats.get("threshold") or THRESHOLD)
    new, follow = Counter(), Counter()
    for record in records:
        new[int(record["year"])] += 1
        for year in {int(str(e.get("date", "0"))[:4]) for e in record.get("follow_up", [])}:
            if year > int(record["year"]):
                follow[year] += 1
    rows = Counter()
    mechanisms = Counter()
    for record in records:
        rows[str(record.get("kind"))] += 1
        for flag in ("detained", "surveillance", "restrictive_law", "anonymity_requested",
                     "named"):
            rows[flag] += bool(record.get(flag))
        rows["self_censorship"] += "self_censorship" in (record.get("acts") or [])
        mechanisms.update(record.get("mechanisms") or [])
    region = next((str(r["region"]) for r in records if r.get("region")), None)
    return Brief(
        country, region, shown(len(records), threshold),
        [(y, shown(new[y], threshold), shown(follow[y], threshold))
         for y in sorted(set(new) | set(follow))],
        [(name, shown(rows[name], threshold)) for name in ROWS],
        [(m, shown(n, threshold)) for m, n in mechanisms.most_common(8)],
        _regional(stats, region), threshold)


def _regional(stats: Mapping[str, Any], region: str | None) -> list[tuple[int, Any]]:
    """The region's row of each year's fixed ``region`` table, as published (suppressed)."""
    found = []
    for table in stats.get("tables", []) if region else []:
        if not str(table.get("id", "")).endswith("/region"):
            continue
        for row in table.get("rows", []):
            if row.get("id") == region:
                found.append((table.get("year"), row.get("cells")))
    return found
