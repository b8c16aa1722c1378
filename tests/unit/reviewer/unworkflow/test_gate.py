"""Every transmission gate rule, with a passing and a refusing case."""

from __future__ import annotations

import dataclasses

import pytest

from reviewer.unworkflow.gate import (
    Signer,
    TransmissionFacts,
    consent_rule,
    own_consent_rule,
    recipient_rule,
    run_gate,
    scope_rule,
    summary_rule,
    two_people_rule,
    un_link_rule,
)

from .conftest import consent

DRAFTER = Signer("a" * 32, False)
APPROVER = Signer("b" * 32, True)
PASSING = TransmissionFacts(
    consent=consent("un_confidential", "un_report_anonymous"), use="confidential",
    un_link_stated=True, un_link_mechanisms=("hrc",), un_link_checked=True,
    drafter=DRAFTER, approver=APPROVER, summary="Travel ban after testimony at HRC61.",
    summary_lang="en", recipient_ok=True)


def with_(**change) -> TransmissionFacts:  # type: ignore[no-untyped-def]
    return dataclasses.replace(PASSING, **change)


def test_all_rules_pass_for_a_consented_checked_two_person_transmission():
    assert run_gate(PASSING) == []


@pytest.mark.parametrize(("rule", "refusing", "words"), [
    (consent_rule, with_(consent=consent("casebase_anonymized")), "no signed consent"),
    (consent_rule, with_(consent=consent(withdrawn=("un_confidential",))), "withdrawn"),
    (consent_rule, with_(consent=consent("un_confidential", report_withdrawn=True)),
     "withdrew the whole report"),
    (own_consent_rule, with_(consent=consent("un_confidential", given_by="family")),
     "given by family"),
    (scope_rule, with_(use="sg_report_named"), "un_report_named"),
    (scope_rule, with_(use="press"), "unknown use"),
    (un_link_rule, with_(un_link_stated=False), "no link"),
    (un_link_rule, with_(un_link_mechanisms=()), "no link"),
    (un_link_rule, with_(un_link_checked=False), "not been checked"),
    (two_people_rule, with_(approver=Signer(DRAFTER.key_id, True)), "own transmission"),
    (two_people_rule, with_(approver=Signer("c" * 32, False)), "must be a coordinator"),
    (two_people_rule, with_(approver=None), "drafter and an approver"),
    (summary_rule, with_(summary_lang="ar"), "English, French or Spanish"),
    (summary_rule, with_(summary="  "), "missing"),
    (summary_rule, with_(summary="x" * 4001), "longer than"),
    (recipient_rule, with_(recipient_ok=False), "recipient key"),
])
def test_each_rule_refuses_with_a_reason(rule, refusing, words):
    assert rule(PASSING) is None
    reason = rule(refusing)
    assert reason is not None
    assert words in reason
    assert reason in run_gate(refusing)


def test_guardian_consent_counts_and_named_use_needs_the_named_scope():
    guardian = with_(consent=consent("un_report_named", given_by="guardian"),
                     use="sg_report_named")
    assert run_gate(guardian) == []
    anonymous_by_named = with_(consent=consent("un_report_named"), use="sg_report_anonymous")
    assert scope_rule(anonymous_by_named) is None


def test_every_refusal_is_listed_not_only_the_first():
    facts = with_(consent=consent(given_by="family"), approver=None, summary="")
    reasons = run_gate(facts)
    assert len(reasons) >= 4  # noqa: PLR2004
