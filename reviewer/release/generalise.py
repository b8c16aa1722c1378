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
3. gender -> suppressed (``null``).

Acts are a QI at every level, compared exactly: the State knows what it did. Their
category (``ACT_CATEGORIES``) is the sensitive value of the l-diversity check, taken over
the class defined by the other QIs. The case base applies the same recoding to every record
it holds (global recoding); the mappings travel in the query (casebase/anonymity.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LEVELS = ("exact", "year_band", "role_group", "gender_suppressed")

ROLE_GROUPS: Mapping[str, str] = {
    "hrd": "defenders", "ngo_staff": "defenders", "indigenous_rep": "defenders",
    "journalist": "professions", "lawyer": "professions", "academic": "professions",
    "victim_or_witness": "victims_and_families", "family_member": "victims_and_families",
    "other": "other",
}

ACT_CATEGORIES: Mapping[str, str] = {
    "threats": "intimidation", "smear": "intimidation", "gendered_threats": "intimidation",
    "lgbtiq_targeting": "intimidation", "family_targeted": "intimidation",
    "interrogation_un_contacts": "intimidation", "self_censorship": "intimidation",
    "surveillance_online": "surveillance", "surveillance_physical": "surveillance",
    "hacking": "surveillance",
    "travel_ban": "movement", "passport": "movement", "entry_denied": "movement",
    "nationality_withdrawn": "movement", "forced_exile": "movement",
    "transnational_repression": "movement",
    "restrictive_law": "legal", "prosecution": "legal", "deregistration": "legal",
    "dismissal": "legal",
    "detention": "liberty", "house_arrest": "liberty", "disappearance": "liberty",
    "physical_attack": "violence", "torture": "violence", "sexual_violence": "violence",
    "medical_denial": "violence", "killing": "violence",
    "other": "other",
}

QI_FIELDS = ("kind", "country", "year", "year_to", "gender", "role", "acts", "mechanisms",
             "perpetrators", "detained")


@dataclass(frozen=True)
class Recoding:
    """How every record is recoded at one level of the ladder (sent to the case base)."""

    level: int

    @property
    def name(self) -> str:
        return LEVELS[self.level]

    @property
    def year_band(self) -> bool:
        return self.level >= 1

    @property
    def role_groups(self) -> bool:
        return self.level >= 2  # noqa: PLR2004

    @property
    def suppress_gender(self) -> bool:
        return self.level >= 3  # noqa: PLR2004

    def to_query(self) -> dict[str, Any]:
        return {
            "year_band": self.year_band,
            "role_groups": dict(ROLE_GROUPS) if self.role_groups else None,
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
    if recoding.suppress_gender:
        out["gender"] = None
    out["follow_up"] = [{**event, "date": str(event["date"])[:4]}
                        for event in record.get("follow_up", [])]
    return out


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
    record is never republished in more detail than before (S18)."""
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
    for name in ("acts", "perpetrators", "mechanisms"):
        if set(new.get(name, [])) - set(old.get(name, [])) and name not in changed:
            changed.append(name)
    return changed
