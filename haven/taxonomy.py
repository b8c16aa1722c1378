"""The controlled vocabularies (acts, perpetrators, mechanisms, consent scopes, ...).

One loader for the whole project: every app reads vocabularies from here, never from a
copy of its own, so ids stay identical from the intake form to the case base.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

from haven.errors import TaxonomyError


@dataclass(frozen=True)
class Taxonomy:
    version: int
    vocabularies: Mapping[str, Mapping[str, str]]
    # act category id -> the act ids it groups (``act_category_acts``): the coarser value
    # a record's acts are published as when the release gate generalises them.
    act_groups: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))

    def ids(self, vocabulary: str) -> tuple[str, ...]:
        return tuple(self.vocabulary(vocabulary))

    def vocabulary(self, vocabulary: str) -> Mapping[str, str]:
        try:
            return self.vocabularies[vocabulary]
        except KeyError:
            raise TaxonomyError(f"unknown vocabulary {vocabulary!r}") from None

    def label(self, vocabulary: str, term: str) -> str:
        """The English label; translate it through the message catalogues."""
        try:
            return self.vocabulary(vocabulary)[term]
        except KeyError:
            raise TaxonomyError(f"unknown term {term!r} in {vocabulary!r}") from None

    def act_category(self, act: str) -> str:
        """The category of one act id (``act_categories``)."""
        for category, acts in self.act_groups.items():
            if act in acts:
                return category
        raise TaxonomyError(f"unknown term {act!r} in 'acts'")

    def act_category_map(self) -> dict[str, str]:
        """act id -> category id, for every act."""
        return {act: category for category, acts in self.act_groups.items() for act in acts}

    def act_categories_of(self, acts: list[str] | tuple[str, ...] | frozenset[str]
                          ) -> tuple[str, ...]:
        """The sorted distinct categories of some act ids."""
        return tuple(sorted({self.act_category(act) for act in acts}))

    def check(self, vocabulary: str, terms: str | list[str] | tuple[str, ...]) -> None:
        """Raise TaxonomyError unless every term belongs to the vocabulary."""
        known = self.vocabulary(vocabulary)
        for term in [terms] if isinstance(terms, str) else terms:
            if term not in known:
                raise TaxonomyError(f"unknown term {term!r} in {vocabulary!r}")


@cache
def load_taxonomy() -> Taxonomy:
    raw = json.loads(resources.files("haven.data").joinpath("taxonomy.json").read_text("utf-8"))
    vocabularies = {
        name: MappingProxyType(dict(terms))
        for name, terms in raw.items()
        if isinstance(terms, dict) and all(isinstance(v, str) for v in terms.values())
    }
    groups = {category: tuple(acts) for category, acts in raw["act_category_acts"].items()}
    _check_act_groups(groups, vocabularies)
    return Taxonomy(version=int(raw["version"]), vocabularies=MappingProxyType(vocabularies),
                    act_groups=MappingProxyType(groups))


def _check_act_groups(groups: Mapping[str, tuple[str, ...]],
                      vocabularies: Mapping[str, Mapping[str, str]]) -> None:
    """Every act belongs to exactly one category, and every category has a label."""
    acts = [act for members in groups.values() for act in members]
    if sorted(acts) != sorted(vocabularies["acts"]) or len(set(acts)) != len(acts):
        raise TaxonomyError("act_category_acts must place every act in exactly one category")
    if set(groups) != set(vocabularies["act_categories"]) or not all(groups.values()):
        raise TaxonomyError("act_category_acts and act_categories must name the same "
                            "categories, none empty")


@cache
def load_public_cases() -> tuple[Mapping, ...]:
    """The five cases already made public by their subjects (demo and test seed)."""
    raw = json.loads(
        resources.files("haven.data").joinpath("public-cases.json").read_text("utf-8")
    )
    return tuple(raw["cases"])
