"""Plain functions behind the pages: what a list, a case or the trends page shows."""

from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from casebase import stats
from casebase.countries import country_names
from casebase.errors import NotFound
from casebase.models import Record, RecordAttachment
from casebase.records import attachment_bytes, record_view
from casebase.search import (
    CaseQuery,
    SearchResult,
    generalised_matches,
    related,
    search,
    visible,
)
from casebase.trends import N_
from haven.taxonomy import load_taxonomy

FILTER_VOCABULARIES = (
    ("act", "acts"), ("act_category", "act_categories"), ("perpetrator", "perpetrators"),
    ("mechanism", "mechanisms"),
    ("engagement", "engagement"), ("gender", "genders"), ("role", "roles"),
    ("verification", "verification_status"), ("kind", "record_kinds"),
    ("outcome", "case_outcomes"),
)


def filter_options(session: Session, tiers: Iterable[str], today: str) -> dict[str, Any]:
    """Choices of the filter form: vocabularies, and the countries, years and
    organisations that visible records actually have."""
    taxonomy = load_taxonomy()
    condition = visible(tiers, today)
    countries = session.scalars(sa.select(Record.country).where(condition).distinct())
    years = session.scalars(sa.select(Record.year).where(condition).distinct())
    orgs = session.scalars(sa.select(Record.org_id).where(condition).distinct())
    names = country_names(ui_locale())
    return {
        "vocabularies": [(param, dict(taxonomy.vocabulary(v))) for param, v in FILTER_VOCABULARIES],
        "countries": sorted(((c, names.get(c, c)) for c in countries), key=lambda x: x[1]),
        "years": sorted(years, reverse=True),
        "orgs": sorted(orgs),
    }


# list.html labels each filter by its parameter name; this one is marked here.
FILTER_LABELS = (N_("Act category"),)


def list_page(session: Session, query: CaseQuery, tiers: Iterable[str],
              today: str) -> SearchResult:
    return search(session, query, tiers, today)


def generalised_note(session: Session, query: CaseQuery, tiers: Iterable[str],
                     today: str) -> dict[str, Any] | None:
    """Records an act filter cannot match because they were published with act
    categories only: how many, and the categories to filter by instead."""
    count, categories = generalised_matches(session, query, tiers, today)
    if not count:
        return None
    filters = {k: v for k, v in query.filters.items() if k != "act"}
    filters["act_category"] = tuple(sorted(set(filters.get("act_category", ())) |
                                           set(categories)))
    return {"count": count, "categories": list(categories), "filters": filters}


def visible_record(session: Session, record_id: str, tiers: Iterable[str], today: str) -> Record:
    """The record if this reader may see it; unknown, withdrawn, pending, quarantined and
    other-tier ids all raise the same NotFound (S20)."""
    record = session.scalar(
        sa.select(Record).where(Record.record_id == record_id, visible(tiers, today))
    )
    if record is None:
        raise NotFound("No such page or case.")
    return record


def case_attachment(session: Session, record_id: str, sha256: str, tiers: Iterable[str],
                    today: str) -> tuple[Record, RecordAttachment]:
    """An attachment of a record this reader may see; anything else is the same NotFound
    as an unknown case (a withdrawn record's attachments were deleted with it)."""
    record = visible_record(session, record_id, tiers, today)
    found = attachment_bytes(session, record_id, sha256)
    if found is None:
        raise NotFound("No such page or case.")
    return record, found


def case_page(session: Session, record_id: str, tiers: Iterable[str],
              today: str) -> dict[str, Any]:
    tiers = tuple(tiers)
    record = visible_record(session, record_id, tiers, today)
    return {"case": record_view(session, record),
            "related": related(session, record, tiers, today)}


def all_cases(session: Session, query: CaseQuery, tiers: Iterable[str],
              today: str) -> list[dict[str, Any]]:
    """Every case matching ``query`` (all pages), for exports."""
    cases, page = [], 1
    while True:
        result = search(session, query.__class__(**{**query.__dict__, "page": page,
                                                     "per_page": 100}), tiers, today)
        cases += [record_view(session, r) for r in result.records]
        if page >= result.pages:
            return cases
        page += 1


def snapshot_for(session: Session, tier: str, today: str, threshold: int) -> dict[str, Any]:
    """The latest stored snapshot. Snapshots are daily: the first read of a day takes that
    day's snapshot when no scheduled ``haven casebase snapshot`` has run yet."""
    snapshot = stats.latest_snapshot(session, tier)
    if snapshot is None or snapshot["snapshot_day"] < today:
        stats.take_snapshot(session, today, threshold)
        session.commit()
        snapshot = stats.latest_snapshot(session, tier)
    assert snapshot is not None  # noqa: S101 - just stored
    return snapshot


def ui_locale() -> str:
    """The reader's language for country names (CLDR), English outside a request."""
    from flask import has_request_context
    from flask_babel import get_locale

    return str(get_locale() or "en") if has_request_context() else "en"
