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
