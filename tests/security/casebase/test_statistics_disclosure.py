"""S21: no suppressed cell of the published statistics can be recovered by a linear
combination of published cells.

The check here is independent of casebase.suppression's own (exact) test: it rebuilds the
linear system from the *published* snapshot alone (cells, flags, and the table relations
re-derived from the table layout), and asks numpy whether each hidden cell's unit vector
lies in the row space of the relations restricted to hidden cells.
"""

import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebase.countries import COUNTRY_REGION, REGIONS
from casebase.stats import CaseFacts, build_table_set
from casebase.synthetic import REPORT_2023_STATES


def _relations(snapshot):
    """Additive relations implied by the table layout (what any reader can work out)."""
    rels = []
    for table in snapshot["tables"]:
        rows = {r["id"]: [c["key"] for c in r["cells"]] for r in table["rows"]}
        if table["columns"] == ["new", "follow_up", "total"]:
            rels += [(keys[2], [keys[0], keys[1]]) for keys in rows.values()]
        if table["row_kind"] == "region":
            inner = [k for rid, k in rows.items() if rid != "total"]
            for i in range(3):
                rels.append((rows["total"][i], [k[i] for k in inner]))
        if table["row_kind"] == "measure":
            rels += [(keys[2], [keys[0], keys[1]]) for keys in rows.values()]
    return rels


def _check_values_satisfy(snapshot, values):
    for total, parts in _relations(snapshot):
        assert values[total] == sum(values[p] for p in parts)


def _unrecoverable(snapshot):
    cells = {c["key"]: c for t in snapshot["tables"] for r in t["rows"] for c in r["cells"]}
    hidden = sorted(k for k, c in cells.items() if c["value"] is None)
    if not hidden:
        return True, hidden
    index = {k: i for i, k in enumerate(hidden)}
    rows = []
    for total, parts in _relations(snapshot):
        row = np.zeros(len(hidden))
        for key, sign in [(total, 1), *((p, -1) for p in parts)]:
            if key in index:
                row[index[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return True, hidden
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    for i in range(len(hidden)):
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            return False, hidden[i]
    return True, hidden


def _facts(rng, n):
    out = []
    for _ in range(n):
        country = rng.choice(REPORT_2023_STATES)
        year = rng.randint(2019, 2023)
        flags = frozenset(f for f in ("women", "detained", "named", "anonymity_requested",
                                      "surveillance", "restrictive_law") if rng.random() < 0.4)
        out.append(CaseFacts(country, COUNTRY_REGION[country], year,
                             frozenset(rng.sample(["hrc", "upr", "treaty_bodies",
                                                   "special_procedures"], rng.randint(1, 2))),
                             frozenset(y for y in range(year + 1, 2024) if rng.random() < 0.3),
                             flags))
    return out


def _true_values(facts, snapshot):
    """Recompute every cell without suppression (threshold 1 hides nothing)."""
    clear = build_table_set(facts, threshold=1)
    return {c["key"]: c["value"] for t in clear["tables"] for r in t["rows"] for c in r["cells"]}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 120))
def test_no_hidden_cell_is_a_linear_combination_of_published_cells(seed, n):
    facts = _facts(random.Random(seed), n)
    snapshot = build_table_set(facts, threshold=5)
    values = _true_values(facts, snapshot)
    _check_values_satisfy(snapshot, values)  # the relations used really hold
    safe, cell = _unrecoverable(snapshot)
    assert safe, f"hidden cell {cell} is recoverable"
    for table in snapshot["tables"]:
        for row in table["rows"]:
            for c in row["cells"]:
                if c["value"] is not None:
                    assert c["value"] == 0 or c["value"] >= 5
                    assert c["value"] == values[c["key"]]
                else:
                    assert c["flag"] in ("primary", "complementary")
                    if c["flag"] == "primary":
                        assert 0 < values[c["key"]] < 5


def test_region_table_covers_every_regional_group():
    snapshot = build_table_set(_facts(random.Random(3), 60), threshold=5)
    region = next(t for t in snapshot["tables"] if t["row_kind"] == "region")
    assert [r["id"] for r in region["rows"]] == [*REGIONS, "total"]


def test_counts_of_states_never_pin_down_a_hidden_case_count():
    # Four cases in four States: the case total is hidden, so the count of States is too.
    facts = [CaseFacts(c, COUNTRY_REGION[c], 2022, frozenset({"hrc"}), frozenset(),
                       frozenset({"surveillance"})) for c in ("NI", "AD", "DJ", "CN")]
    snapshot = build_table_set(facts, threshold=5)
    block = snapshot["states"]["2022"]
    assert block["states"] is None
    assert block["states_surveillance"] is None
    assert block["share_surveillance"] is None
