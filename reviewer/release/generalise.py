"""Quasi-identifiers of a case record and the generalisation ladder (S18, DESIGN.md §5).

The quasi-identifiers (QIs) are what a State already knows about the people it targeted:
country, year, gender, role, acts, UN mechanisms, perpetrators, detention and the record
kind. Organisation, family and follow-up dates are not structured fields of a record
(casebase/SCHEMA.md); the residual-identifier rule checks the narrative for them, and
follow-up dates are coarsened to the year here.

The ladder, tried in order until the record's class is large enough:

0. exact values;
1. year -> two-year band (even year first: 2022–2023), published as ``year``/``year_to``;
2. role -> group: counted by group, published as ``role = null`` (the schema carries role
   ids only, so a group can only be published as a suppressed role, which reveals less);
3. acts -> act categories: counted and published as the set of categories
   (``acts: []`` and ``act_categories``, casebase/SCHEMA.md) instead of the act ids;
4. gender -> suppressed (``null``).

Acts are a QI at every level, compared exactly below level 3 and by their categories from
it on (the State knows what it did). The category of each act (``act_categories`` of
haven/data/taxonomy.json, read through haven.taxonomy) is also the sensitive value of the
l-diversity check, taken over the class defined by the other QIs. The case base applies
the same recoding to every record it holds (global recoding): the steps travel in the
query (casebase/anonymity.py), the category of each act comes from the shared taxonomy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from haven.taxonomy import load_taxonomy

LEVELS = ("exact", "year_band", "role_group", "act_category", "gender_suppressed")

ROLE_GROUPS: Mapping[str, str] = {
    "hrd": "defenders", "ngo_staff": "defenders", "indigenous_rep": "defenders",
    "journalist": "professions", "lawyer": "professions", "academic": "professions",
    "victim_or_witness": "victims_and_families", "family_member": "victims_and_families",
    "other": "other",
}

ACT_CATEGORIES: Mapping[str, str] = load_taxonomy().act_category_map()


def categories_of(acts: Iterable[str]) -> list[str]:
    """The sorted distinct categories of some act ids."""
    return list(load_taxonomy().act_categories_of(tuple(acts)))


QI_FIELDS = ("kind", "country", "year", "year_to", "gender", "role", "acts", "mechanisms",
             "perpetrators", "detained")


@dataclass(frozen=True)
class Recoding:
    """How every record is recoded for one k query (sent to the case base).

    ``Recoding.at(level)`` is a step of the ladder (each level keeps the steps below it);
    ``Recoding.of_published`` reads the steps off a record as it was published, so a live
    release is re-counted exactly as it went out whatever ladder was in force then."""

    year_band: bool = False
    role_groups: bool = False
    act_categories: bool = False
    suppress_gender: bool = False

    @classmethod
    def at(cls, level: int) -> Recoding:
        if not 0 <= level < len(LEVELS):
            raise ValueError(f"no generalisation level {level}")
        return cls(year_band=level >= 1, role_groups=level >= 2,  # noqa: PLR2004
                   act_categories=level >= 3, suppress_gender=level >= 4)  # noqa: PLR2004

    @classmethod
    def of_published(cls, published: Mapping[str, Any], exact: Mapping[str, Any],
                     level: int | None = None) -> Recoding:
        """The steps that turned the ``exact`` quasi-identifiers into ``published``: the
        stated ladder ``level`` when it explains the published values (a step that changed
        nothing, such as suppressing an unknown gender, still widened the class then),
        otherwise the steps visible in the published values."""
        if level is not None and 0 <= level < len(LEVELS):
            stated = cls.at(level)
            if _shown(published_fields(exact, stated)) == _shown(published):
                return stated
        return cls(
            year_band=published.get("year_to") is not None and exact.get("year_to") is None,
            role_groups=published.get("role") is None and exact.get("role") is not None,
            act_categories=bool(published.get("act_categories")),
            suppress_gender=published.get("gender") is None and exact.get("gender") is not None,
        )

    @property
    def level(self) -> int | None:
        """The ladder level these steps make, or None for another combination."""
        return next((n for n in range(len(LEVELS)) if Recoding.at(n) == self), None)

    @property
    def name(self) -> str:
        level = self.level
        if level is not None:
            return LEVELS[level]
        steps = [n for n, on in (("year_band", self.year_band), ("role_group", self.role_groups),
                                 ("act_category", self.act_categories),
                                 ("gender_suppressed", self.suppress_gender)) if on]
        return "+".join(steps)

    def to_query(self) -> dict[str, Any]:
        return {
            "year_band": self.year_band,
            "role_groups": dict(ROLE_GROUPS) if self.role_groups else None,
            "act_categories": self.act_categories,
            "suppress_gender": self.suppress_gender,
        }


def band_of(year: int) -> tuple[int, int]:
    start = year - (year % 2)
    return start, start + 1


def published_fields(record: Mapping[str, Any], recoding: Recoding) -> dict[str, Any]:
    """The record as it would be published at this level (schema-valid values only)."""
    out = dict(record)
    if recoding.year_band:
        out["year"], out["year_to"] = band_of(int(record["year"]))
    if recoding.role_groups:
        out["role"] = None
    if recoding.act_categories:
        out["acts"], out["act_categories"] = [], categories_of(record["acts"])
    if recoding.suppress_gender:
        out["gender"] = None
    out["follow_up"] = [{**event, "date": str(event["date"])[:4]}
                        for event in record.get("follow_up", [])]
    return out


def _shown(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """The generalisable values of a record, to compare two publications of it."""
    return (record.get("year"), record.get("year_to"), record.get("role"),
            record.get("gender"), sorted(record.get("acts", [])),
            sorted(record.get("act_categories", [])))


def quasi_identifiers(record: Mapping[str, Any]) -> dict[str, Any]:
    """The QI values of a (published) record, as the case base query expects them."""
    return {
        "kind": record["kind"], "country": record["country"], "year": int(record["year"]),
        "year_to": record.get("year_to"), "gender": record.get("gender"),
        "role": record.get("role"), "acts": sorted(set(record["acts"])),
        "mechanisms": sorted(set(record["mechanisms"])),
        "perpetrators": sorted(set(record.get("perpetrators", []))),
        "detained": bool(record["detained"]),
    }


def detail_rank(record: Mapping[str, Any]) -> dict[str, int]:
    """How detailed each generalisable field is (higher = more detail), for the rule that a
    record is never republished in more detail than before (S18). A record published at
    the act category level has ``acts: []``, so act ids after categories count as more."""
    year_to = record.get("year_to")
    return {
        "year": 1 if not year_to else 0,
        "gender": 1 if record.get("gender") else 0,
        "role": 1 if record.get("role") else 0,
        "named": 1 if record.get("named") else 0,
        "acts": len(set(record.get("acts", []))),
        "perpetrators": len(set(record.get("perpetrators", []))),
        "mechanisms": len(set(record.get("mechanisms", []))),
    }


def more_detailed_fields(new: Mapping[str, Any], old: Mapping[str, Any]) -> list[str]:
    """Fields where ``new`` says more than ``old`` did."""
    before, after = detail_rank(old), detail_rank(new)
    changed = [name for name in after if after[name] > before[name]]
    known = set(old.get("act_categories", [])) | set(categories_of(old.get("acts", [])))
    if set(new.get("act_categories", [])) - known:
        changed.append("act_categories")
    for name in ("acts", "perpetrators", "mechanisms"):
        if set(new.get(name, [])) - set(old.get(name, [])) and name not in changed:
            changed.append(name)
    return changed
