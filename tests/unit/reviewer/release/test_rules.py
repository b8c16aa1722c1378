"""Each rule of the gate holds on good facts and refuses, in words, on bad ones."""

from __future__ import annotations

import dataclasses

import pytest

from reviewer.release.anonymity import Assessment
from reviewer.release.facts import AttachmentChoice, Person
from reviewer.release.gate import run_gate
from reviewer.release.rules import (
    RULES,
    anonymity_rule,
    attachments_rule,
    consent_rule,
    delay_rule,
    redaction_rule,
    risk_rule,
    two_person_rule,
    verification_rule,
)
from vault.events import ConsentState

from .conftest import RECORD, days_ago, passing_facts


def test_good_facts_pass_every_rule(settings):
    result = run_gate(passing_facts(), settings)
    assert result.passed
    assert result.checked == ("consent", "verification", "risk", "redaction", "anonymity",
                              "two_person", "delay", "attachments")
    assert len(RULES) == 8  # noqa: PLR2004


@pytest.mark.parametrize(("consent", "code"), [
    (ConsentState(), "consent_missing"),
    (ConsentState(granted=frozenset({"casebase_named"}), given_by="victim",
                  last_day={"casebase_named": days_ago(1)}), "consent_missing"),
    (ConsentState(withdrawn=frozenset({"casebase_anonymized"}), given_by="victim",
                  last_day={"casebase_anonymized": days_ago(1)}), "consent_withdrawn"),
    (ConsentState(granted=frozenset({"casebase_anonymized"}), given_by="victim",
                  last_day={"casebase_anonymized": days_ago(1)}, report_withdrawn=True),
     "consent_withdrawn"),
    (ConsentState(granted=frozenset({"casebase_anonymized"}), given_by="not_asked",
                  last_day={"casebase_anonymized": days_ago(1)}), "consent_giver"),
    (ConsentState(granted=frozenset({"casebase_anonymized"}), given_by="victim",
                  last_day={"casebase_anonymized": days_ago(400)}), "consent_stale"),
])
def test_consent_refuses(settings, consent, code):
    reason = consent_rule(passing_facts(consent=consent), settings)
    assert reason is not None
    assert reason.code == code
    assert reason.message


def test_consent_holds_for_the_tier_scope(settings):
    assert consent_rule(passing_facts(), settings) is None


def test_a_named_record_needs_the_named_scope(settings):
    named = {**RECORD, "named": True, "name": "Zahra Haddad"}
    reason = consent_rule(passing_facts(record=named), settings)
    assert reason is not None
    assert "casebase_named" in reason.message
    consent = ConsentState(granted=frozenset({"casebase_named"}), given_by="victim",
                           last_day={"casebase_named": days_ago(3)})
    assert consent_rule(passing_facts(record=named, consent=consent), settings) is None


@pytest.mark.parametrize("level", ["possible", "unlikely", "unknown", None])
def test_verification_refuses_below_likely(settings, level):
    reason = verification_rule(passing_facts(verification=level), settings)
    assert reason is not None
    assert reason.code == "not_verified"


@pytest.mark.parametrize("level", ["confirmed", "likely"])
def test_verification_holds(settings, level):
    assert verification_rule(passing_facts(verification=level), settings) is None


def test_risk_flag_refuses_until_two_coordinators_give_a_reason(settings):
    flagged = passing_facts(risk_flags=("detained",))
    assert risk_rule(flagged, settings).code == "risk_flag_open"
    one = dataclasses.replace(flagged, risk_override_by=frozenset({"c1"}),
                              risk_override_reason="family asked for publicity")
    assert "1 so far" in risk_rule(one, settings).message
    no_reason = dataclasses.replace(flagged, risk_override_by=frozenset({"c1", "c2"}))
    assert risk_rule(no_reason, settings) is not None
    two = dataclasses.replace(one, risk_override_by=frozenset({"c1", "c2"}))
    assert risk_rule(two, settings) is None
    assert risk_rule(passing_facts(), settings) is None


@pytest.mark.parametrize("narrative", [
    "Zahra Haddad was stopped at the airport.",
    "Ms Haddad was stopped at the airport.",
    "She lives in Muharraq and was stopped.",
    "Call her on +973 3612 3456 for details.",
    "Write to zahra.h@example.org for details.",
    "She was arrested on 14 March 2023 at dawn.",
])
def test_redaction_refuses_direct_identifiers(settings, narrative):
    record = {**RECORD, "narrative": narrative}
    reason = redaction_rule(passing_facts(record=record), settings)
    assert reason is not None
    assert reason.code == "identifier_left"
    assert "in narrative" in reason.message


def test_redaction_checks_title_and_follow_up_notes_too(settings):
    record = {**RECORD, "title": "The case of Zahra Haddad",
              "follow_up": [{"date": "2024", "event": "other", "note": "Haddad released"}]}
    message = redaction_rule(passing_facts(record=record), settings).message
    assert "in title" in message
    assert "follow_up[0].note" in message


def test_redaction_holds_on_clean_text(settings):
    assert redaction_rule(passing_facts(), settings) is None


def test_a_redacted_original_is_not_a_release_narrative(settings):
    masked = {**RECORD, "narrative": "[PERSON-1] was stopped in 2023 at [LOCATION-1]."}
    reason = redaction_rule(passing_facts(record=masked), settings)
    assert reason is not None
    assert "placeholders in narrative" in reason.message
    original = ("On the way to Geneva she was stopped by officers at the airport and her "
                "passport was taken without any reason given")
    copied = {**RECORD, "narrative": "The defender says she was stopped by officers at the "
                                     "airport and her passport was taken."}
    facts = passing_facts(record=copied, original_texts=(original,))
    assert "copies the reporter's words" in redaction_rule(facts, settings).message
    own = passing_facts(original_texts=(original,))
    assert redaction_rule(own, settings) is None


def test_a_named_record_may_say_the_consented_name_and_nothing_else(settings):
    named = {**RECORD, "named": True, "name": "Zahra Haddad",
             "narrative": "Zahra Haddad was stopped; Ms Haddad lost her passport."}
    assert redaction_rule(passing_facts(record=named), settings) is None
    with_city = {**named, "narrative": "Zahra Haddad of Muharraq was stopped."}
    reason = redaction_rule(passing_facts(record=with_city), settings)
    assert reason is not None
    assert "Muharraq" in reason.message
    assert "Zahra" not in reason.message


def test_redaction_refuses_a_name_in_an_anonymous_record(settings):
    record = {**RECORD, "name": "Someone"}
    assert "a name in an anonymous record" in redaction_rule(
        passing_facts(record=record), settings).message


def test_anonymity_refuses_small_classes_unknown_counts_and_small_suspect_sets(settings):
    small = Assessment(False, None, RECORD, {}, "too few released records")
    assert "too few" in anonymity_rule(passing_facts(anonymity=small), settings).message
    down = passing_facts(anonymity=None, anonymity_error="the case base is unreachable")
    assert "could not be asked" in anonymity_rule(down, settings).message
    assert "no estimate" in anonymity_rule(passing_facts(suspect_set_estimate=None),
                                           settings).message
    tiny = anonymity_rule(passing_facts(suspect_set_estimate=4), settings)
    assert tiny.code == "re_identifiable"
    assert "estimated at 4" in tiny.message
    assert anonymity_rule(passing_facts(), settings) is None


def test_a_named_record_needs_no_suspect_set(settings):
    named = {**RECORD, "named": True, "name": "Zahra Haddad"}
    assert anonymity_rule(passing_facts(record=named, suspect_set_estimate=None),
                          settings) is None


def test_anonymity_refuses_more_detail_than_an_earlier_release(settings):
    earlier = {**RECORD, "year": 2022, "year_to": 2023, "gender": None}
    reason = anonymity_rule(passing_facts(previous_release=earlier), settings)
    assert reason is not None
    assert "more detail than before" in reason.message
    assert "gender" in reason.message
    assert "year" in reason.message
    same = passing_facts(previous_release=dict(RECORD))
    assert anonymity_rule(same, settings) is None


def test_two_person_rule(settings):
    assert two_person_rule(passing_facts(), settings) is None
    same = passing_facts(approver=Person("a" * 32, True))
    assert two_person_rule(same, settings).code == "same_person"
    verifier = passing_facts(approver=Person("c" * 32, False))
    assert two_person_rule(verifier, settings).code == "approver_not_coordinator"
    assert two_person_rule(passing_facts(approver=None), settings).code == "no_approver"
    assert two_person_rule(passing_facts(drafter=None), settings).code == "no_drafter"


def test_delay_after_the_incident(settings):
    assert delay_rule(passing_facts(latest_incident_day=days_ago(90)), settings) is None
    soon = delay_rule(passing_facts(latest_incident_day=days_ago(30)), settings)
    assert soon.code == "too_soon"
    assert "release from" in soon.message
    unknown = delay_rule(passing_facts(latest_incident_day=None), settings)
    assert unknown.code == "incident_date_unknown"


def test_attachments_only_scrubbed_clean_and_approved_one_by_one(settings):
    blob = "f" * 64
    cleared = AttachmentChoice(blob, scrubbed=True, metadata_free=True, approved_by="c1")
    assert attachments_rule(passing_facts(attachments=(cleared,)), settings) is None
    raw = AttachmentChoice(blob, scrubbed=False, metadata_free=False, approved_by=None)
    message = attachments_rule(passing_facts(attachments=(raw,)), settings).message
    assert "originals are never released" in message
    assert "not approved" in message
    dirty = dataclasses.replace(cleared, metadata_free=False)
    assert "metadata" in attachments_rule(passing_facts(attachments=(dirty,)),
                                          settings).message
    assert attachments_rule(passing_facts(), settings) is None


def test_the_gate_shows_every_failing_reason(settings):
    bad = passing_facts(consent=ConsentState(), verification="possible",
                        risk_flags=("danger_now",), latest_incident_day=days_ago(2),
                        approver=None, suspect_set_estimate=2,
                        record={**RECORD, "narrative": "Zahra Haddad was stopped."})
    result = run_gate(bad, settings)
    assert not result.passed
    assert {r.rule for r in result.reasons} == {
        "consent", "verification", "risk", "redaction", "anonymity", "two_person", "delay"}
    assert result.failing("attachments") is None
