"""The release gate's safety net: entity-level recall on the corpus must not regress.

Direct identifiers (everything from the structured fields, phones, e-mails, ID numbers,
IBANs) need 0.99; the rest (other persons, dates, addresses, URLs, handles, IPs) 0.90.
Precision is held too, so the heuristics do not swamp the reviewer with false alarms.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.redact.evaluation import Evaluation, evaluate, load_corpus

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def corpus_evaluation() -> Evaluation:
    return evaluate(load_corpus(CORPUS))


def _misses(evaluation: Evaluation) -> str:
    return "; ".join(f"{doc}:{entity} {surface!r}" for doc, entity, surface in evaluation.misses)


def test_direct_identifier_recall(corpus_evaluation: Evaluation) -> None:
    recall = corpus_evaluation.direct.recall
    assert recall is not None
    assert recall >= 0.99, f"direct recall {recall:.3f}; missed: {_misses(corpus_evaluation)}"


def test_other_identifier_recall(corpus_evaluation: Evaluation) -> None:
    recall = corpus_evaluation.other.recall
    assert recall is not None
    assert recall >= 0.90, f"other recall {recall:.3f}; missed: {_misses(corpus_evaluation)}"


def test_precision_keeps_the_reviewer_in_charge(corpus_evaluation: Evaluation) -> None:
    suggested = sum(t.suggested for t in corpus_evaluation.by_type_and_lang.values())
    correct = sum(t.correct for t in corpus_evaluation.by_type_and_lang.values())
    assert suggested > 0
    assert correct / suggested >= 0.85, corpus_evaluation.false_positives


def test_every_language_is_measured(corpus_evaluation: Evaluation) -> None:
    languages = {lang for _, lang in corpus_evaluation.by_type_and_lang}
    assert languages == {"ar", "zh", "en", "fr", "ru", "es"}
    rows = corpus_evaluation.rows()
    assert all(0.0 <= (r["recall"] or 0.0) <= 1.0 for r in rows)
