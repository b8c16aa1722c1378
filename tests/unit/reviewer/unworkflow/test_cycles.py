from __future__ import annotations

import datetime as dt

import pytest

from reviewer.unworkflow.cycles import (
    current_cycle,
    earlier_cycles,
    fold_cycles,
    parse_cycle,
    replaced_record,
)
from reviewer.unworkflow.errors import CycleInvalid

GOOD = {"year": "2027", "label": "", "period_start": "2026-05-01",
        "period_end": "2027-04-30", "deadline": "2027-05-31"}


def test_parse_cycle_fills_the_label_and_counts_down():
    cycle = parse_cycle(GOOD)
    assert cycle.label == "SG reprisals report 2027"
    assert cycle.days_left(dt.date(2027, 5, 21)) == 10
    assert cycle.days_left(dt.date(2027, 6, 1)) == -1
    assert cycle.covers(dt.date(2026, 5, 1))
    assert not cycle.covers(dt.date(2027, 5, 1))


@pytest.mark.parametrize(("change", "field"), [
    ({"year": "27"}, "year"),
    ({"period_start": "2026-13-01"}, "period_start"),
    ({"period_end": "2026-04-01"}, "period_end"),
    ({"period_end": "2030-04-30"}, "period_end"),
    ({"deadline": "2026-01-01"}, "deadline"),
    ({"label": "x" * 121}, "label"),
])
def test_parse_cycle_names_the_bad_field(change, field):
    with pytest.raises(CycleInvalid, match=f"^{field}:"):
        parse_cycle({**GOOD, **change})


def test_a_new_setting_replaces_the_one_it_names_whatever_the_listing_order():
    later = {**GOOD, "deadline": "2027-06-15", "replaces": "r1"}
    older_year = {**GOOD, "year": "2026", "period_start": "2025-05-01",
                  "period_end": "2026-04-30", "deadline": "2026-05-31"}
    records = [("r9", later), ("r1", GOOD), ("r2", {"year": "junk"}), ("r3", older_year)]
    assert replaced_record(records, 2027) == "r9"
    assert replaced_record(records, 2031) is None
    cycles = fold_cycles(records)
    assert [c.year for c in cycles] == [2026, 2027]
    assert cycles[1].deadline == dt.date(2027, 6, 15)
    assert earlier_cycles(cycles, cycles[1]) == [cycles[0]]


def test_current_cycle_is_the_next_deadline_else_the_latest(cycles_2026_2027):
    old, new = cycles_2026_2027
    assert current_cycle([old, new], dt.date(2026, 5, 31)) == old
    assert current_cycle([old, new], dt.date(2026, 6, 1)) == new
    assert current_cycle([old, new], dt.date(2028, 1, 1)) == new
    assert current_cycle([], dt.date(2028, 1, 1)) is None


def test_configured_cycles_parse_toml_and_app_settings_override_them():
    import tomllib

    from reviewer.unworkflow.cycles import configured_cycles, sg_cycles_toml

    line = sg_cycles_toml(dt.date(2026, 11, 23))
    raw = tomllib.loads("[reviewer]\n" + line)["reviewer"]["sg_cycles"]
    configured = configured_cycles(raw)
    assert [c.year for c in fold_cycles(configured)] == [2026, 2027]
    override = {**GOOD, "deadline": "2027-06-20"}
    cycles = fold_cycles([*configured, ("r1", override)])
    assert cycles[1].deadline == dt.date(2027, 6, 20)
    dates = tomllib.loads('[r]\nc = [{year = 2030, period_start = 2029-05-01, '
                          'period_end = 2030-04-30, deadline = 2030-05-31}]')["r"]["c"]
    assert fold_cycles(configured_cycles(dates))[0].year == 2030
    assert configured_cycles(None) == []


@pytest.mark.parametrize("raw", ["2027", [1], [{"year": "2027"}]])
def test_bad_configured_cycles_refuse_to_start(raw):
    from reviewer.unworkflow.cycles import configured_cycles

    with pytest.raises(CycleInvalid, match="reviewer.sg_cycles"):
        configured_cycles(raw)


def test_conventional_cycles_follow_the_may_to_april_convention():
    from reviewer.unworkflow.cycles import conventional_cycles

    assert [c["year"] for c in conventional_cycles(dt.date(2026, 5, 31))] == ["2025", "2026"]
    assert [c["deadline"] for c in conventional_cycles(dt.date(2026, 6, 1))] == [
        "2026-05-31", "2027-05-31"]
