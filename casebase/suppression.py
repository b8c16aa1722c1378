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

from dataclasses import dataclass
from fractions import Fraction
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
    """Hidden cells whose value follows from the published cells by linear combination."""
    unknowns = sorted(set(hidden))
    column = {key: i for i, key in enumerate(unknowns)}
    rows = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        for key, sign in ((equation.total, 1), *((p, -1) for p in equation.parts)):
            if key in column:
                row[column[key]] += sign
        if any(row):
            rows.append(row)
    return {unknowns[i] for i in _unit_rows(rows, len(unknowns))}


def _unit_rows(rows: list[list[Fraction]], width: int) -> list[int]:
    """Columns i such that the unit vector e_i is in the row space (reduced echelon form:
    exactly when some reduced row is e_i)."""
    pivot_row = 0
    pivots: list[int] = []
    for col in range(width):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [x / lead for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivots.append(col)
        pivot_row += 1
    return [col for r, col in enumerate(pivots) if sum(1 for x in rows[r] if x != 0) == 1]


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
