"""Cell suppression for the published statistics (S21).

The table set is one system: every cell has a key, a cell that appears in two tables
(a year's total, say) is the same key, and every additive relation ("this total is the sum
of those cells") is an :class:`Equation`. Primary suppression hides every count with
``0 < value < threshold``. Complementary suppression then hides more cells until no hidden
cell is a linear combination of the published ones: with the hidden cells as unknowns, a
cell is recoverable exactly when its unit vector lies in the row space of the equations,
which exact (rational) Gaussian elimination decides. Zeros are published: they are not
small groups of people.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping


@dataclass(frozen=True)
class Equation:
    total: str
    parts: tuple[str, ...]

    def cells(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Suppression:
    primary: frozenset[str]
    complementary: frozenset[str]

    @property
    def hidden(self) -> frozenset[str]:
        return self.primary | self.complementary


def suppress(
    values: Mapping[str, int], equations: Iterable[Equation], threshold: int
) -> Suppression:
    equations = tuple(equations)
    primary = frozenset(k for k, v in values.items() if 0 < v < threshold)
    hidden = set(primary)
    while exposed := recoverable_cells(equations, hidden):
        hidden.add(_complement_for(sorted(exposed)[0], equations, values, hidden))
    return Suppression(primary, frozenset(hidden - primary))


def recoverable_cells(equations: Iterable[Equation], hidden: Iterable[str]) -> set[str]:
    """Hidden cells whose value follows from the published cells by linear combination.

    Hidden cells that share no equation are independent systems, so each connected group
    is solved on its own (the tables of different years barely touch)."""
    hidden = set(hidden)
    rows_by_group: dict[str, list[dict[str, int]]] = {}
    parent = {key: key for key in hidden}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    rows = []
    for equation in equations:
        row: dict[str, int] = {}
        for key, sign in ((equation.total, 1), *((p, -1) for p in equation.parts)):
            if key in hidden:
                row[key] = row.get(key, 0) + sign
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
            first, *rest = row
            for key in rest:
                parent[find(key)] = find(first)
    for row in rows:
        rows_by_group.setdefault(find(next(iter(row))), []).append(row)
    found: set[str] = set()
    for group_rows in rows_by_group.values():
        found |= _unit_rows(group_rows)
    return found


def _unit_rows(rows: list[dict[str, int]]) -> set[str]:
    """Unknowns whose unit vector is in the row space: fraction-free Gauss-Jordan
    elimination over the integers (exact); in reduced form e_i is in the row space exactly
    when some reduced row has i as its only non-zero entry."""
    columns = sorted({key for row in rows for key in row})
    matrix = [[row.get(c, 0) for c in columns] for row in rows]
    pivots: list[tuple[int, int]] = []
    top = 0
    for col in range(len(columns)):
        found = next((r for r in range(top, len(matrix)) if matrix[r][col]), None)
        if found is None:
            continue
        matrix[top], matrix[found] = matrix[found], matrix[top]
        pivot = matrix[top]
        for r, other in enumerate(matrix):
            if r != top and other[col]:
                lead, factor = pivot[col], other[col]
                matrix[r] = _reduce([lead * a - factor * b for a, b in zip(other, pivot,
                                                                            strict=True)])
        pivots.append((top, col))
        top += 1
    return {columns[col] for r, col in pivots if sum(1 for x in matrix[r] if x) == 1}


def _reduce(row: list[int]) -> list[int]:
    divisor = 0
    for x in row:
        divisor = math.gcd(divisor, x)
    return [x // divisor for x in row] if divisor > 1 else row


def _complement_for(
    cell: str, equations: tuple[Equation, ...], values: Mapping[str, int], hidden: set[str]
) -> str:
    """Pick the published cell to hide next: from an equation holding ``cell``, the
    smallest non-zero cell, preferring inner cells to totals (they carry less information)."""
    near = [e for e in equations if cell in e.cells()]
    linked = [e for e in equations if hidden & set(e.cells())]
    candidates = []
    for equation in near if _has_open(near, hidden) else linked:
        for key in equation.cells():
            if key not in hidden:
                is_total = any(key == e.total for e in equations)
                candidates.append((values[key] == 0, is_total, values[key], key))
    if not candidates:
        raise RuntimeError(f"no cell left to protect {cell!r}")  # cannot happen: it is exposed
    return min(candidates)[3]


def _has_open(equations: list[Equation], hidden: set[str]) -> bool:
    return any(key not in hidden for e in equations for key in e.cells())
