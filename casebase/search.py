"""Browsing the case base: full-text search, filters, sorting and pages.

A :class:`CaseQuery` is parsed from URL parameters (so every result page has a shareable
URL) and checked against the vocabularies; :func:`search` runs it on either backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from casebase.countries import COUNTRY_CODES
from casebase.db import is_sqlite
from casebase.errors import BadQuery
from casebase.models import Record, RecordDocument, RecordTerm
from haven.taxonomy import load_taxonomy

# URL parameter -> (column or term vocabulary, taxonomy vocabulary or None for special).
COLUMN_FILTERS = {
    "kind": "record_kinds",
    "engagement": "engagement",
    "gender": "genders",
    "role": "roles",
    "verification": "verification_status",
    "outcome": "case_outcomes",
}
TERM_FILTERS = {"act": "acts", "perpetrator": "perpetrators", "mechanism": "mechanisms"}
# A category matches the records whose act ids fall in it and the records published with
# the category itself (the release gate generalised their acts): an act filter cannot
# match the latter, whose act ids are not published.
CATEGORY_FILTERS = {"act_category": "act_categories"}
SORTS = ("relevance", "newest", "oldest", "country", "activity")
MAX_QUERY_WORDS = 10
MAX_PER_PAGE = 100
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class CaseQuery:
    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    years: tuple[int, ...] = ()
    stale_months: int | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 20

    def words(self) -> list[str]:
        return [w.casefold()[:40] for w in _WORD.findall(self.text)][:MAX_QUERY_WORDS]

    def to_params(self, **changes: Any) -> dict[str, Any]:
        """URL parameters of this query (for links to other pages and sorts)."""
        query = replace(self, **changes)
        params: dict[str, Any] = {k: list(v) for k, v in query.filters.items() if v}
        if query.text:
            params["q"] = query.text
        if query.years:
            params["year"] = [str(y) for y in query.years]
        if query.stale_months is not None:
            params["stale"] = str(query.stale_months)
        params["sort"] = query.sort
        if query.page != 1:
            params["page"] = str(query.page)
        return params


@dataclass(frozen=True)
class SearchResult:
    records: list[Record]
    total: int
    query: CaseQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def parse_query(args: Any, default_per_page: int = 20) -> CaseQuery:
    """Build a CaseQuery from request args (a MultiDict); BadQuery names the bad parameter."""
    taxonomy = load_taxonomy()
    filters: dict[str, tuple[str, ...]] = {}
    for param, vocabulary in {**COLUMN_FILTERS, **TERM_FILTERS, **CATEGORY_FILTERS}.items():
        values = _values(args, param)
        for value in values:
            if value not in taxonomy.vocabulary(vocabulary):
                raise BadQuery(f"unknown {param} {value!r}")
        if values:
            filters[param] = values
    countries = tuple(v.upper() for v in _values(args, "country"))
    for code in countries:
        if code not in COUNTRY_CODES:
            raise BadQuery(f"unknown country {code!r} (use ISO 3166-1 alpha-2 codes)")
    if countries:
        filters["country"] = countries
    if orgs := _values(args, "org"):
        for org in orgs:
            if not re.fullmatch(r"[a-z0-9-]{3,64}", org):
                raise BadQuery(f"malformed org {org!r}")
        filters["org"] = orgs
    text = (args.get("q") or "").strip()
    if len(text) > 200:  # noqa: PLR2004
        raise BadQuery("search text longer than 200 characters")
    sort = args.get("sort") or ("relevance" if text else "newest")
    if sort not in SORTS:
        raise BadQuery(f"unknown sort {sort!r}; one of {', '.join(SORTS)}")
    stale = args.get("stale")
    return CaseQuery(
        text=text,
        filters=filters,
        years=tuple(_int(v, "year", 1990, 2100) for v in _values(args, "year")),
        stale_months=_int(stale, "stale", 1, 240) if stale else None,
        sort=sort,
        page=_int(args.get("page") or "1", "page", 1, 100000),
        per_page=_int(args.get("per_page") or str(default_per_page), "per_page", 1, MAX_PER_PAGE),
    )


def _values(args: Any, name: str) -> tuple[str, ...]:
    raw = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
    return tuple(v.strip() for v in raw if v and v.strip())


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadQuery(f"{name} must be a whole number") from None
    if not low <= number <= high:
        raise BadQuery(f"{name} must be between {low} and {high}")
    return number


def visible(tiers: Iterable[str], today: str) -> sa.ColumnElement[bool]:
    """Records a reader of these tiers may see: published, or pending whose delay is over
    (a published record's publish_after is never later than the day it was published, so
    one range condition covers both, on the covering index ix_records_visible)."""
    return sa.and_(
        Record.tier.in_(tuple(tiers)),
        Record.state.in_(("published", "pending")),
        Record.publish_after <= today,
    )


def search(session: Session, query: CaseQuery, tiers: Iterable[str], today: str) -> SearchResult:
    statement = sa.select(Record).where(visible(tiers, today))
    statement = _apply_filters(statement, query, today)
    rank, counted = None, statement
    if words := query.words():
        counted, _ = _apply_text(session, statement, words, ranked=False)
        statement, rank = _apply_text(session, statement, words, ranked=query.sort == "relevance")
    total = session.scalar(sa.select(sa.func.count()).select_from(counted.subquery())) or 0
    statement = statement.order_by(*_order(query, rank))
    statement = statement.limit(query.per_page).offset((query.page - 1) * query.per_page)
    return SearchResult(list(session.scalars(statement)), total, query)


def _apply_filters(statement: sa.Select, query: CaseQuery, today: str) -> sa.Select:
    for param, values in query.filters.items():
        if param in COLUMN_FILTERS:
            statement = statement.where(getattr(Record, param).in_(values))
        elif param in TERM_FILTERS:
            ids = sa.select(RecordTerm.record_id).where(
                RecordTerm.vocabulary == TERM_FILTERS[param], RecordTerm.term.in_(values)
            )
            statement = statement.where(Record.record_id.in_(ids))
        elif param in CATEGORY_FILTERS:
            statement = statement.where(Record.record_id.in_(_in_categories(values)))
        elif param == "country":
            statement = statement.where(Record.country.in_(values))
        elif param == "org":
            statement = statement.where(Record.org_id.in_(values))
    if query.years:
        statement = statement.where(
            sa.or_(Record.year.in_(query.years), Record.year_to.in_(query.years))
        )
    if query.stale_months is not None:
        statement = statement.where(Record.last_activity < months_before(today, query.stale_months))
    return statement


def generalised_matches(session: Session, query: CaseQuery, tiers: Iterable[str],
                        today: str) -> tuple[int, tuple[str, ...]]:
    """With an act filter: how many visible records match everything else and were
    published only with the act categories of those acts (an act filter cannot match
    them, so the list says so rather than drop them silently), and those categories."""
    acts = query.filters.get("act")
    if not acts:
        return 0, ()
    categories = load_taxonomy().act_categories_of(acts)
    rest = replace(query, filters={k: v for k, v in query.filters.items() if k != "act"})
    statement = _apply_filters(sa.select(Record).where(visible(tiers, today)), rest, today)
    statement = statement.where(Record.record_id.in_(sa.select(RecordTerm.record_id).where(
        RecordTerm.vocabulary == "act_categories", RecordTerm.term.in_(categories))))
    if words := query.words():
        statement, _ = _apply_text(session, statement, words, ranked=False)
    count = session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
    return int(count or 0), categories


def _in_categories(categories: Iterable[str]) -> sa.Select:
    """Ids of records with an act in one of ``categories`` or published with one of them."""
    taxonomy = load_taxonomy()
    categories = tuple(categories)
    acts = [act for category in categories for act in taxonomy.act_groups[category]]
    return sa.select(RecordTerm.record_id).where(sa.or_(
        sa.and_(RecordTerm.vocabulary == "acts", RecordTerm.term.in_(acts)),
        sa.and_(RecordTerm.vocabulary == "act_categories", RecordTerm.term.in_(categories))))


def months_before(today: str, months: int) -> str:
    year, month = int(today[:4]), int(today[5:7])
    index = year * 12 + (month - 1) - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _apply_text(session: Session, statement: sa.Select, words: list[str], *, ranked: bool):
    """Restrict to records matching every word (as a prefix); with ``ranked`` also return
    the relevance order (computing it costs, so counts and other sorts skip it)."""
    if is_sqlite(session):
        match = " ".join(f'"{w}"*' for w in words)
        rank_sql = "bm25(records_fts)" if ranked else "0"
        hits = (
            sa.text(f"SELECT rowid AS hit, {rank_sql} AS rank FROM records_fts "  # noqa: S608  # nosec B608 - rank expression chosen from two constants
                    "WHERE records_fts MATCH :match")
            .bindparams(match=match)
            .columns(hit=sa.Integer, rank=sa.Float)
            .subquery("hits")
        )
        statement = statement.join(hits, hits.c.hit == Record.search_rowid)
        return statement, hits.c.rank.asc()
    tsquery = sa.func.to_tsquery("simple", " & ".join(f"{w}:*" for w in words))
    vector = sa.literal_column("record_documents.search_vector")  # generated column (PG only)
    statement = statement.join(RecordDocument, RecordDocument.record_id == Record.record_id)
    statement = statement.where(vector.op("@@")(tsquery))
    return statement, sa.func.ts_rank(vector, tsquery).desc()


def _order(query: CaseQuery, rank: Any) -> list[Any]:
    newest = [Record.year.desc(), Record.record_id.desc()]  # walks ix_records_newest backwards
    if query.sort == "relevance" and rank is not None:
        return [rank, *newest]
    if query.sort == "oldest":
        return [Record.year.asc(), Record.record_id.asc()]
    if query.sort == "country":
        return [Record.country.asc(), *newest]
    if query.sort == "activity":
        return [Record.last_activity.desc(), *newest]
    return newest


def related(session: Session, record: Record, tiers: Iterable[str], today: str,
            limit: int = 6) -> list[Record]:
    """Other visible cases of the same State or the same mechanism, same State first."""
    mechanisms = sa.select(RecordTerm.term).where(
        RecordTerm.record_id == record.record_id, RecordTerm.vocabulary == "mechanisms"
    )
    same_mechanism = sa.select(RecordTerm.record_id).where(
        RecordTerm.vocabulary == "mechanisms", RecordTerm.term.in_(mechanisms)
    )
    statement = (
        sa.select(Record)
        .where(visible(tiers, today), Record.record_id != record.record_id)
        .where(sa.or_(Record.country == record.country, Record.record_id.in_(same_mechanism)))
        .order_by(sa.case((Record.country == record.country, 0), else_=1), Record.year.desc(),
                  Record.record_id)
        .limit(limit)
    )
    return list(session.scalars(statement))
