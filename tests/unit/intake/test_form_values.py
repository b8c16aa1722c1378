"""The no-JS form → fields object, and the rules both paths share."""

from __future__ import annotations

import pytest

from intake.errors import FormError
from intake.form_values import blocked_scopes, consent_record, fields_from_form

BASE = {"un_link.linked": ["yes"], "situation.narrative": ["x"], "consent.giver": ["victim"]}


def test_empty_answers_are_left_out_and_lists_are_sorted():
    fields = fields_from_form({**BASE, "person.city": ["  "],
                               "incidents.2.acts": ["torture", "threats", "threats"]})
    assert "person" not in fields
    assert fields["incidents"] == [{"acts": ["threats", "torture"]}]


def test_consent_takes_the_spec_shape():
    record = consent_record({"giver": "family", "scopes": ["contact"], "risks_explained": "yes",
                             "risks_explained_how": "by phone"}, "2026-11-23")
    assert record == {"scopes": {"contact": "grant"}, "given_by": "family",
                      "risks_explained": True, "day": "2026-11-23", "how": "by phone"}


def test_victim_only_scopes_are_blocked_until_the_victim_consents():
    assert blocked_scopes("not_asked", ["contact", "public_advocacy", "un_confidential"]) == [
        "public_advocacy", "un_confidential"]
    assert blocked_scopes("victim", ["public_advocacy"]) == []
    with pytest.raises(FormError) as caught:
        fields_from_form({**BASE, "consent.giver": ["not_asked"],
                          "consent.scopes": ["casebase_named"]})
    assert caught.value.field == "consent.scopes"


def test_too_long_answers_are_refused_with_their_field():
    with pytest.raises(FormError) as caught:
        fields_from_form({**BASE, "person.city": ["x" * 101]})
    assert caught.value.field == "person.city"
