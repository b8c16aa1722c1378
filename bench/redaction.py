"""Redaction assistant on the evaluation corpus: entity-level recall and precision per type
and language, the direct/other split the release gate enforces, and time per narrative.

Run alone with ``python -m bench.redaction``; ``python -m bench`` calls ``run()``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from reviewer.redact.evaluation import Evaluation, Tally, evaluate, load_corpus

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "redaction" / "corpus"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:5.1f}%"


def _summary_row(label: str, tally: Tally) -> dict[str, Any]:
    return {"type": label, "lang": "all", "entities": tally.entities, "recall": tally.recall,
            "suggested": tally.suggested, "precision": tally.precision}


def _table(rows: list[dict[str, Any]]) -> str:
    header = (
        f"{'type':<22}{'lang':<6}{'entities':>9}{'recall':>9}{'suggested':>11}{'precision':>11}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['type']:<22}{row['lang']:<6}{row['entities']:>9}{_percent(row['recall']):>9}"
            f"{row['suggested']:>11}{_percent(row['precision']):>11}"
        )
    return "\n".join(lines)


def _totals(evaluation: Evaluation) -> Tally:
    total = Tally()
    for tally in evaluation.by_type_and_lang.values():
        total = total.add(tally)
    return total


def run() -> list[dict[str, Any]]:
    narratives = load_corpus(CORPUS)
    started = time.perf_counter()
    evaluation = evaluate(narratives)
    elapsed = time.perf_counter() - started
    rows = evaluation.rows()
    rows.append(_summary_row("DIRECT (gate ≥ 99%)", evaluation.direct))
    rows.append(_summary_row("OTHER (gate ≥ 90%)", evaluation.other))
    rows.append(_summary_row("documented limitation", evaluation.limited))
    rows.append(_summary_row("ALL", _totals(evaluation)))
    print(f"Redaction assistant — {len(narratives)} narratives, "
          f"{1000 * elapsed / len(narratives):.0f} ms per narrative")
    print(_table(rows))
    for doc, entity, surface in evaluation.misses:
        print(f"missed  {doc}:{entity} {surface!r}")
    for doc, kind, surface in evaluation.false_positives:
        print(f"false+  {doc}:{kind} {surface!r}")
    return rows


if __name__ == "__main__":
    run()
