"""A Babel extraction method for the taxonomy labels (``haven/data/taxonomy.json``).

The labels are English data, not code, so ``pybabel extract`` cannot find them by itself;
``babel.cfg`` maps the file to ``extract_taxonomy`` and every label becomes a msgid, with the
vocabulary and term id as a translator comment. The apps translate a label with
``gettext(taxonomy.label(vocabulary, term))``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

# Top-level keys that are not vocabularies.
NOT_VOCABULARIES = frozenset({"version", "note"})


def extract_taxonomy(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any,
) -> Iterator[tuple[int, str, str, list[str]]]:
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    for vocabulary, terms in json.loads(text).items():
        if vocabulary in NOT_VOCABULARIES or not isinstance(terms, dict):
            continue
        for term, label in terms.items():
            if isinstance(label, str) and label:
                yield (_line_of(lines, term, label), "gettext", label,
                       [f"taxonomy: {vocabulary}.{term}"])


def _line_of(lines: list[str], term: str, label: str) -> int:
    needle = json.dumps(term, ensure_ascii=False) + ":"
    for number, line in enumerate(lines, start=1):
        if needle in line and json.dumps(label, ensure_ascii=False)[1:-1] in line:
            return number
    return 0
