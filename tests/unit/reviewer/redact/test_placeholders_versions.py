"""Placeholders are typed, numbered per record and stable; versions never overwrite."""

from __future__ import annotations

import pytest

from reviewer.redact import (
    InvalidPlaceholderMap,
    InvalidSpan,
    InvalidVersion,
    KnownIdentifiers,
    KnownPerson,
    RedactionVersion,
    Span,
    apply_redaction,
    extend_known,
    new_version,
    pending_suggestions,
    suggest_spans,
)

KNOWN = KnownIdentifiers(persons=(KnownPerson(name="Maria Ivanova"),), phones=("+79161234567",))


def test_same_entity_same_placeholder_and_types_numbered_apart() -> None:
    text = "Maria Ivanova called +7 916 123-45-67. Mr. John Carter met Ivanova. Maria's phone."
    result = apply_redaction(text, suggest_spans(text, lang="en", known=KNOWN, country="RU"))
    assert result.redacted == (
        "[PERSON-1] called [PHONE-1]. Mr. [PERSON-2] met [PERSON-1]. [PERSON-1]'s phone."
    )
    assert text == "Maria Ivanova called +7 916 123-45-67. Mr. John Carter met Ivanova. " \
        "Maria's phone."
    assert sorted(set(result.placeholder_map.values())) == ["[PERSON-1]", "[PERSON-2]",
                                                             "[PHONE-1]"]


def test_numbering_carries_across_the_fields_of_one_record() -> None:
    narrative = "Maria Ivanova was threatened by Judge Oleg Petrov."
    incidents = "Petrov signed the order; her number 89161234567 was tapped; Mr. Ali Khan too."
    first_spans = suggest_spans(narrative, lang="en", known=KNOWN)
    first = apply_redaction(narrative, first_spans)
    # Names confirmed in one field are looked for in the record's other fields.
    known = extend_known(KNOWN, narrative, first_spans)
    second = apply_redaction(
        incidents,
        suggest_spans(incidents, lang="en", known=known, country="RU"),
        existing_placeholders=first.placeholder_map,
    )
    assert first.redacted == "[PERSON-1] was threatened by Judge [PERSON-2]."
    assert second.redacted.startswith("[PERSON-2] signed the order; her number [PHONE-1]")
    assert second.redacted.endswith("Mr. [PERSON-3] too.")


def test_reviewer_spans_without_keys_group_by_surface() -> None:
    text = "The village of Khor and later Khor again."
    spans = [Span(15, 19, "LOCATION"), Span(30, 34, "LOCATION")]
    assert apply_redaction(text, spans).redacted == (
        "The village of [LOCATION-1] and later [LOCATION-1] again."
    )


def test_overlapping_reviewer_spans_are_merged_not_duplicated() -> None:
    text = "Call 555 0100 now"
    result = apply_redaction(text, [Span(5, 11, "PHONE"), Span(9, 13, "PHONE")])
    assert result.redacted == "Call [PHONE-1] now"


def test_bad_spans_and_maps_are_refused() -> None:
    with pytest.raises(InvalidSpan, match="outside the text"):
        apply_redaction("short", [Span(0, 10, "PERSON")])
    with pytest.raises(InvalidSpan, match="unknown span type"):
        Span(0, 1, "NICKNAME")
    with pytest.raises(InvalidSpan, match="empty"):
        Span(3, 3, "PERSON")
    with pytest.raises(InvalidPlaceholderMap, match="not a placeholder"):
        apply_redaction("x", [], existing_placeholders={"PERSON:x": "<b>"})


def test_versions_confirm_reject_add_without_losing_anything() -> None:
    suggested = [Span(0, 5, "PERSON", "known"), Span(10, 14, "DATE", "dateparser")]
    first = new_version(None, confirmed=suggested[:1], rejected=suggested[1:], added=[],
                        author="reviewer-7", day="2026-11-23")
    assert (first.number, first.parent, first.author) == (1, None, "reviewer-7")
    assert first.spans == (suggested[0],)
    assert first.rejected == (suggested[1],)
    second = new_version(first, confirmed=[], rejected=[],
                         added=[Span(20, 24, "LOCATION", "heuristic")], author="coord-2")
    assert (second.number, second.parent) == (2, 1)
    assert [s.source for s in second.spans] == ["known", "reviewer"]
    assert second.rejected == first.rejected
    third = new_version(second, confirmed=[suggested[1]], rejected=[suggested[0]], added=[],
                        author="reviewer-7")
    assert [(s.start, s.end) for s in third.spans] == [(10, 14), (20, 24)]
    assert third.rejected == (suggested[0],)
    assert first.spans == (suggested[0],)  # earlier versions are untouched
    again = [*suggested, Span(30, 34, "PHONE", "presidio")]
    assert pending_suggestions(again, None) == again
    assert pending_suggestions(again, first) == [again[2]]
    assert pending_suggestions(again, third) == [again[2]]


def test_version_rules() -> None:
    span = Span(0, 5, "PERSON")
    with pytest.raises(InvalidVersion, match="author"):
        new_version(None, [span], [], [], author=" ")
    with pytest.raises(InvalidVersion, match="both kept and rejected"):
        new_version(None, [span], [span], [], author="r1")
    with pytest.raises(InvalidVersion, match="expected a Span"):
        new_version(None, [(0, 5)], [], [], author="r1")  # type: ignore[list-item]


def test_versions_round_trip_through_json_and_refuse_tampering() -> None:
    version = new_version(None, [Span(0, 5, "PERSON", "known", 0.9, "PERSON:x")], [], [],
                          author="r1", field="incident_1")
    assert RedactionVersion.from_dict(version.to_dict()) == version
    broken = version.to_dict() | {"number": 2}
    with pytest.raises(InvalidVersion, match="must follow"):
        RedactionVersion.from_dict(broken)
    with pytest.raises(InvalidVersion, match="malformed span"):
        RedactionVersion.from_dict(version.to_dict() | {"spans": [{"start": 0}]})
    with pytest.raises(InvalidVersion, match="malformed"):
        RedactionVersion.from_dict({"number": 1})
