"""Synthetic, realistic case records and an organisation that signs them.

For the search benchmark, tests and demos: records drawn from the taxonomy and the States
named in the Secretary-General's 2023 reprisals report (its footnote 1). They describe
nobody; they only have the shape and spread of real releases.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from nacl.signing import SigningKey

from haven.taxonomy import load_taxonomy
from vault.canonical import b64encode
from vault.release_package import Approver, build_release, build_tombstone, sign_package

# The States of the 2023 report, ISO 3166-1 alpha-2 (DZ Algeria ... PS State of Palestine).
REPORT_2023_STATES = (
    "DZ", "AF", "AD", "BH", "BD", "BY", "BI", "CM", "CN", "CO", "CU", "CD", "DJ", "EG", "FR",
    "GT", "IN", "ID", "IR", "IQ", "IL", "SA", "LY", "MV", "ML", "MX", "MM", "NI", "PK", "PH",
    "QA", "RU", "SS", "TZ", "AE", "UZ", "VN", "VE", "YE", "PS",
)
_TEXT = (
    "after testimony to the committee the defender was summoned and questioned about contacts "
    "with the special rapporteur; officers searched the office, seized phones and laptops, and "
    "the organisation's registration was suspended; relatives were warned; a travel ban was "
    "imposed at the airport before the session in Geneva; charges under the foreign agents "
    "law followed; online smear campaign and surveillance of accounts continued"
)
_WORDS = tuple(_TEXT.split(" "))


@cache
def _vocabulary() -> tuple[str, ...]:
    """Words of every taxonomy label and of the text above: a few hundred distinct words,
    so a searched word matches a realistic share of narratives, not half of them."""
    labels = " ".join(label for terms in load_taxonomy().vocabularies.values()
                      for label in terms.values())
    words = {w.strip("(),.;'").lower() for w in f"{labels} {_TEXT}".split()}
    return tuple(sorted(w for w in words if len(w) > 3 and w.isalpha()))  # noqa: PLR2004


def synthetic_record(rng: random.Random, *, year: int | None = None) -> dict[str, Any]:
    t = load_taxonomy()
    acts = rng.sample(t.ids("acts"), rng.randint(1, 4))
    record_year = year or rng.randint(2010, 2025)
    events = []
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        event_year = rng.randint(record_year, 2025)
        events.append({"date": f"{event_year}-{rng.randint(1, 12):02d}",
                       "event": rng.choice(t.ids("follow_up_events")),
                       "note": " ".join(rng.sample(_WORDS, 8))})
    events.sort(key=lambda e: e["date"])
    return {
        "kind": rng.choices(t.ids("record_kinds"), weights=(80, 15, 5))[0],
        "title": " ".join(rng.sample(_vocabulary(), 6)).capitalize(),
        "name": None,
        "country": rng.choice(REPORT_2023_STATES),
        "year": record_year,
        "year_to": None,
        "gender": rng.choice((*t.ids("genders"), None)),
        "role": rng.choice((*t.ids("roles"), None)),
        "acts": acts,
        "perpetrators": rng.sample(t.ids("perpetrators"), rng.randint(0, 2)),
        "mechanisms": rng.sample(t.ids("mechanisms"), rng.randint(1, 2)),
        "engagement": rng.choice(t.ids("engagement")),
        "verification": rng.choice(("confirmed", "likely")),
        "anonymity_requested": rng.random() < 0.66,  # noqa: PLR2004 - two thirds, as reported
        "named": False,
        "detained": "detention" in acts or rng.random() < 0.1,  # noqa: PLR2004
        "narrative": _narrative(rng, acts),
        "un_actors": [],
        "follow_up": events,
        "outcome": rng.choice(t.ids("case_outcomes")),
        "sg_citations": [],
    }


@cache
def _filler() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Everyday English words with Zipf weights (a few are in most texts, most are rare),
    so a searched word matches a realistic share of narratives."""
    text = resources.files("vault").joinpath("data/wordlist-en.txt").read_text("utf-8")
    words = tuple(w for w in text.split() if w.isalpha())
    return words, tuple(1 / (rank + 1) for rank in range(len(words)))


def _narrative(rng: random.Random, acts: list[str]) -> str:
    taxonomy = load_taxonomy()
    own = " ".join(taxonomy.label("acts", a).lower() for a in acts)
    words, weights = _filler()
    return f"{own}. " + " ".join(rng.choices(words, weights=weights, k=rng.randint(30, 90)))


@dataclass
class SigningOrganisation:
    """An organisation with a release key and two reviewers, signing packages."""

    org_id: str
    release_key: SigningKey = field(default_factory=SigningKey.generate)
    drafter: Approver = field(default_factory=lambda: Approver("drafter-1",
                                                               SigningKey.generate()))
    approver: Approver = field(default_factory=lambda: Approver("approver-1",
                                                                SigningKey.generate()))
    certificate: dict[str, Any] | None = None

    @property
    def release_pk(self) -> str:
        return b64encode(bytes(self.release_key.verify_key))

    def release(self, record: dict[str, Any], *, record_id: str | None = None, version: int = 1,
                tier: str = "public", issued_at: str = "2026-01-15",
                scopes: tuple[str, ...] = ("casebase_anonymized",)) -> dict[str, Any]:
        body = build_release(
            org_id=self.org_id, record_id=record_id or secrets.token_hex(16), version=version,
            issued_at=issued_at, tier=tier,
            consent_snapshot={"scopes": list(scopes), "given_by": "victim",
                              "confirmed": issued_at[:7]},
            record=record, release_pk=bytes(self.release_key.verify_key),
            drafter=self.drafter.public(), approver=self.approver.public(),
            release_certificate=self.certificate,
        )
        return sign_package(body, self.release_key, self.drafter.signing_key,
                            self.approver.signing_key)

    def tombstone(self, record_id: str, *, version: int, issued_at: str = "2026-01-20",
                  reason: str = "consent_withdrawn") -> dict[str, Any]:
        body = build_tombstone(org_id=self.org_id, record_id=record_id, version=version,
                               issued_at=issued_at, reason=reason,
                               release_pk=bytes(self.release_key.verify_key),
                               release_certificate=self.certificate)
        return sign_package(body, self.release_key)
