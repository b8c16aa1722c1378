"""Asking the case base how many records share a draft's quasi-identifiers (S18).

``AnonymityClient.counts(qi, recoding, exclude)`` calls ``POST /api/v1/anonymity`` of the
case base (casebase/anonymity.py) with this organisation's partner API token. ``assess``
walks the generalisation ladder (reviewer/release/generalise.py) and keeps the first level
at which, counting this record too, the class holds ``k + margin`` records and ``l``
distinct act categories — for the public tier alone and for public ∪ partner when the
release is public, for public ∪ partner when it is partner-only. Any failure to ask is
``AnonymityUnavailable``: the gate then refuses (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests

from reviewer.release.errors import AnonymityUnavailable
from reviewer.release.generalise import (
    LEVELS,
    Recoding,
    categories_of,
    published_fields,
    quasi_identifiers,
)
from reviewer.release.settings import ReleaseSettings

TIER_SCOPES = {"public": ("public", "public_partner"), "partner": ("public_partner",)}


@dataclass(frozen=True)
class ClassCount:
    k: int  # other records in the class
    act_categories: frozenset[str]  # among records equal on every QI but the acts


class CountSource(Protocol):
    def counts(self, qi: Mapping[str, Any], recoding: Recoding,
               exclude_record_id: str | None) -> dict[str, ClassCount]: ...


class AnonymityClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 20,
                 http: requests.Session | None = None) -> None:
        self.url = base_url.rstrip("/") + "/api/v1/anonymity"
        self._token = token
        self._timeout = timeout
        self._http = http or requests.Session()

    @classmethod
    def from_settings(cls, settings: ReleaseSettings) -> AnonymityClient:
        path = settings.casebase_token_path
        try:
            token = Path(str(path)).read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            raise AnonymityUnavailable(
                f"no case base API token at {path}: ask the case base for a partner token "
                "(haven casebase token) and store it there", reason="no_token",
                path=str(path)) from None
        return cls(settings.casebase_url, token)

    def counts(self, qi: Mapping[str, Any], recoding: Recoding,
               exclude_record_id: str | None) -> dict[str, ClassCount]:
        # The case base knows each act's category from the same shared taxonomy.
        body = {"qi": dict(qi), "recode": recoding.to_query(),
                "exclude_record_id": exclude_record_id}
        try:
            response = self._http.post(self.url, json=body, timeout=self._timeout,
                                       headers={"Authorization": f"Bearer {self._token}"},
                                       allow_redirects=False)
        except requests.RequestException as exc:
            raise AnonymityUnavailable(f"the case base is unreachable "
                                       f"({type(exc).__name__})", reason="unreachable",
                                       error=type(exc).__name__) from None
        if response.status_code != 200:  # noqa: PLR2004
            raise AnonymityUnavailable(f"the case base refused the k-anonymity query "
                                       f"(HTTP {response.status_code})", reason="refused",
                                       status=str(response.status_code))
        try:
            classes = response.json()["classes"]
            return {name: ClassCount(int(c["k"]), frozenset(c["act_categories"]))
                    for name, c in classes.items()}
        except (ValueError, KeyError, TypeError):
            raise AnonymityUnavailable("the case base answered the k query in an unknown "
                                       "shape", reason="unknown_shape") from None


@dataclass(frozen=True)
class Assessment:
    ok: bool
    level: int | None  # the ladder level that holds, None when none does
    record: Mapping[str, Any]  # the record as it would be published (generalised)
    counts: Mapping[str, Mapping[str, ClassCount]]  # level name -> tier scope -> count
    message: str

    @property
    def level_name(self) -> str:
        return LEVELS[self.level] if self.level is not None else "none"


def assess(record: Mapping[str, Any], tier: str, source: CountSource,
           settings: ReleaseSettings, *, exclude_record_id: str | None = None) -> Assessment:
    """Generalise ``record`` step by step until its class is large and diverse enough."""
    scopes = TIER_SCOPES[tier]
    need = settings.required_class_size
    seen: dict[str, Mapping[str, ClassCount]] = {}
    own_category = set(categories_of(record["acts"]))
    for level in range(len(LEVELS)):
        recoding = Recoding.at(level)
        published = published_fields(record, recoding)
        # The exact values go in the query: the case base recodes them like every record
        # it holds (a suppressed role would otherwise never match a role group).
        counts = source.counts(quasi_identifiers(record), recoding, exclude_record_id)
        seen[recoding.name] = counts
        short = [s for s in scopes if counts[s].k + 1 < need]
        narrow = [s for s in scopes
                  if len(counts[s].act_categories | own_category) < settings.l_diversity]
        if not short and not narrow:
            return Assessment(True, level, published, seen,
                              f"k holds at level '{recoding.name}'")
    return Assessment(False, None, record, seen, _refusal(seen, need, settings, scopes))


def _refusal(seen: Mapping[str, Mapping[str, ClassCount]], need: int,
             settings: ReleaseSettings, scopes: tuple[str, ...]) -> str:
    last = seen[LEVELS[-1]]
    sizes = ", ".join(f"{scope}: {last[scope].k + 1}" for scope in scopes)
    return (f"even fully generalised (year band, role group, acts by category, gender "
            f"suppressed) the record shares its country, years, act categories, mechanisms, "
            f"perpetrators and detention with too "
            f"few released records ({sizes}; {need} needed = k {settings.k} + margin "
            f"{settings.k_margin}, and at least {settings.l_diversity} act categories): "
            f"hold it back")
