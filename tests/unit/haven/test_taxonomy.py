"""One loader serves the controlled vocabularies to every app."""

import pytest

from haven.errors import TaxonomyError
from haven.taxonomy import load_public_cases, load_taxonomy


def test_consent_scopes_are_the_nine_of_the_design():
    assert load_taxonomy().ids("consent_scopes") == (
        "contact",
        "un_confidential",
        "un_report_named",
        "un_report_anonymous",
        "state_transmission",
        "aggregate_statistics",
        "casebase_anonymized",
        "casebase_named",
        "public_advocacy",
    )


def test_labels_are_english_and_unknown_terms_are_refused():
    taxonomy = load_taxonomy()

    assert taxonomy.label("acts", "travel_ban") == "Travel ban or exit refusal"
    taxonomy.check("acts", ["travel_ban", "detention"])
    with pytest.raises(TaxonomyError, match="flying"):
        taxonomy.check("acts", ["travel_ban", "flying"])
    with pytest.raises(TaxonomyError):
        taxonomy.vocabulary("colours")


def test_public_cases_use_only_taxonomy_terms():
    taxonomy = load_taxonomy()
    cases = load_public_cases()

    assert len(cases) == 5
    for case in cases:
        taxonomy.check("acts", case["acts"])
        taxonomy.check("perpetrators", case["perpetrators"])
        taxonomy.check("mechanisms", case["mechanisms"])
        taxonomy.check("genders", case["gender"])
        taxonomy.check("roles", case["role"])


def test_every_act_has_exactly_one_labelled_category():
    taxonomy = load_taxonomy()
    mapping = taxonomy.act_category_map()
    assert set(mapping) == set(taxonomy.ids("acts"))
    assert set(mapping.values()) == set(taxonomy.ids("act_categories"))
    assert taxonomy.act_category("disappearance") == "liberty"
    assert taxonomy.act_categories_of(["killing", "torture", "smear"]) == (
        "intimidation", "violence")
    with pytest.raises(TaxonomyError, match="flying"):
        taxonomy.act_category("flying")
    # the grouping is data, not a vocabulary: every vocabulary maps ids to labels
    assert "act_category_acts" not in taxonomy.vocabularies
    assert all(isinstance(label, str) for terms in taxonomy.vocabularies.values()
               for label in terms.values())


def test_a_taxonomy_with_an_act_in_two_categories_is_refused():
    from haven.taxonomy import _check_act_groups

    vocabularies = {"acts": {"a": "A", "b": "B"}, "act_categories": {"x": "X", "y": "Y"}}
    _check_act_groups({"x": ("a",), "y": ("b",)}, vocabularies)
    with pytest.raises(TaxonomyError, match="exactly one category"):
        _check_act_groups({"x": ("a", "b"), "y": ("b",)}, vocabularies)
    with pytest.raises(TaxonomyError, match="same categories"):
        _check_act_groups({"x": ("a", "b")}, vocabularies)
