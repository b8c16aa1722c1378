"""k-anonymity and l-diversity counts for a reviewer app's release gate (S18).

``POST /api/v1/anonymity`` (partner API token only: the counts cover partner-tier records,
and a free statistics query must not be public, S21). Body::

    {"qi": {kind, country, year, year_to, gender, role, acts[], mechanisms[],
            perpetrators[], detained},
     "recode": {"year_band": bool, "role_groups": {role: group} | null,
                "act_categories": bool, "suppress_gender": bool},
     "exclude_record_id": hex32 | null}

The case base recodes every visible record (published or pending, any organisation: the
merged case base) the same way as the query's record (global recoding), then answers, for
the public tier alone and for public ∪ partner::

    {"snapshot": day, "classes": {"public": CLASS, "public_partner": CLASS}}
    CLASS = {"k": records whose recoded QIs equal the query's,
             "act_categories": sorted distinct act categories among records that equal the
                               query on every QI but the acts}

With ``recode.act_categories`` the acts are compared as the set of their categories (the
shared taxonomy's ``act_category_acts``, haven.taxonomy); a record published at that level
(``acts: []`` and ``act_categories``) is compared by its categories then, and below that
level equals no query (its act ids are not known). An older client may still send a
top-level ``act_categories`` mapping: it is accepted only when it is the taxonomy's own.

The record itself is not counted (``exclude_record_id`` for a re-release); the caller adds
it. Nothing about the query is stored or logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, jsonify, request
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from casebase import auth
from casebase.errors import BadQuery
from casebase.models import Record, RecordTerm
from haven.taxonomy import load_taxonomy

anonymity = Blueprint("anonymity", __name__, url_prefix="/api/v1")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SETS = ("acts", "mechanisms", "perpetrators")
_RECODE_STEPS = ("year_band", "role_groups", "act_categories", "suppress_gender")
_TIERS = {"public": ("public",), "public_partner": ("public", "partner")}


def register_anonymity(app: Flask, csrf: CSRFProtect) -> None:
    csrf.exempt(anonymity)  # JSON with a bearer token, no cookie authority
    app.register_blueprint(anonymity)


@anonymity.post("/anonymity")
def anonymity_counts():  # type: ignore[no-untyped-def]
    auth.require_partner()
    query = parse_anonymity_query(request.get_json(silent=True))
    records = visible_qis(auth.db(), query["qi"]["country"])
    classes = {name: count_class(query, [(rid, qi) for tier, rid, qi in records
                                         if tier in tiers])
               for name, tiers in _TIERS.items()}
    return jsonify(snapshot=auth.today(), classes=classes)


def visible_qis(session: Session, country: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(tier, record id, QIs) of every published or pending record of ``country``, from
    the indexed columns and terms (quarantined records are not counted)."""
    rows = list(session.scalars(sa.select(Record).where(
        Record.country == country, Record.state.in_(("published", "pending")))))
    terms: dict[str, dict[str, list[str]]] = {}
    ids = [r.record_id for r in rows]
    for start in range(0, len(ids), 500):
        for term in session.scalars(sa.select(RecordTerm).where(
                RecordTerm.record_id.in_(ids[start:start + 500]))):
            terms.setdefault(term.record_id, {}).setdefault(term.vocabulary, []).append(
                term.term)
    return [(r.tier, r.record_id, {
        "kind": r.kind, "country": r.country, "year": r.year, "year_to": r.year_to,
        "gender": r.gender, "role": r.role, "detained": bool(r.detained),
        **{name: terms.get(r.record_id, {}).get(name, []) for name in (*_SETS,
                                                                        "act_categories")}})
        for r in rows]


def recode(qi: Mapping[str, Any], recoding: Mapping[str, Any]) -> dict[str, Any]:
    """The QIs of one record after the query's recoding (the same for every record)."""
    out = {name: qi.get(name) for name in ("kind", "country", "gender", "role", "detained")}
    for name in _SETS:
        out[name] = tuple(sorted(set(qi.get(name) or ())))
    categories = categories_of(qi)
    if recoding.get("act_categories"):
        out["acts"] = categories
    elif qi.get("act_categories"):
        # Published by category: its act ids are unknown, so it equals no exact query.
        out["acts"] = tuple(f"category:{c}" for c in categories)
    year, year_to = int(qi["year"]), qi.get("year_to")
    if recoding.get("year_band"):
        last = int(year_to or year)
        out["years"] = (year - year % 2, last - last % 2 + 1)
    else:
        out["years"] = (year, int(year_to) if year_to else year)
    groups = recoding.get("role_groups")
    if groups is not None:
        out["role"] = groups.get(qi.get("role")) if qi.get("role") else None
    if recoding.get("suppress_gender"):
        out["gender"] = None
    return out


def categories_of(qi: Mapping[str, Any]) -> tuple[str, ...]:
    """The act categories of a record: those of its act ids, or those it was published
    with when the release gate generalised its acts."""
    taxonomy = load_taxonomy()
    return tuple(sorted(set(taxonomy.act_categories_of(tuple(qi.get("acts") or ())))
                        | set(qi.get("act_categories") or ())))


def count_class(query: Mapping[str, Any],
                records: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    recoding = query["recode"]
    target = recode(query["qi"], recoding)
    without_acts = {**target, "acts": None}
    k, seen = 0, set()
    for record_id, qi in records:
        if record_id == query.get("exclude_record_id"):
            continue
        mine = recode(qi, recoding)
        if mine == target:
            k += 1
        if {**mine, "acts": None} == without_acts:
            seen.update(categories_of(qi))
    return {"k": k, "act_categories": sorted(seen)}


def parse_anonymity_query(body: Any) -> dict[str, Any]:
    """Check the query strictly; every error names the field."""
    if not isinstance(body, dict) or set(body) - {"qi", "recode", "act_categories",
                                                  "exclude_record_id"}:
        raise BadQuery("the body is {qi, recode, exclude_record_id?}")
    taxonomy = load_taxonomy()
    qi = _parse_qi(body.get("qi"), taxonomy)
    recoding = _parse_recode(body.get("recode"), taxonomy)
    if "act_categories" in body and body["act_categories"] != taxonomy.act_category_map():
        raise BadQuery("act_categories, when sent, must be the shared taxonomy's own act "
                       "categories (haven/data/taxonomy.json): the two apps disagree")
    exclude = body.get("exclude_record_id")
    if exclude is not None and not (isinstance(exclude, str) and _HEX32.fullmatch(exclude)):
        raise BadQuery("exclude_record_id is 32 lowercase hex or null")
    return {"qi": qi, "recode": recoding, "exclude_record_id": exclude}


def _parse_recode(recoding: Any, taxonomy: Any) -> dict[str, Any]:
    if not isinstance(recoding, dict) or set(recoding) != set(_RECODE_STEPS):
        raise BadQuery(f"recode has exactly the fields {sorted(_RECODE_STEPS)}")
    groups = recoding["role_groups"]
    if groups is not None and not _mapping_of(groups, taxonomy.ids("roles")):
        raise BadQuery("recode.role_groups maps role ids to group names")
    flags = [name for name in ("year_band", "act_categories", "suppress_gender")
             if not isinstance(recoding[name], bool)]
    if flags:
        raise BadQuery(f"recode.{', recode.'.join(flags)}: true or false")
    return recoding


def _mapping_of(value: Any, keys: Iterable[str]) -> bool:
    known = set(keys)
    return isinstance(value, dict) and all(
        k in known and isinstance(v, str) and 0 < len(v) <= 64  # noqa: PLR2004
        for k, v in value.items())


def _parse_qi(qi: Any, taxonomy: Any) -> dict[str, Any]:
    fields = {"kind", "country", "year", "year_to", "gender", "role", "acts", "mechanisms",
              "perpetrators", "detained"}
    if not isinstance(qi, dict) or set(qi) != fields:
        raise BadQuery(f"qi has exactly the fields {sorted(fields)}")
    checks = {
        "kind": qi["kind"] in taxonomy.ids("record_kinds"),
        "country": isinstance(qi["country"], str) and bool(_COUNTRY.fullmatch(qi["country"])),
        "year": isinstance(qi["year"], int) and not isinstance(qi["year"], bool)
        and 1945 <= qi["year"] <= 9999,  # noqa: PLR2004
        "year_to": qi["year_to"] is None or (isinstance(qi["year_to"], int)
                                             and qi["year"] < qi["year_to"] <= qi["year"] + 1),
        "gender": qi["gender"] is None or qi["gender"] in taxonomy.ids("genders"),
        "role": qi["role"] is None or qi["role"] in taxonomy.ids("roles"),
        "detained": isinstance(qi["detained"], bool),
    }
    for name, vocabulary in (("acts", "acts"), ("mechanisms", "mechanisms"),
                             ("perpetrators", "perpetrators")):
        values = qi[name]
        checks[name] = isinstance(values, list) and all(
            v in taxonomy.ids(vocabulary) for v in values)
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        raise BadQuery(f"qi: bad value for {', '.join(bad)}")
    return qi
