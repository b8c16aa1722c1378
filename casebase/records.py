"""From a verified release body to stored rows, and from rows to what readers see."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from casebase.attachments import VerifiedAttachment
from casebase.countries import COUNTRY_REGION, country_name
from casebase.db import index_record, unindex_record
from casebase.models import FollowUp, Record, RecordAttachment, RecordDocument, RecordTerm
from haven.taxonomy import load_taxonomy

MULTI_VALUED = ("acts", "perpetrators", "mechanisms")
# A record whose acts the release gate generalised carries their categories instead
# (``acts: []``); they are indexed as terms of this vocabulary.
CATEGORY_TERMS = "act_categories"
SURVEILLANCE_ACTS = frozenset({"surveillance_online", "surveillance_physical", "hacking"})


def month_of(date: str) -> str:
    """``YYYY`` or ``YYYY-MM`` as a month; a bare year counts from its January (so a case
    is flagged for follow-up early rather than late)."""
    return date if len(date) == 7 else f"{date[:4]}-01"  # noqa: PLR2004


def store_release(
    session: Session, body: dict[str, Any], package_json: str, sha: str, *, today: str,
    publish_after: str, state: str, anchor: str,
    attachments: list[VerifiedAttachment] | None = None,
) -> Record:
    """Insert or replace the record of ``body``; partner follow-ups survive an update."""
    data = body["record"]
    record = session.get(Record, body["record_id"]) or Record(record_id=body["record_id"])
    acts = set(data["acts"])
    categories = set(data.get("act_categories") or ())
    record.org_id, record.version, record.tier = body["org_id"], body["version"], body["tier"]
    record.state, record.publish_after, record.ingested_on = state, publish_after, today
    record.issued_at, record.release_pk = body["issued_at"], body["release_pk"]
    record.trust_anchor = anchor
    record.package_sha256 = sha
    for column in ("kind", "title", "country", "year", "engagement", "verification", "outcome",
                   "anonymity_requested", "named", "detained"):
        setattr(record, column, data[column])
    record.name = data.get("name")
    record.year_to, record.gender, record.role = (
        data.get("year_to"), data.get("gender"), data.get("role"))
    record.region = COUNTRY_REGION[data["country"]]
    # The surveillance category holds exactly the surveillance acts, so it says as much.
    record.surveillance = bool(acts & SURVEILLANCE_ACTS) or "surveillance" in categories
    record.restrictive_law = "restrictive_law" in acts
    record.last_activity = record.last_activity or f"{data['year']}-01"
    session.add(record)
    session.flush()
    document = session.get(RecordDocument, record.record_id) or RecordDocument(
        record_id=record.record_id, search_document="")
    document.package_json = package_json
    session.add(document)
    store_attachments(session, record.record_id, attachments or [])
    session.execute(sa.delete(RecordTerm).where(RecordTerm.record_id == record.record_id))
    for vocabulary in MULTI_VALUED:
        for term in data[vocabulary]:
            session.add(RecordTerm(record_id=record.record_id, vocabulary=vocabulary, term=term))
    for term in sorted(categories):
        session.add(RecordTerm(record_id=record.record_id, vocabulary=CATEGORY_TERMS, term=term))
    session.execute(
        sa.delete(FollowUp).where(
            FollowUp.record_id == record.record_id, FollowUp.source == "release"
        )
    )
    for event in data["follow_up"]:
        session.add(FollowUp(
            record_id=record.record_id, date=event["date"], event=event["event"],
            stance=event.get("stance"), note=event.get("note", ""), source="release",
            org_id=body["org_id"], added_on=today,
        ))
    session.flush()
    refresh_derived(session, record)
    return record


def store_attachments(session: Session, record_id: str,
                      attachments: list[VerifiedAttachment]) -> None:
    """A new version's attachments replace the earlier version's."""
    session.execute(sa.delete(RecordAttachment).where(RecordAttachment.record_id == record_id))
    session.flush()
    for a in attachments:
        session.add(RecordAttachment(record_id=record_id, position=a.position,
                                     sha256=a.sha256, media_type=a.media_type, size=a.size,
                                     caption=a.caption, data=a.data))


def attachment_list(session: Session, record_id: str) -> list[dict[str, Any]]:
    """The attachments of a record, without their bytes (hash, type, size, caption)."""
    rows = session.execute(
        sa.select(RecordAttachment.sha256, RecordAttachment.media_type, RecordAttachment.size,
                  RecordAttachment.caption)
        .where(RecordAttachment.record_id == record_id).order_by(RecordAttachment.position))
    return [{"sha256": r.sha256, "media_type": r.media_type, "size": r.size,
             "caption": r.caption} for r in rows]


def attachment_bytes(session: Session, record_id: str,
                     sha256: str) -> RecordAttachment | None:
    return session.scalar(sa.select(RecordAttachment).where(
        RecordAttachment.record_id == record_id, RecordAttachment.sha256 == sha256))


def refresh_derived(session: Session, record: Record) -> None:
    """Recompute the last-activity month and the full-text entry of a record."""
    events = list(
        session.scalars(sa.select(FollowUp).where(FollowUp.record_id == record.record_id))
    )
    months = [month_of(e.date) for e in events] + [f"{record.year_to or record.year}-01"]
    record.last_activity = max(months)
    document = session.get(RecordDocument, record.record_id)
    document.search_document = search_document(record, _package_record(session, record), events)
    index_record(session, record, document.search_document)


def search_document(record: Record, data: dict[str, Any], events: list[FollowUp]) -> str:
    taxonomy = load_taxonomy()
    parts = [record.title, record.name or "", data["narrative"], country_name(record.country)]
    parts += [taxonomy.label(v, t) for v in (*MULTI_VALUED, CATEGORY_TERMS)
              for t in data.get(v, [])]
    parts += list(data.get("un_actors", []))
    parts += [e.note for e in events if e.note]
    return "\n".join(p for p in parts if p)


def delete_record(session: Session, record_id: str) -> None:
    existing = session.get(Record, record_id)
    unindex_record(session, existing.search_rowid if existing is not None else None)
    session.execute(sa.delete(FollowUp).where(FollowUp.record_id == record_id))
    session.execute(sa.delete(RecordAttachment).where(RecordAttachment.record_id == record_id))
    session.execute(sa.delete(RecordTerm).where(RecordTerm.record_id == record_id))
    session.execute(sa.delete(RecordDocument).where(RecordDocument.record_id == record_id))
    session.execute(sa.delete(Record).where(Record.record_id == record_id))


def _package_record(session: Session, record: Record) -> dict[str, Any]:
    document = session.get(RecordDocument, record.record_id)
    return json.loads(document.package_json)["package"]["record"]


def record_view(session: Session, record: Record) -> dict[str, Any]:
    """The record as readers and the API see it (no signatures, no internal state)."""
    data = _package_record(session, record)
    events = session.scalars(
        sa.select(FollowUp).where(FollowUp.record_id == record.record_id)
        .order_by(FollowUp.date, FollowUp.id)
    )
    return {
        "record_id": record.record_id,
        "org_id": record.org_id,
        "version": record.version,
        "tier": record.tier,
        "kind": record.kind,
        "title": record.title,
        "name": record.name,
        "country": record.country,
        "region": record.region,
        "year": record.year,
        "year_to": record.year_to,
        "gender": record.gender,
        "role": record.role,
        "acts": data["acts"],
        "act_categories": data.get("act_categories", []),
        "perpetrators": data["perpetrators"],
        "mechanisms": data["mechanisms"],
        "engagement": record.engagement,
        "verification": record.verification,
        "anonymity_requested": record.anonymity_requested,
        "named": record.named,
        "detained": record.detained,
        "surveillance": record.surveillance,
        "restrictive_law": record.restrictive_law,
        "narrative": data["narrative"],
        "un_actors": data.get("un_actors", []),
        "follow_up": [
            {"date": e.date, "event": e.event, "stance": e.stance, "note": e.note,
             "source": e.source, "org_id": e.org_id}
            for e in events
        ],
        "outcome": record.outcome,
        "sg_citations": data.get("sg_citations", []),
        "attachments": attachment_list(session, record.record_id),
        "last_activity": record.last_activity,
        "released_on": record.publish_after,
    }
