"""Who may see which report (S14), report summaries, stanzas, decrypt quotas and alerts.

A report is visible to an account through one of its keys that holds a stanza for it, when
the account is on duty in the triage set or the stanza came from an assignment. A retired
key is served only reports sealed to a bundle older than the one that retired it.
Everything else — other reports and unknown ids alike — is ``NoAccess``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vault.errors import NoAccess, QuotaExceeded
from vault.models import AuditEntry, Blob, Event, Report, Stanza
from vault.reply_store import reply_counts
from vault.reviewer_models import Alert, Assignment, DecryptOpen, EventGrant, ReviewerKey
from vault.reviewer_store import AccountView
from vault.store import check_report_id

ALERT_BULK_OPEN = "bulk_open"
ALERT_BULK_EXPORT = "bulk_export"


@dataclass(frozen=True)
class Access:
    """The stanza through which an account reads a report."""

    report_id: str
    key_id: str
    sealed_key: bytes
    assignment: Assignment | None


@dataclass(frozen=True)
class Quota:
    per_day: int
    alert_threshold: int


def _usable_keys(session: Session, account: AccountView) -> list[ReviewerKey]:
    if not account.is_reviewer or account.state != "active":
        return []
    return list(session.scalars(sa.select(ReviewerKey).where(
        ReviewerKey.account_id == account.account_id,
        ReviewerKey.state.in_(("active", "retired")))))


def _key_may_read(key: ReviewerKey, report: Report) -> bool:
    if key.state == "active":
        return True
    return key.retired_at_serial is not None and report.bundle_serial < key.retired_at_serial


def access_for(session: Session, account: AccountView, report_id: str) -> Access:
    """The caller's way into ``report_id``, or NoAccess (S14, S16)."""
    try:
        check_report_id(report_id)
    except Exception:  # noqa: BLE001 - a malformed id is as invisible as an unknown one
        raise NoAccess("not visible") from None
    report = session.get(Report, report_id)
    if report is None:
        raise NoAccess("not visible")
    for key in _usable_keys(session, account):
        if not _key_may_read(key, report):
            continue
        stanza = session.scalar(sa.select(Stanza).where(
            Stanza.report_id == report_id, Stanza.key_id == key.key_id))
        if stanza is None:
            continue
        assignment = session.get(Assignment, (report_id, key.key_id))
        if assignment is not None or account.on_duty:
            return Access(report_id, key.key_id, stanza.sealed_key, assignment)
    raise NoAccess("not visible")


def _visible_query(session: Session, account: AccountView) -> sa.Select | None:
    keys = _usable_keys(session, account)
    if not keys:
        return None
    clauses = []
    for key in keys:
        clause = Stanza.key_id == key.key_id
        if key.state == "retired":
            clause = sa.and_(clause, Report.bundle_serial < (key.retired_at_serial or 0))
        if not account.on_duty:
            clause = sa.and_(clause, sa.exists().where(
                Assignment.report_id == Report.id, Assignment.key_id == key.key_id))
        clauses.append(clause)
    return (sa.select(Report.id, Report.day).join(Stanza, Stanza.report_id == Report.id)
            .where(sa.or_(*clauses)).distinct())


def visible_report_ids(session: Session, account: AccountView, *, limit: int,
                       after: tuple[dt.date, str] | None) -> list[tuple[dt.date, str]]:
    """A page of visible (day, report id), newest day first, keyset-paginated."""
    query = _visible_query(session, account)
    if query is None:
        return []
    sub = query.subquery()
    page = sa.select(sub.c.day, sub.c.id)
    if after is not None:
        day, report_id = after
        page = page.where(sa.or_(sub.c.day < day, sa.and_(sub.c.day == day, sub.c.id < report_id)))
    rows = session.execute(page.order_by(sub.c.day.desc(), sub.c.id.desc()).limit(limit))
    return [(row[0], row[1]) for row in rows]


def summaries(session: Session, report_ids: list[str]) -> dict[str, dict]:
    """The plaintext index of each report (API.md §4 ReportSummary), in a few queries."""
    if not report_ids:
        return {}
    reports = {r.id: r for r in session.scalars(sa.select(Report).where(Report.id.in_(report_ids)))}
    events = dict(session.execute(sa.select(Event.report_id, sa.func.count()).where(
        Event.report_id.in_(report_ids)).group_by(Event.report_id)).all())
    blobs = dict(session.execute(sa.select(Blob.report_id, sa.func.count()).where(
        Blob.report_id.in_(report_ids)).group_by(Blob.report_id)).all())
    recipients: dict[str, list[str]] = {rid: [] for rid in report_ids}
    for rid, key_id in session.execute(sa.select(Stanza.report_id, Stanza.key_id).where(
            Stanza.report_id.in_(report_ids)).order_by(Stanza.key_id)):
        recipients[rid].append(key_id)
    assigned: dict[str, list[Assignment]] = {rid: [] for rid in report_ids}
    for row in session.scalars(sa.select(Assignment).where(Assignment.report_id.in_(report_ids))):
        assigned[row.report_id].append(row)
    replies = reply_counts(session, report_ids)
    out = {}
    for rid in report_ids:
        report = reports[rid]
        assigned_keys = {a.key_id for a in assigned[rid]}
        access = []
        if any(k not in assigned_keys for k in recipients[rid]):
            access.append("triage")
        if assigned_keys:
            access.append("assigned")
        out[rid] = {
            "report_id": rid,
            "day": report.day.isoformat(),
            "bundle_serial": report.bundle_serial,
            "state": report.state,
            "event_count": int(events.get(rid, 0)),
            "blob_count": int(blobs.get(rid, 0)),
            "access": access,
            "assignees": sorted({a.account_id for a in assigned[rid]}),
            "recipients": recipients[rid],
            # Replies deleted after the reporter read them or burned the receipt, and the
            # seq the reply chain continues from (vault.reply_store, SPEC §6.1).
            "replies_deleted": replies[rid][0],
            "last_reply_seq": replies[rid][1],
        }
    return out


def grants_of(session: Session, report_id: str) -> list[dict]:
    """Every stanza of a report: triage (from the header) or assignment (signed grant)."""
    assignments = {a.key_id: a for a in session.scalars(
        sa.select(Assignment).where(Assignment.report_id == report_id))}
    owners = dict(session.execute(sa.select(ReviewerKey.key_id, ReviewerKey.account_id).where(
        ReviewerKey.key_id.in_(sa.select(Stanza.key_id).where(Stanza.report_id == report_id))
    )).all())
    out = []
    for key_id in session.scalars(sa.select(Stanza.key_id).where(
            Stanza.report_id == report_id).order_by(Stanza.key_id)):
        assignment = assignments.get(key_id)
        out.append({
            "report_id": report_id,
            "key_id": key_id,
            "account_id": owners.get(key_id),
            "reason": "assignment" if assignment else "triage",
            "day": assignment.day.isoformat() if assignment else None,
            "record": assignment_record(assignment) if assignment else None,
            "envelope": "report",
            "header_hash": (json.loads(assignment.grant_document)["grant"]["header_hash"]
                            if assignment else None),
        })
    return out


def assignment_record(assignment: Assignment) -> dict:
    return json.loads(assignment.grant_document)


def event_grants_of(session: Session, report_id: str, key_id: str | None = None
                    ) -> list[EventGrant]:
    """The grants naming the report's reporter event envelopes (one key's, or all)."""
    query = sa.select(EventGrant).where(EventGrant.report_id == report_id)
    if key_id is not None:
        query = query.where(EventGrant.key_id == key_id)
    return list(session.scalars(query.order_by(EventGrant.key_id, EventGrant.header_hash)))


def event_grant_json(row: EventGrant) -> dict:
    return {"report_id": row.report_id, "key_id": row.key_id, "account_id": row.account_id,
            "reason": "assignment", "day": row.day.isoformat(),
            "record": json.loads(row.grant_document), "envelope": "event",
            "header_hash": row.header_hash}


def record_open(session: Session, account: AccountView, report_id: str, today: dt.date,
                quota: Quota) -> int | None:
    """Count one distinct report opened today; QuotaExceeded past the quota (S14).

    Returns the number of reports opened today when this open crossed the bulk-open alert
    threshold (the caller audits it), else None.
    """
    key = (account.account_id, today, report_id)
    if session.get(DecryptOpen, key) is not None:
        return None
    opened = session.scalar(sa.select(sa.func.count()).select_from(DecryptOpen).where(
        DecryptOpen.account_id == account.account_id, DecryptOpen.day == today)) or 0
    if opened >= quota.per_day:
        raise QuotaExceeded(f"the daily quota of {quota.per_day} reports is used up")
    session.add(DecryptOpen(account_id=account.account_id, day=today, report_id=report_id))
    count = int(opened) + 1
    session.flush()
    if count <= quota.alert_threshold:
        return None
    _raise_alert(session, account.account_id, today, ALERT_BULK_OPEN, count)
    return count


def record_export(session: Session, account: AccountView, today: dt.date, quota: Quota
                  ) -> int | None:
    """After an export was audited: past the alert threshold of exports today, an alert
    (S14: alerts on bulk opens and exports). Returns the count when it alerted."""
    count = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.actor == account.account_id, AuditEntry.action == "export",
        AuditEntry.day == today)) or 0
    if count <= quota.alert_threshold:
        return None
    _raise_alert(session, account.account_id, today, ALERT_BULK_EXPORT, int(count))
    return int(count)


def _raise_alert(session: Session, account_id: str, today: dt.date, kind: str,
                 count: int) -> None:
    alert = session.scalar(sa.select(Alert).where(
        Alert.account_id == account_id, Alert.day == today, Alert.kind == kind))
    if alert is None:
        session.add(Alert(alert_id=str(uuid.uuid4()), day=today, account_id=account_id,
                          kind=kind, count=count))
    else:
        alert.count = count
    session.flush()


def list_alerts(session: Session, *, limit: int, after: tuple[dt.date, str] | None
                ) -> list[Alert]:
    query = sa.select(Alert)
    if after is not None:
        day, alert_id = after
        query = query.where(sa.or_(Alert.day < day,
                                   sa.and_(Alert.day == day, Alert.alert_id < alert_id)))
    return list(session.scalars(query.order_by(Alert.day.desc(), Alert.alert_id.desc())
                                .limit(limit)))
