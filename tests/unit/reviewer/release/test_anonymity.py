"""The generalisation ladder against the case base's own counting code (casebase.anonymity)
over an in-memory list of released records: the same function the HTTP route runs."""

from __future__ import annotations

import pytest

from casebase.anonymity import count_class, parse_anonymity_query
from casebase.errors import BadQuery
from haven.taxonomy import load_taxonomy
from reviewer.release.anonymity import ClassCount, assess
from reviewer.release.generalise import (
    ACT_CATEGORIES,
    LEVELS,
    ROLE_GROUPS,
    Recoding,
    band_of,
    categories_of,
    detail_rank,
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
    assert base.queries == ["exact", "year_band", "role_group", "act_category",
                            "gender_suppressed"]
    assert "acts by category" in result.message


def test_climbs_to_act_categories_and_publishes_categories_not_acts():
    # Same category ("movement") but other acts: no class by act id, one by category.
    others = [like(acts=["passport"])] * 2 + [like(acts=["entry_denied"])] + [
        like(acts=["passport", "smear"])]
    base = InMemoryCaseBase(public=others)
    result = assess(RECORD, "public", base, SETTINGS)
    assert result.ok
    assert result.level_name == "act_category"
    assert base.queries == ["exact", "year_band", "role_group", "act_category"]
    assert result.record["acts"] == []
    assert result.record["act_categories"] == ["movement"]
    # the steps below it were taken too (each level keeps the ones before)
    assert (result.record["year"], result.record["year_to"], result.record["role"]) == (
        2022, 2023, None)
    assert result.record["gender"] == "woman"
    counts = result.counts["act_category"]["public"]
    assert counts.k == 3  # noqa: PLR2004 - the passport+smear record is another category set
    assert counts.act_categories == frozenset({"movement", "intimidation"})


def test_a_record_published_by_category_counts_only_at_the_category_level():
    generalised = {**like(acts=[]), "act_categories": ["movement"]}
    base = InMemoryCaseBase(public=[generalised] * 3 + [like(acts=["smear"])])
    result = assess(RECORD, "public", base, SETTINGS)
    assert result.level_name == "act_category"
    exact = base.counts(QI, Recoding.at(0), None)["public"]
    assert exact.k == 0  # its act ids are unknown: it equals no exact query
    assert exact.act_categories == frozenset({"movement", "intimidation"})


def test_recoding_steps_per_level_and_in_the_query():
    assert [Recoding.at(n).name for n in range(len(LEVELS))] == list(LEVELS)
    query = Recoding.at(3).to_query()
    assert query["act_categories"] is True
    assert query["suppress_gender"] is False
    assert Recoding.at(4).to_query()["suppress_gender"] is True
    assert Recoding.at(2).to_query()["act_categories"] is False
    with pytest.raises(ValueError, match="no generalisation level 5"):
        Recoding.at(5)


def test_categories_come_from_the_shared_taxonomy():
    taxonomy = load_taxonomy()
    assert categories_of(["detention", "torture", "house_arrest"]) == ["liberty", "violence"]
    assert set(ACT_CATEGORIES.values()) == set(taxonomy.ids("act_categories"))
    assert taxonomy.label("act_categories", "liberty") == "Detention and deprivation of liberty"


def test_a_stale_category_mapping_in_the_query_is_refused():
    stale = {**ACT_CATEGORIES, "detention": "violence"}
    with pytest.raises(BadQuery, match="shared taxonomy"):
        parse_anonymity_query({"qi": QI, "recode": Recoding.at(3).to_query(),
                               "act_categories": stale, "exclude_record_id": None})


def test_of_published_reads_the_steps_off_the_published_record():
    for level in range(len(LEVELS)):
        published = published_fields(RECORD, Recoding.at(level))
        assert Recoding.of_published(published, QI, level) == Recoding.at(level)
        assert Recoding.of_published(published, QI) == Recoding.at(level)
    # A release sealed under the earlier four-level ladder, where 3 meant "gender
    # suppressed" with act ids: re-counted as it went out, not at today's level 3.
    old = {**published_fields(RECORD, Recoding.at(2)), "gender": None}
    assert Recoding.of_published(old, QI, 3) == Recoding(
        year_band=True, role_groups=True, act_categories=False, suppress_gender=True)


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
    assert published_fields(record, Recoding.at(0))["follow_up"][0]["date"] == "2024"


def test_more_detail_is_detected_field_by_field():
    old = {**RECORD, "year_to": 2024, "role": None, "acts": ["travel_ban"]}
    new = {**RECORD, "acts": ["travel_ban", "threats"]}
    assert set(more_detailed_fields(new, old)) == {"year", "role", "acts"}
    assert more_detailed_fields(old, new) == []


def test_act_ids_after_categories_are_more_detail():
    by_category = published_fields(RECORD, Recoding.at(3))
    by_id = published_fields(RECORD, Recoding.at(2))
    assert detail_rank(by_category)["acts"] < detail_rank(by_id)["acts"]
    assert more_detailed_fields(by_id, by_category) == ["acts"]
    assert more_detailed_fields(by_category, by_id) == []
    wider = {**by_category, "act_categories": ["liberty", "movement"]}
    assert more_detailed_fields(wider, by_category) == ["act_categories"]
    assert more_detailed_fields(by_category, by_category) == []


def test_live_releases_are_re_counted_after_a_withdrawal(tmp_path):
    from reviewer.release.outbox import Outbox
    from reviewer.release.runtime import ReleaseRuntime
    from reviewer.release.service import recheck_k

    outbox = Outbox(tmp_path / "outbox.sqlite3")
    for record_id, level in (("1" * 32, 0), ("2" * 32, 1), ("3" * 32, 0)):
        body = {"record_id": record_id, "version": 1, "tier": "public",
                "record": published_fields(RECORD, Recoding.at(level))}
        outbox.enqueue_release({"package": body, "signatures": {}}, "r", level, QI)
    outbox.enqueue_tombstone({"package": {"record_id": "3" * 32, "version": 2},
                              "signatures": {}}, "r")
    base = InMemoryCaseBase(public=[like()] * 2 + [like(year=2022)] * 3)
    runtime = ReleaseRuntime(SETTINGS, outbox, post=print, counts=lambda: base)
    # exact: 2 others + itself = 3 < 4; banded: 5 others + itself; withdrawn: not counted
    assert recheck_k(runtime) == [("1" * 32, 3)]
