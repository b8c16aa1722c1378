"""The evaluation corpus is well-formed: offsets point at the stated words, every language is
covered, some narratives mix languages, and documented limitations stay rare."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from reviewer.redact.errors import CorpusError
from reviewer.redact.evaluation import load_corpus, parse_narrative
from reviewer.redact.model import LANGUAGES, SPAN_TYPES
from reviewer.redact.text import script_of, tokenize

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.json"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_gold_offsets_point_at_the_stated_surface(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["id"] == path.stem
    assert record["gold"], "a narrative without gold spans measures nothing"
    for item in record["gold"]:
        assert record["text"][item["start"] : item["end"]] == item["surface"]
        assert item["type"] in SPAN_TYPES
    parse_narrative(record)


def test_corpus_size_and_languages() -> None:
    narratives = load_corpus(CORPUS)
    assert len(narratives) >= 40
    per_language = Counter(n.lang for n in narratives)
    assert set(per_language) == set(LANGUAGES)
    assert min(per_language.values()) >= 6


def test_some_narratives_mix_scripts() -> None:
    mixed = []
    for narrative in load_corpus(CORPUS):
        scripts = {script_of(c) for c in narrative.text} - {"digit", "other"}
        # A URL or e-mail brings Latin letters into any text: count real words only.
        words = {t.script for t in tokenize(narrative.text) if len(t.text) > 3}
        if len(scripts & words) > 1 and narrative.id not in mixed:
            mixed.append(narrative.id)
    assert len(mixed) >= 4, mixed


def test_limitations_are_explained_and_rare() -> None:
    mentions = [m for n in load_corpus(CORPUS) for m in n.gold]
    limited = [m for m in mentions if m.limitation]
    assert all(len(m.limitation) > 20 for m in limited)
    assert len(limited) <= 0.02 * len(mentions)


def test_a_wrong_offset_is_refused() -> None:
    record = json.loads(FILES[0].read_text(encoding="utf-8"))
    record["gold"][0]["start"] += 1
    with pytest.raises(CorpusError, match="reads"):
        parse_narrative(record)


def test_an_unknown_type_is_refused() -> None:
    record = json.loads(FILES[0].read_text(encoding="utf-8"))
    record["gold"][0]["type"] = "NICKNAME"
    with pytest.raises(CorpusError, match="unknown type"):
        parse_narrative(record)
