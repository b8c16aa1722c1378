"""Query parsing of the list and the API (shareable URLs)."""

import pytest
from werkzeug.datastructures import MultiDict

from casebase.errors import BadQuery
from casebase.search import months_before, parse_query


def test_parse_round_trips_through_url_parameters():
    args = MultiDict([("q", "travel ban"), ("country", "ni"), ("country", "DJ"),
                      ("act", "passport"), ("year", "2019"), ("stale", "12"),
                      ("sort", "activity"), ("page", "2")])
    query = parse_query(args)
    assert query.filters["country"] == ("NI", "DJ")
    assert query.words() == ["travel", "ban"]
    again = parse_query(MultiDict([(k, v) for k, vs in query.to_params().items()
                                   for v in (vs if isinstance(vs, list) else [vs])]))
    assert again == query


def test_search_words_are_plain_words_only():
    query = parse_query(MultiDict({"q": 'passport" OR 1=1 -- NEAR(x*'}))
    assert query.words() == ["passport", "or", "1", "1", "near", "x"]


def test_default_sort_is_relevance_with_text_and_newest_without():
    assert parse_query(MultiDict({"q": "x"})).sort == "relevance"
    assert parse_query(MultiDict()).sort == "newest"


@pytest.mark.parametrize("args", [{"org": "Bad Org"}, {"q": "x" * 201}, {"gender": "robot"}])
def test_bad_values_are_named(args):
    with pytest.raises(BadQuery):
        parse_query(MultiDict(args))


@pytest.mark.parametrize(("today", "months", "expected"),
                         [("2026-11-23", 12, "2025-11"), ("2026-01-05", 1, "2025-12"),
                          ("2026-03-01", 26, "2024-01")])
def test_months_before(today, months, expected):
    assert months_before(today, months) == expected
