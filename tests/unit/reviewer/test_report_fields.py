from reviewer.report_fields import (
    known_identifiers,
    narrative,
    risk_flags,
    triage_defaults,
)

FIELDS = {
    "form_version": 1,
    "danger": {"danger_now": "yes"},
    "person": {"country": "BH", "city": "Manama", "name_to_publish": "A. H."},
    "identity": {"real_name": "Amira Haddad"},
    "incidents": [{"acts": ["travel_ban", "not-an-act", 5], "place": "Airport"},
                  {"acts": ["threats", "travel_ban"]}, "junk"],
    "situation": {"narrative": " They took my passport. ", "detention_place": "Jau"},
    "risk": {"urgent_appeal": True, "detained": "no", "urgent_protection": "yes"},
}


def test_intake_form_shape_is_read():
    assert narrative(FIELDS) == "They took my passport."
    assert [f.code for f in risk_flags(FIELDS)] == ["danger_now", "urgent_appeal_wanted"]
    assert triage_defaults(FIELDS) == {"country": "BH", "acts": ["travel_ban", "threats"],
                                       "urgent": True}
    assert known_identifiers(FIELDS) == {"persons": ["Amira Haddad", "A. H."],
                                         "places": ["Manama", "Jau", "Airport"]}


def test_unexpected_shapes_are_ignored():
    hostile = {"situation": ["x"], "risk": "yes", "incidents": {"acts": 1},
               "person": {"country": "Bahrain"}, "narrative": 7}
    assert narrative(hostile) == ""
    assert risk_flags(hostile) == []
    assert triage_defaults(hostile) == {"country": "", "acts": [], "urgent": False}
