"""Primary and complementary suppression (casebase.suppression)."""

from casebase.suppression import Equation, recoverable_cells, suppress


def _table(values):
    """A 2x2 table with row, column and grand totals as cells and equations."""
    (a, b), (c, d) = values
    cells = {"a": a, "b": b, "c": c, "d": d, "r1": a + b, "r2": c + d, "c1": a + c,
             "c2": b + d, "t": a + b + c + d}
    equations = [Equation("r1", ("a", "b")), Equation("r2", ("c", "d")),
                 Equation("c1", ("a", "c")), Equation("c2", ("b", "d")),
                 Equation("t", ("r1", "r2")), Equation("t", ("c1", "c2"))]
    return cells, equations


def test_small_nonzero_counts_are_primary_and_zeros_are_published():
    cells, equations = _table([[3, 0], [20, 30]])
    result = suppress(cells, equations, 5)
    assert result.primary == {"a", "r1"}
    assert "b" not in result.primary
    assert recoverable_cells(equations, result.hidden) == set()


def test_a_lone_hidden_cell_gets_complements_until_nothing_is_recoverable():
    cells, equations = _table([[3, 12], [20, 30]])
    result = suppress(cells, equations, 5)
    assert result.primary == {"a"}
    assert result.complementary  # a alone would be t - b - c - d
    assert recoverable_cells(equations, result.hidden) == set()


def test_recoverable_cells_sees_through_chains_of_equations():
    cells, equations = _table([[6, 12], [20, 30]])
    # Hide a, b and r1: r1 = a + b still leaves them free ... but c1 - c = a, so a is
    # recoverable, then b = c2 - d.
    assert recoverable_cells(equations, {"a", "b", "r1"}) == {"a", "b", "r1"}
    assert recoverable_cells(equations, {"a", "b", "c", "d"}) == set()


def test_nothing_hidden_when_every_count_is_large():
    cells, equations = _table([[6, 12], [20, 30]])
    result = suppress(cells, equations, 5)
    assert result.hidden == frozenset()
