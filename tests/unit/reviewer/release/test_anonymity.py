"""The generalisation ladder against the case base's own counting code (casebase.anonymity)
over an in-memory list of released records: the same function the HTTP route runs."""

from __future__ import annotations

import pytest

from casebase.anonymity import count_class, parse_anonymity_query
from haven.taxonomy import load_taxonomy
from reviewer.release.anonymity import ClassCount, assess
from reviewer.release.generalise import (
    ACT_CATEGORIES,
    ROLE_GROUPS,
    Recoding,
    band_of,
    more_detailed_fields,
    published_fields,
)
from reviewer.release.settings import ReleaseSettings

from .conftest import RECORD

QI = {k: RECORD[k] for k in ("kind", "country", "year", "year_to", "gender", "role", "acts",
                             "mechanisms", "perpetrators", "detained")}


class InMemoryCaseBase:
    """Released records by tier, counted by casebase.anonymity.count_class."""

    def __init__(self, public=(), partner=()):  # type: ignore[no-untyped-def]
        self.rows = [("public", f"{i:032x}", qi) for i, qi in enumerate(public)]
        self.rows += [("partner", f"{i + 1000:032x}", qi) for i, qi in enumerate(partner)]
        self.queries = []

    def counts(self, qi, recoding, exclude_record_id):  # type: ignore[no-untyped-def]
        query = parse_anonymity_query({"qi": dict(qi), "recode": recoding.to_query(),
                                       "act_categories": dict(ACT_CATEGORIES),
                                       "exclude_record_id": exclude_record_id})
        self.queries.append(recoding.name)
        out = {}
        for name, tiers in (("public", ("public",)), ("public_partner", ("public", "partner"))):
            answer = count_class(query, [(rid, q) for tier, rid, q in self.rows if tier in tiers])
            out[name] = ClassCount(answer["k"], frozenset(answer["act_categories"]))
        return out


def like(**changes):  # type: ignore[no-untyped-def]
    return {**QI, **changes}


SETTINGS = ReleaseSettings(k=3, k_margin=1, l_diversity=2)  # class of 4 with 2 categories


def test_exact_level_when_the_class_is_large_and_diverse():
    base = InMemoryCaseBase(public=[like()] * 3 + [like(acts=["threats"])])
    result = assess(RECORD, "public", base, SETTINGS)
    assert result.ok
    assert result.level_name == "exact"
    assert result.record["year"] == 2023
    assert result.record["year_to"] is None


def test_climbs_to_a_year_band():
    others = [like(year=2022)] * 3 + [like(year=2022, acts=["smear"])]
    result = assess(RECORD, "public", InMemoryCaseBase(public=others), SETTINGS)
    assert result.ok
    assert result.level_name == "year_band"
    assert (result.record["year"], result.record["year_to"]) == (2022, 2023)


def test_climbs_to_role_groups_then_publishes_no_role():
    others = [like(role="ngo_staff")] * 3 + [like(role="indigenous_rep", acts=["smear"])]
    result = assess(RECORD, "public", InMemoryCaseBase(public=others), SETTINGS)
    assert result.ok
    assert result.level_name == "role_group"
    assert result.record["role"] is None


def test_suppresses_gender_last():
    others = [like(gender="man")] * 3 + [like(gender=None, acts=["smear"])]
    result = assess(RECORD, "public", InMemoryCaseBase(public=others), SETTINGS)
    assert result.ok
    assert result.level_name == "gender_suppressed"
    assert result.record["gender"] is None


def test_holds_back_when_no_level_is_enough():
    base = InMemoryCaseBase(public=[like()] * 2)
    result = assess(RECORD, "public", base, SETTINGS)
    assert not result.ok
    assert result.level is None
    assert "hold it back" in result.message
    assert "3 needed" not in result.message
    assert base.queries == ["exact", "year_band", "role_group", "gender_suppressed"]


def test_l_diversity_refuses_a_class_with_one_act_category():
    base = InMemoryCaseBase(public=[like(acts=["travel_ban"])] * 5)
    assert not assess(RECORD, "public", base, SETTINGS).ok


def test_public_release_needs_k_in_the_public_tier_alone():
    partner_only = InMemoryCaseBase(partner=[like()] * 3 + [like(acts=["threats"])])
    assert not assess(RECORD, "public", partner_only, SETTINGS).ok
    assert assess(RECORD, "partner", partner_only, SETTINGS).ok


def test_a_re_release_does_not_count_itself():
    base = InMemoryCaseBase(public=[like()] * 3 + [like(acts=["threats"])])
    own_id = base.rows[0][1]
    assert not assess(RECORD, "public", base, SETTINGS, exclude_record_id=own_id).ok


def test_margin_is_on_top_of_k():
    base = InMemoryCaseBase(public=[like()] * 2 + [like(acts=["threats"])])  # class of 4 - 1
    assert not assess(RECORD, "public", base, SETTINGS).ok
    assert assess(RECORD, "public", base, ReleaseSettings(k=3, k_margin=0)).ok


def test_mappings_cover_the_taxonomy():
    taxonomy = load_taxonomy()
    assert set(ROLE_GROUPS) == set(taxonomy.ids("roles"))
    assert set(ACT_CATEGORIES) == set(taxonomy.ids("acts"))


@pytest.mark.parametrize(("year", "band"), [(2023, (2022, 2023)), (2024, (2024, 2025))])
def test_bands_start_on_even_years(year, band):
    assert band_of(year) == band


def test_published_fields_coarsen_follow_up_dates_to_the_year():
    record = {**RECORD, "follow_up": [{"date": "2024-05", "event": "other"}]}
    assert published_fields(record, Recoding(0))["follow_up"][0]["date"] == "2024"


def test_more_detail_is_detected_field_by_field():
    old = {**RECORD, "year_to": 2024, "role": None, "acts": ["travel_ban"]}
    new = {**RECORD, "acts": ["travel_ban", "threats"]}
    assert set(more_detailed_fields(new, old)) == {"year", "role", "acts"}
    assert more_detailed_fields(old, new) == []



def test_live_releases_are_re_counted_after_a_withdrawal(tmp_path):
    from reviewer.release.outbox import Outbox
    from reviewer.release.runtime import ReleaseRuntime
    from reviewer.release.service import recheck_k

    outbox = Outbox(tmp_path / "outbox.sqlite3")
    for record_id, level in (("1" * 32, 0), ("2" * 32, 1), ("3" * 32, 0)):
        body = {"record_id": record_id, "version": 1, "tier": "public", "record": RECORD}
        outbox.enqueue_release({"package": body, "signatures": {}}, "r", level, QI)
    outbox.enqueue_tombstone({"package": {"record_id": "3" * 32, "version": 2},
                              "signatures": {}}, "r")
    base = InMemoryCaseBase(public=[like()] * 2 + [like(year=2022)] * 3)
    runtime = ReleaseRuntime(SETTINGS, outbox, post=print, counts=lambda: base)
    # exact: 2 others + itself = 3 < 4; banded: 5 others + itself; withdrawn: not counted
    assert recheck_k(runtime) == [("1" * 32, 3)]
