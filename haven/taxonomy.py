"""The controlled vocabularies (acts, perpetrators, mechanisms, consent scopes, ...).

One loader for the whole project: every app reads vocabularies from here, never from a
copy of its own, so ids stay identical from the intake form to the case base.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

from haven.errors import TaxonomyError


@dataclass(frozen=True)
class Taxonomy:
    version: int
    vocabularies: Mapping[str, Mapping[str, str]]

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
        if isinstance(terms, dict)
    }
    return Taxonomy(version=int(raw["version"]), vocabularies=MappingProxyType(vocabularies))


@cache
def load_public_cases() -> tuple[Mapping, ...]:
    """The five cases already made public by their subjects (demo and test seed)."""
    raw = json.loads(
        resources.files("haven.data").joinpath("public-cases.json").read_text("utf-8")
    )
    return tuple(raw["cases"])
