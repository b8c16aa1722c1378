"""Three fictional reports for a demo instance, so the inbox and the SG cycle board have work.

Each report goes the way a report from the intake's JS form goes: the form's answers are
turned into fields by the intake's own ``fields_from_form`` (so they pass its checks), sealed
on "the reporter's side" to the published bundle verified against the organisation's pinned
fingerprint, checked with the intake's keyless envelope checks, and stored with the keyed
lookup hash so its receipt opens the reporter inbox. The reporter then widens consent with a
signed ``consent_change`` event (the inbox's payload shape), and the sealed chain head is kept
as the intake keeps it, so the reporter can go on from the inbox.

The people, events and details are invented; they stand for no real person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from haven.config import HavenConfig

# What the reporter finally agrees to in the inbox (by the person targeted, risks explained).
INBOX_CONSENT_SCOPES = (
    "un_confidential", "un_report_anonymous", "casebase_anonymized", "aggregate_statistics",
)

# HTML form values as the intake's no-JS form posts them (name -> list of values).
DEMO_FORMS: tuple[Mapping[str, list[str]], ...] = (
    {  # a woman human rights defender threatened after speaking at the HRC
        "danger.danger_now": ["no"],
        "un_link.linked": ["yes"],
        "un_link.mechanisms": ["hrc"],
        "un_link.when": ["During the September session of the Human Rights Council"],
        "un_link.how": ["testimony"],
        "un_link.engagement": ["actual"],
        "un_link.reason": ["The calls began the day after her side-event statement in Geneva "
                           "and quote what she said there."],
        "person.reporter": ["self"],
        "person.kind": ["individual"],
        "person.gender": ["woman"],
        "person.age_band": ["30_49"],
        "person.roles": ["hrd"],
        "person.work": ["Documents the treatment of women detainees (fictional demo person)."],
        "person.country": ["BH"],
        "identity.real_name": ["Layla Demo-Example (fictional)"],
        "incidents.0.place": ["Manama"],
        "incidents.0.acts": ["threats", "gendered_threats", "surveillance_online"],
        "incidents.0.perpetrator_kind": ["state"],
        "incidents.0.perpetrators": ["security_services"],
        "situation.state_responsible": ["Bahrain"],
        "situation.ongoing": ["yes"],
        "situation.narrative": [
            "This is a fictional demo report. After I spoke at a side event of the Human "
            "Rights Council, an officer called me twice, repeated my words from Geneva and "
            "said my family would pay if I went back. My accounts were accessed the same week."
        ],
        "risk.further_reprisal": ["yes"],
        "consent.giver": ["victim"],
        "consent.risks_explained": ["yes"],
        "consent.risks_explained_how": ["Read the explanations on the form"],
        "consent.scopes": ["aggregate_statistics"],
    },
    {  # a journalist under a travel ban after a UPR submission
        "danger.danger_now": ["no"],
        "un_link.linked": ["yes"],
        "un_link.mechanisms": ["upr"],
        "un_link.how": ["submission"],
        "un_link.engagement": ["actual"],
        "un_link.reason": ["Border officers named the UPR stakeholder submission."],
        "person.reporter": ["self"],
        "person.kind": ["individual"],
        "person.gender": ["man"],
        "person.age_band": ["50_plus"],
        "person.roles": ["journalist"],
        "person.country": ["NI"],
        "identity.real_name": ["Tomas Example-Demo (fictional)"],
        "incidents.0.place": ["International airport"],
        "incidents.0.acts": ["travel_ban", "passport", "interrogation_un_contacts"],
        "incidents.0.perpetrator_kind": ["state"],
        "incidents.0.perpetrators": ["immigration"],
        "situation.state_responsible": ["Nicaragua"],
        "situation.travel_ban": ["yes"],
        "situation.ongoing": ["yes"],
        "situation.narrative": [
            "This is a fictional demo report. I co-wrote a stakeholder submission to the "
            "Universal Periodic Review. When I tried to travel to Geneva, officers took my "
            "passport, asked who I met at the UN and told me I may not leave the country."
        ],
        "risk.further_reprisal": ["dont_know"],
        "consent.giver": ["victim"],
        "consent.risks_explained": ["yes"],
        "consent.scopes": ["aggregate_statistics", "casebase_anonymized"],
    },
    {  # a detained lawyer; a colleague reports and asks for an urgent appeal
        "danger.danger_now": ["yes"],
        "un_link.linked": ["yes"],
        "un_link.mechanisms": ["special_procedures"],
        "un_link.how": ["communication"],
        "un_link.engagement": ["actual"],
        "person.reporter": ["someone_else"],
        "person.kind": ["individual"],
        "person.gender": ["woman"],
        "person.age_band": ["30_49"],
        "person.roles": ["lawyer"],
        "person.country": ["EG"],
        "identity.real_name": ["Nadia Sample-Person (fictional)"],
        "incidents.0.place": ["Cairo"],
        "incidents.0.acts": ["detention", "prosecution"],
        "incidents.0.perpetrator_kind": ["state"],
        "incidents.0.perpetrators": ["police", "judiciary"],
        "situation.state_responsible": ["Egypt"],
        "situation.detention_place": ["Pre-trial detention, location not disclosed"],
        "situation.charges": ["Spreading false news"],
        "situation.lawyer_access": ["no"],
        "situation.ongoing": ["yes"],
        "situation.narrative": [
            "This is a fictional demo report. My colleague sent information on her clients to "
            "a Special Rapporteur. She was arrested at her office, questioned about the "
            "communication, and has not seen a lawyer since."
        ],
        "risk.detained": ["yes"],
        "risk.further_reprisal": ["yes"],
        "risk.urgent_protection": ["on"],
        "risk.urgent_appeal": ["on"],
        "consent.giver": ["victim"],
        "consent.risks_explained": ["yes"],
        "consent.risks_explained_how": ["By phone before her arrest"],
        "consent.scopes": ["contact", "aggregate_statistics"],
    },
)


# How long before the seeding day each report's incident happened: recent, so the reports fall
# in the current SG reporting period of the demo's cycle board.
INCIDENT_DAYS_AGO = (40, 25, 14)


def demo_fields(today: dt.date) -> list[dict]:
    """The demo forms as the intake turns them into report fields (and checks them)."""
    from intake.form_values import fields_from_form

    return [
        fields_from_form({**values, "incidents.0.date": [
            (today - dt.timedelta(days=days_ago)).isoformat()]})
        for values, days_ago in zip(DEMO_FORMS, INCIDENT_DAYS_AGO, strict=True)
    ]


def inbox_consent_payload(day: str) -> dict:
    """A consent change as the reporter inbox sends it (intake/static/js/inbox.js)."""
    return {"scopes": dict.fromkeys(INBOX_CONSENT_SCOPES, "grant"), "given_by": "victim",
            "risks_explained": True, "day": day, "how": "inbox"}


def seed_demo_reports(config: HavenConfig) -> list[str]:
    """Seal and store the demo reports with one consent event each; return their receipts."""
    from intake.inbox import FROM_REPORTER
    from intake.reporter_inbox import sealed_head
    from intake.services import PEPPER_FILE, load_bundle, load_pepper
    from intake.submissions import EVENT_TYPE, REPORT_TYPE, checked_envelope
    from vault import store
    from vault.canonical import utc_day
    from vault.db import make_engine, session_factory, transaction
    from vault.events import ZERO_HASH
    from vault.receipts import derive_receipt_keys, lookup_hash, new_receipt
    from vault.reply_store import set_reporter_head
    from vault.seal import seal_report, seal_reporter_event

    published = load_bundle(config)  # verified against the pinned fingerprint, today
    bundle = published.parsed
    pepper = load_pepper(config.keys_dir / PEPPER_FILE)
    day = utc_day()
    receipts = []
    sessions = session_factory(make_engine(config.database_url))
    for fields in demo_fields(dt.date.fromisoformat(day)):
        receipt = new_receipt()
        keys = derive_receipt_keys(receipt, config.instance_id)
        sealed = seal_report(fields, [], bundle, keys, day=day, server_sealed=False)
        parsed = checked_envelope(sealed.envelope, published, expected_type=REPORT_TYPE,
                                  server_sealed=False)
        event = seal_reporter_event(sealed.report_id, 1, ZERO_HASH, "consent_change",
                                    inbox_consent_payload(day), bundle=bundle,
                                    receipt_keys=keys, day=day)
        checked_envelope(event.envelope, published, expected_type=EVENT_TYPE,
                         server_sealed=False)
        lookup = lookup_hash(pepper, keys.lookup_id)
        with transaction(sessions) as session:
            store.add_report(
                session, report_id=parsed.report_id, day=day, envelope=sealed.envelope,
                bundle_serial=published.serial, server_sealed=False, lookup_hash=lookup,
                stanzas={s.key_id.hex(): s.sealed_key for s in parsed.stanzas},
            )
            store.add_event(session, sealed.report_id, FROM_REPORTER, 1, event.envelope, day)
            set_reporter_head(session, sealed.report_id, sealed_head(keys, 1, event.event_hash),
                              day)
        receipts.append(receipt)
    return receipts
