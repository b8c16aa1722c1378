"""Ingest of signed release packages and tombstones (S19): the one path every record takes.

The HTTP endpoint, the seed command and the tests all call :func:`ingest`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from casebase import stats
from casebase.attachments import AttachmentLimits, VerifiedAttachment, verify_attachments
from casebase.errors import InvalidPackage, OrgMismatch, RecordWithdrawn, VersionConflict
from casebase.models import Record, RecordDocument, Tombstone
from casebase.records import delete_record, store_release
from casebase.trust import check_release_key
from casebase.validation import parse_package, validate_package
from vault.canonical import canonical_json
from vault.errors import VaultError
from vault.release_package import verify_package_signatures


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # created | updated | repeat | withdrawn
    record_id: str
    status: int
    state: str  # pending | published | withdrawn

    def as_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "record_id": self.record_id, "state": self.state}


def ingest(
    session: Session,
    raw: bytes | str | dict[str, Any],
    *,
    today: str,
    publication_delay_days: int,
    publish_now: bool = False,
    threshold: int = 5,
    limits: AttachmentLimits = AttachmentLimits(),  # noqa: B008 - frozen, immutable
) -> IngestResult:
    """Validate, verify and apply one signed package. The caller commits."""
    signed = raw if isinstance(raw, dict) else parse_package(raw, limits.max_package_bytes)
    body = validate_package(signed, today)
    attachments = verify_attachments(body["record"], limits) if body["type"] == "release" else []
    try:
        verify_package_signatures(signed)
    except VaultError as exc:
        raise InvalidPackage(str(exc), exc.code) from None
    anchor = check_release_key(session, body["org_id"], body["release_pk"], body["issued_at"],
                               body.get("release_certificate"))
    package_json = canonical_json(signed).decode("utf-8")
    sha = hashlib.sha256(package_json.encode("utf-8")).hexdigest()
    if attachments:  # the bytes are kept once, in record_attachments
        package_json = canonical_json(without_attachment_data(signed)).decode("utf-8")
    tombstone = session.get(Tombstone, body["record_id"])
    if tombstone is not None:
        if tombstone.org_id != body["org_id"]:
            raise OrgMismatch("this record belongs to another organisation")
        if tombstone.package_sha256 == sha:
            return IngestResult("repeat", body["record_id"], 200, "withdrawn")
        raise RecordWithdrawn("this record was withdrawn; nothing more is accepted for it")
    current = session.get(Record, body["record_id"])
    if current is not None:
        if current.org_id != body["org_id"]:
            raise OrgMismatch("this record belongs to another organisation")
        if current.package_sha256 == sha:
            return IngestResult("repeat", current.record_id, 200, current.state)
        if body["version"] <= current.version:
            raise VersionConflict(
                f"version {body['version']} is not newer than the current {current.version}"
            )
        if body["type"] == "release":
            check_no_more_detail(session, current, body["record"])
    if body["type"] == "tombstone":
        return _withdraw(session, body, package_json, sha, today=today, threshold=threshold)
    return _release(session, body, package_json, sha, anchor, today=today,
                    existed=current is not None, attachments=attachments,
                    delay_days=publication_delay_days, publish_now=publish_now)


def without_attachment_data(signed: dict[str, Any]) -> dict[str, Any]:
    """The package as stored: each attachment without ``data`` (its hash stays, so the
    bytes in record_attachments put back restore the signed package)."""
    body = signed["package"]
    record = {**body["record"], "attachments": [
        {k: v for k, v in a.items() if k != "data"} for a in body["record"]["attachments"]]}
    return {**signed, "package": {**body, "record": record}}


def _release(
    session: Session, body: dict[str, Any], package_json: str, sha: str, anchor: str, *,
    today: str, existed: bool, attachments: list[VerifiedAttachment], delay_days: int,
    publish_now: bool,
) -> IngestResult:
    if publish_now or delay_days == 0:
        state, publish_after = "published", today
    else:
        due = dt.date.fromisoformat(today) + dt.timedelta(days=delay_days)
        state, publish_after = "pending", due.isoformat()
    store_release(session, body, package_json, sha, today=today,
                  publish_after=publish_after, state=state, anchor=anchor,
                  attachments=attachments)
    if existed:
        return IngestResult("updated", body["record_id"], 200, state)
    return IngestResult("created", body["record_id"], 201, state)


def _withdraw(
    session: Session, body: dict[str, Any], package_json: str, sha: str, *, today: str,
    threshold: int,
) -> IngestResult:
    """Tombstones act at once: the record, its follow-ups, its search entry and every
    statistics snapshot that counted it are replaced."""
    delete_record(session, body["record_id"])
    session.add(Tombstone(
        record_id=body["record_id"], org_id=body["org_id"], version=body["version"],
        issued_at=body["issued_at"], reason=body["reason"], withdrawn_on=today,
        package_sha256=sha, package_json=package_json,
    ))
    session.flush()
    stats.rebuild_all_snapshots(session, today, threshold)
    return IngestResult("withdrawn", body["record_id"], 200, "withdrawn")


def check_no_more_detail(session: Session, current: Record, record: dict[str, Any]) -> None:
    """S18: a record is never republished in more detail than before, or the versions
    together would undo the generalisation that made the first one safe to publish."""
    document = session.get(RecordDocument, current.record_id)
    before = json.loads(document.package_json)["package"]["record"] if document else {}
    revealed = [field for field in ("gender", "role")
                if before.get(field) is None and record.get(field) is not None]
    if before.get("year_to") is not None and record.get("year_to") is None:
        revealed.append("year")
    if before.get("act_categories") and (
            record.get("acts") or set(record.get("act_categories") or ())
            - set(before["act_categories"])):
        revealed.append("acts")
    if revealed:
        raise InvalidPackage(
            f"this version gives {', '.join(revealed)} that an earlier version generalised",
            "more_detail_than_before")


def publish_due(session: Session, today: str) -> int:
    """Move pending releases whose delay has passed to published; return how many."""
    due = session.query(Record).filter(Record.state == "pending", Record.publish_after <= today)
    count = 0
    for record in due:
        record.state = "published"
        count += 1
    return count


def tombstone_feed(session: Session, since: str) -> list[dict[str, Any]]:
    rows = (
        session.query(Tombstone)
        .filter(Tombstone.withdrawn_on >= since)
        .order_by(Tombstone.withdrawn_on, Tombstone.record_id)
    )
    return [
        {"record_id": t.record_id, "org_id": t.org_id, "version": t.version,
         "issued_at": t.issued_at, "reason": t.reason, "withdrawn_on": t.withdrawn_on}
        for t in rows
    ]


def loads_package(package_json: str) -> dict[str, Any]:
    return json.loads(package_json)
