"""The eight rules of the do-no-harm release gate (DESIGN.md §5, S18).

Each rule is a plain function ``(facts, settings) -> Reason | None``: ``None`` when it
holds, otherwise a ``Reason`` the reviewer can read. ``RULES`` lists them in order; the gate
(reviewer/release/gate.py) runs every one and shows every failing reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from reviewer.redact import residual_identifiers
from reviewer.redact.engine import PLACEHOLDER
from reviewer.release.facts import ReleaseFacts
from reviewer.release.generalise import more_detailed_fields
from reviewer.release.settings import ReleaseSettings

ACCEPTED_VERIFICATION = ("confirmed", "likely")
GRANTING_GIVERS = ("victim", "family", "guardian")
OVERRIDE_COORDINATORS = 2
COPIED_WORDS = 8  # this many words in a row from the report = a redacted original


@dataclass(frozen=True)
class Reason:
    rule: str
    code: str
    message: str


def consent_rule(facts: ReleaseFacts, settings: ReleaseSettings) -> Reason | None:
    """1. The tier's scope is granted in signed consent events, not withdrawn, and recent."""
    scope, consent = facts.required_scope, facts.consent

    def refuse(code: str, message: str) -> Reason:
        return Reason("consent", code, message)

    if consent.report_withdrawn:
        return refuse("consent_withdrawn", "The reporter withdrew the whole report.")
    if scope in consent.withdrawn:
        return refuse("consent_withdrawn", f"The reporter withdrew consent for '{scope}'.")
    if scope not in consent.granted:
        return refuse("consent_missing", f"No signed consent event grants '{scope}' (only "
                      "consent signed with the reporter's key counts).")
    if consent.given_by not in GRANTING_GIVERS:
        return refuse("consent_giver", "Consent was not given by the person targeted, their "
                      "family or a guardian.")
    day = consent.last_day.get(scope)
    age = _days_between(day, facts.today) if day else None
    if age is None or age > settings.consent_max_age_days:
        when = day or "an unknown day"
        return refuse("consent_stale", f"Consent for '{scope}' dates from {when}, more than "
                      f"{settings.consent_max_age_days} days ago: ask the reporter to "
                      "re-confirm it.")
    return None


def verification_rule(facts: ReleaseFacts, settings: ReleaseSettings) -> Reason | None:
    """2. Verification is Confirmed or Likely."""
    if facts.verification in ACCEPTED_VERIFICATION:
        return None
    return Reason("verification", "not_verified", f"Verification is "
                  f"'{facts.verification or 'not recorded'}'; a release needs Confirmed or "
                  "Likely.")


def risk_rule(facts: ReleaseFacts, settings: ReleaseSettings) -> Reason | None:
    """3. No open risk flag, unless two coordinators overrode it with a written reason."""
    if not facts.risk_flags:
        return None
    if len(facts.risk_override_by) >= OVERRIDE_COORDINATORS and \
            facts.risk_override_reason.strip():
        return None
    return Reason("risk", "risk_flag_open", f"Open risk flags: {', '.join(facts.risk_flags)}. "
                  f"An override needs {OVERRIDE_COORDINATORS} coordinators and a written "
                  f"reason ({len(facts.risk_override_by)} so far).")


def redaction_rule(facts: ReleaseFacts, settings: ReleaseSettings) -> Reason | None:
    """4. The redaction assistant, re-run on every final text, finds no direct identifier;
    and the texts are the reviewer's own words, not a redacted original (S18)."""
    found = _copied(facts)
    country = facts.record.get("country")
    published = _words(str(facts.record.get("name") or "")) if facts.record.get("named") \
        else set()
    for where, text in facts.texts().items():
        spans = residual_identifiers(text, facts.known, facts.language, country=country,
                                     allow_exact_dates=facts.exact_dates_consented)
        found += [f"{span.type} “{text[span.start:span.end]}” in {where}" for span in spans
                  if not (published and _words(text[span.start:span.end]) <= published)]
    if facts.record.get("name") and not facts.record.get("named"):
        found.append("a name in an anonymous record")
    if not found:
        return None
    return Reason("redaction", "identifier_left", "Direct identifiers left: "
                  + "; ".join(found[:20]) + (" …" if len(found) > 20 else ""))  # noqa: PLR2004


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _copied(facts: ReleaseFacts) -> list[str]:
    """Signs that a released text is the reporter's text with names masked: placeholders
    left in it, or a run of ``COPIED_WORDS`` words taken verbatim from the report."""
    problems = []
    for where, text in facts.texts().items():
        if PLACEHOLDER.search(text):
            problems.append(f"redaction placeholders in {where} (write it in your own words)")
        elif _shared_run(text, facts.original_texts):
            problems.append(f"{where} copies the reporter's words (write it in your own words)")
    return problems


def _shared_run(text: str, originals: tuple[str, ...]) -> bool:
    words = re.findall(r"\w+", text.casefold())
    runs = {tuple(words[i:i + COPIED_WORDS]) for i in range(len(words) - COPIED_WORDS + 1)}
    for original in originals:
        theirs = re.findall(r"\w+", original.casefold())
        if any(tuple(theirs[i:i + COPIED_WORDS]) in runs
               for i in range(len(theirs) - COPIED_WORDS + 1)):
            return True
    return False


def anonymity_rule(facts: ReleaseFacts, settings: ReleaseSettings) -> Reason | None:
    """5. k-anonymity with a margin and l-diversity over the merged case base; the suspect
    set estimate is not too small; never more detail than an earlier release (S18)."""
    problems = []
    if facts.anonymity_error:
        problems.append(f"the case base could not be asked ({facts.anonymity_error})")
    elif facts.anonymity is not None and not facts.anonymity.ok:
        problems.append(facts.anonymity.message)
    elif facts.anonymity is None:
        problems.append("k-anonymity was not computed")
    estimate = facts.suspect_set_estimate
    if facts.record.get("named"):
        pass  # named with the person's own consent: suspect sets and k do not apply
    elif estimate is None:
        problems.append("no estimate of how many people the State could suspect was recorded")
    elif estimate < settings.min_suspect_set:
        problems.append(f"the State's suspect set is estimated at {estimate}, below "
                        f"{settings.min_suspect_set} (country + mechanism + year too small)")
    if facts.previous_release is not None and facts.anonymity is not None and \
            facts.anonymity.ok:
        more = more_detailed_fields(facts.anonymity.record, facts.previous_release)
        if more:
            problems.append("this would republish the record in more detail than before "
                            f"({', '.join(more)})")
    if not problems:
        return None
    return Reason("anonymity", "re_identifiable", "Re-identification risk: "
                  + "; ".join(problems) + ".")


def two_person_rule(facts: ReleaseFacts, settings: ReleaseSettings) -> Reason | None:
    """6. Drafter and approver are different people; the approver is a coordinator."""
    if facts.drafter is None:
        return Reason("two_person", "no_drafter", "The release has no drafter.")
    if facts.approver is None:
        return Reason("two_person", "no_approver", "Choose the coordinator who will approve.")
    if facts.approver.key_id == facts.drafter.key_id:
        return Reason("two_person", "same_person", "The drafter cannot approve their own "
                      "release.")
    if not facts.approver.is_coordinator:
        return Reason("two_person", "approver_not_coordinator", "The approver must be a "
                      "coordinator.")
    return None


def delay_rule(facts: ReleaseFacts, settings: ReleaseSettings) -> Reason | None:
    """7. The configured delay after the (latest) incident has passed."""
    if facts.latest_incident_day is None:
        return Reason("delay", "incident_date_unknown", "No incident date or year is known, "
                      "so the release delay cannot be checked.")
    waited = _days_between(facts.latest_incident_day, facts.today)
    if waited is None or waited < settings.delay_days:
        due = dt.date.fromisoformat(facts.latest_incident_day) + dt.timedelta(
            days=settings.delay_days)
        return Reason("delay", "too_soon", f"The latest incident ({facts.latest_incident_day})"
                      f" is less than {settings.delay_days} days ago: release from "
                      f"{due.isoformat()}.")
    return None


def attachments_rule(facts: ReleaseFacts, settings: ReleaseSettings) -> Reason | None:
    """8. Attachments are never released raw: each scrubbed, checked and approved alone."""
    problems = []
    for choice in facts.attachments:
        name = choice.blob_id[:12]
        if not choice.scrubbed:
            problems.append(f"{name} has no scrubbed copy (originals are never released)")
        elif not choice.metadata_free:
            problems.append(f"{name}: the scrubbed copy still carries metadata")
        if not choice.approved_by:
            problems.append(f"{name} was not approved on its own")
    if not problems:
        return None
    return Reason("attachments", "attachment_not_cleared", "Attachments: "
                  + "; ".join(problems) + ".")


RULES: tuple[Callable[[ReleaseFacts, ReleaseSettings], Reason | None], ...] = (
    consent_rule, verification_rule, risk_rule, redaction_rule, anonymity_rule,
    two_person_rule, delay_rule, attachments_rule,
)


def _days_between(first: str, second: str) -> int | None:
    try:
        return (dt.date.fromisoformat(second) - dt.date.fromisoformat(first)).days
    except (TypeError, ValueError):
        return None
