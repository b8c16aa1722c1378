"""The transmission gate: its own rules, not the case base's (OHCHR receives the identity
in confidence, so k-anonymity and redaction do not apply; consent and two people do).

Each rule is a plain function of ``TransmissionFacts`` returning ``None`` (passes) or the
reason a coordinator reads. ``run_gate`` runs them all, so every refusal is listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reviewer.unworkflow.package import SUMMARY_LANGUAGES, UN_SCOPES, USES
from vault.events import ConsentState

OWN_CONSENT_GIVERS = frozenset({"victim", "guardian"})  # the person, or a minor's guardian
MAX_SUMMARY = 4000


@dataclass(frozen=True)
class Signer:
    key_id: str
    is_coordinator: bool


@dataclass(frozen=True)
class TransmissionFacts:
    consent: ConsentState
    use: str
    un_link_stated: bool  # the reporter says the acts are linked to UN cooperation
    un_link_mechanisms: tuple[str, ...]
    un_link_checked: bool  # a reviewer ticked the "UN link" verification check
    drafter: Signer | None
    approver: Signer | None
    summary: str
    summary_lang: str
    recipient_ok: bool


def consent_rule(facts: TransmissionFacts) -> str | None:
    if facts.consent.report_withdrawn:
        return "the reporter withdrew the whole report"
    if not facts.consent.granted & UN_SCOPES:
        withdrawn = sorted(facts.consent.withdrawn & UN_SCOPES)
        if withdrawn:
            return f"consent for UN use was withdrawn ({', '.join(withdrawn)})"
        return ("no signed consent for un_confidential, un_report_named or "
                "un_report_anonymous")
    return None


def own_consent_rule(facts: TransmissionFacts) -> str | None:
    if facts.consent.given_by not in OWN_CONSENT_GIVERS:
        return (f"consent was given by {facts.consent.given_by or 'nobody'}: the victim's "
                "own consent (or a guardian's) is needed before anything goes to the UN")
    return None


def scope_rule(facts: TransmissionFacts) -> str | None:
    needed = USES.get(facts.use)
    if needed is None:
        return f"unknown use {facts.use!r}"
    if not needed & facts.consent.granted:
        return (f"the use {facts.use!r} needs consent for {' or '.join(sorted(needed))}, "
                "which is not granted")
    return None


def un_link_rule(facts: TransmissionFacts) -> str | None:
    if not facts.un_link_stated or not facts.un_link_mechanisms:
        return "the report gives no link to cooperation with a UN body or mechanism"
    if not facts.un_link_checked:
        return "the UN link has not been checked by a reviewer (verification checklist)"
    return None


def two_people_rule(facts: TransmissionFacts) -> str | None:
    if facts.drafter is None or facts.approver is None:
        return "a transmission needs a drafter and an approver"
    if facts.drafter.key_id == facts.approver.key_id:
        return "the drafter cannot approve their own transmission"
    if not facts.approver.is_coordinator:
        return "the approver must be a coordinator"
    return None


def summary_rule(facts: TransmissionFacts) -> str | None:
    if facts.summary_lang not in SUMMARY_LANGUAGES:
        return "the summary must be written in English, French or Spanish"
    if not facts.summary.strip():
        return "the coordinator's summary is missing"
    if len(facts.summary) > MAX_SUMMARY:
        return f"the summary is longer than {MAX_SUMMARY} characters"
    return None


def recipient_rule(facts: TransmissionFacts) -> str | None:
    if not facts.recipient_ok:
        return "the destination has no valid recipient key configured"
    return None


RULES: tuple[Callable[[TransmissionFacts], str | None], ...] = (
    consent_rule, own_consent_rule, scope_rule, un_link_rule, two_people_rule, summary_rule,
    recipient_rule)


def run_gate(facts: TransmissionFacts) -> list[str]:
    """Every reason to refuse; an empty list means the transmission may go."""
    return [reason for rule in RULES if (reason := rule(facts)) is not None]
