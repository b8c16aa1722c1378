"""The release steps the views call: check, draft, approve, withdraw, deliver.

Plain functions over a ``ReportContext`` (one opened report and its sealed records) and the
process's ``ReleaseRuntime``; they sign with the session's unlocked key (``reviewer.web``)
and seal what they decide as reviewer records:

- ``release_draft`` ``{"draft", "body", "drafter_key_id", "drafter_signature", "level"}``
- ``release`` ``{"record_id", "version", "tier", "level", "record", "package_sha256"}``
- ``release_withdrawn`` ``{"record_id", "version", "reason"}``
- ``release_attachment`` ``{"blob_id", "scrubbed_sha256", "transform", "metadata_free"}``

Attachments travel inside the record (``record.attachments``, bytes and all), so all three
signatures cover them; the sealed ``release_draft`` and ``release`` records keep them
without the bytes, which are scrubbed again from the sealed original whenever a package is
signed (reviewer/release/attachments.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.release.anonymity import Assessment, assess
from reviewer.release.attachments import (
    build_entries,
    with_data,
    without_attachments,
    without_data,
)
from reviewer.release.context import ReportContext
from reviewer.release.draft import DraftInput, draft_from_content, latest_incident_day
from reviewer.release.errors import AnonymityUnavailable, GateRefused, ReleaseError
from reviewer.release.facts import ReleaseFacts
from reviewer.release.gate import GateResult, run_gate
from reviewer.release.generalise import Recoding, published_fields, quasi_identifiers
from reviewer.release.keys import ReleaseKey, load_release_key
from reviewer.release.outbox import Delivery, OutboxItem
from reviewer.release.package import (
    consent_snapshot,
    finish_release,
    new_record_id,
    release_body,
    sign_as,
    tombstone,
)
from reviewer.release.rules import consent_rule
from reviewer.release.runtime import ReleaseRuntime
from reviewer.service import write_record
from reviewer.web import api, keys
from vault.canonical import b64encode, canonical_json, utc_day
from vault.errors import VaultError


@dataclass(frozen=True)
class Checked:
    facts: ReleaseFacts
    result: GateResult


def check(ctx: ReportContext, draft: DraftInput, runtime: ReleaseRuntime, *,
          drafter_key_id: str, today: str | None = None) -> Checked:
    """Gather every fact about ``draft`` and run all eight rules."""
    today = today or utc_day()
    previous = _previous(ctx)
    assessment, error = None, None
    try:
        if draft.record.get("named"):  # the person consented to be named: k is moot
            assessment = Assessment(True, 0, published_fields(draft.record, Recoding.at(0)), {},
                                    "a named record (casebase_named consent): k does not "
                                    "apply")
        else:
            assessment = assess(draft.record, draft.tier, runtime.counts(), runtime.settings,
                                exclude_record_id=previous["record_id"] if previous else None)
    except AnonymityUnavailable as exc:
        error = str(exc)
    override_by, override_reason = ctx.risk_override()
    facts = ReleaseFacts(
        today=today, tier=draft.tier, record=draft.record, consent=ctx.view.consent,
        verification=ctx.verification(), risk_flags=ctx.risk_flags(),
        risk_override_by=override_by, risk_override_reason=override_reason,
        known=ctx.known(), language=ctx.language(), anonymity=assessment,
        anonymity_error=error, suspect_set_estimate=draft.suspect_set_estimate,
        previous_release=previous["record"] if previous else None,
        drafter=ctx.person(drafter_key_id), approver=ctx.person(draft.approver_key_id),
        latest_incident_day=latest_incident_day(ctx.fields, draft.record.get("year")),
        attachments=ctx.attachment_choices(draft.attachments),
        original_texts=ctx.original_texts(),
        extra_texts={f"attachments[{i}].caption": caption
                     for i, caption in enumerate(draft.captions) if caption.strip()},
    )
    return Checked(facts, run_gate(facts, runtime.settings))


def save_draft(ctx: ReportContext, draft: DraftInput, runtime: ReleaseRuntime) -> Checked:
    """Run the gate; when it passes, fix the package body, sign it as drafter, seal it."""
    me = keys()
    checked = check(ctx, draft, runtime, drafter_key_id=me.key_id)
    if not checked.result.passed:
        raise GateRefused(list(checked.result.reasons), checked)
    assessment = _assessment(checked)
    release_key = load_release_key(runtime.settings)
    previous = _previous(ctx)
    record_id = previous["record_id"] if previous else new_record_id()
    version = max(int(previous["version"]) if previous else 0,
                  runtime.outbox.highest_version(record_id)) + 1
    approver = ctx.bundle.key(draft.approver_key_id)
    if approver is None:
        raise ReleaseError("the approver's key is not in the verified bundle")
    record = dict(assessment.record)
    attachments = _attachments(ctx, draft, runtime)
    if attachments:
        record["attachments"] = attachments
    body = release_body(
        org_id=release_key.org_id, record_id=record_id, version=version, issued_at=utc_day(),
        tier=draft.tier, snapshot=consent_snapshot(ctx.view.consent,
                                                   checked.facts.required_scope),
        record=record, release_pk=release_key.public_key,
        drafter={"id": me.key_id, "pk": b64encode(bytes(me.signing_key().verify_key))},
        approver={"id": approver.id, "pk": b64encode(approver.ed25519_pk)},
        certificate=release_key.certificate)
    earlier = ctx.latest_draft()
    write_record("release_draft", {
        "draft": dataclasses.asdict(draft), "body": {**body, "record": without_data(record)},
        "drafter_key_id": me.key_id,
        "drafter_signature": sign_as("drafter", body, me.signing_key()),
        "level": assessment.level}, report_id=ctx.report_id,
        supersedes=earlier.record_id if earlier else None)
    api().audit_event("release_draft", ctx.report_id)
    _status(ctx, "release_drafted", "release draft signed by the drafter")
    return checked


def approve(ctx: ReportContext, runtime: ReleaseRuntime) -> tuple[Checked, list[Delivery]]:
    """Second person: the gate again, then sign, seal the release record, queue, send."""
    entry = ctx.latest_draft()
    if entry is None:
        raise ReleaseError("there is no release draft to approve")
    content = entry.content
    body = content.get("body")
    if not isinstance(body, Mapping) or not all(
            isinstance(content.get(k), str) for k in ("drafter_key_id", "drafter_signature")):
        raise ReleaseError("the latest draft record is malformed: draft again")
    released = ctx.releases().get(str(body.get("record_id")))
    if released is not None and int(released["version"]) >= int(body.get("version") or 0):
        raise ReleaseError("this draft was approved already; draft again for a new version")
    draft = draft_from_record(content["draft"])
    me = keys()
    if draft.approver_key_id != me.key_id:
        raise ReleaseError("this draft names another coordinator as its approver")
    checked = check(ctx, draft, runtime, drafter_key_id=str(content["drafter_key_id"]))
    if not checked.result.passed:
        raise GateRefused(list(checked.result.reasons), checked)
    snapshot = consent_snapshot(ctx.view.consent, checked.facts.required_scope)
    if (_assessment(checked).record != without_attachments(body["record"])
            or snapshot != body["consent_snapshot"]):
        raise ReleaseError("the case base or the consent changed since the draft was signed: "
                           "the drafter must draft again")
    release_key = load_release_key(runtime.settings)
    _check_draft(ctx, entry.record_id, content, draft, release_key)
    body = {**body, "record": with_data(body["record"], _attachments(ctx, draft, runtime))}
    try:
        signed = finish_release(body, str(content["drafter_signature"]),
                                sign_as("approver", body, me.signing_key()),
                                release_key.signing_key)
    except VaultError as exc:
        raise ReleaseError(f"the draft's signatures do not hold ({exc.code})") from None
    write_record("release", {
        "record_id": body["record_id"], "version": body["version"], "tier": body["tier"],
        "level": content.get("level", 0), "record": without_data(body["record"]),
        "package_sha256": hashlib.sha256(canonical_json(signed)).hexdigest()},
        report_id=ctx.report_id)
    api().audit_event("release_approve", ctx.report_id)
    _status(ctx, "released", f"released as version {body['version']} ({body['tier']} tier)")
    runtime.outbox.enqueue_release(signed, ctx.report_id, int(content.get("level", 0)),
                                   quasi_identifiers(draft.record))
    return checked, deliver(runtime)


def _attachments(ctx: ReportContext, draft: DraftInput,
                 runtime: ReleaseRuntime) -> list[dict[str, Any]]:
    """The chosen attachments scrubbed again just now, each checked against its approval
    (hash), for metadata and against the size caps; refused in words otherwise."""
    return build_entries(draft.attachments, draft.captions, ctx.scrubbed_copy,
                         ctx.attachment_approvals(), runtime.settings)


def _check_draft(ctx: ReportContext, draft_record_id: str, content: Mapping[str, Any],
                 draft: DraftInput, release_key: ReleaseKey) -> None:
    """The sealed draft must be what its author says: written and signed by the drafter it
    names (a bundle key), for this organisation's release key and the tier drafted."""
    body, drafter_id = content["body"], str(content["drafter_key_id"])
    drafter = ctx.bundle.key(drafter_id)
    problems = [
        ctx.authors.get(draft_record_id) != drafter_id,
        drafter is None or body.get("drafter", {}).get("pk") != b64encode(drafter.ed25519_pk),
        body.get("drafter", {}).get("id") != drafter_id,
        body.get("approver", {}).get("id") != draft.approver_key_id,
        body.get("release_pk") != b64encode(release_key.public_key),
        body.get("org_id") != release_key.org_id, body.get("tier") != draft.tier,
    ]
    if any(problems):
        raise ReleaseError("the draft does not match its drafter, approver, organisation or "
                           "tier: it cannot be approved")


def withdraw_if_needed(ctx: ReportContext, runtime: ReleaseRuntime) -> list[str]:
    """A released record whose consent no longer holds gets a signed tombstone (S20).

    Only this host's outbox says a tombstone exists: a ``release_withdrawn`` record can be
    written by any reviewer's client and must not suppress one. A duplicate from another
    host is refused by the case base as ``record_withdrawn``, which is harmless."""
    queued = []
    for record_id, release in ctx.releases().items():
        if runtime.outbox.has_tombstone(record_id) or _consent_holds(ctx, release["record"]):
            continue
        _tombstone(ctx, runtime, record_id, int(release["version"]), "consent_withdrawn")
        queued.append(record_id)
    return queued


WITHDRAW_REASONS = ("safety", "error")


def withdraw_record(ctx: ReportContext, runtime: ReleaseRuntime, record_id: str,
                    reason: str) -> None:
    """A coordinator pulls a live release for safety or because it is wrong (no consent
    change needed). The sealed ``release_withdrawn`` record is audited by the vault API
    (``record_release_withdrawn``), naming who did it."""
    if reason not in WITHDRAW_REASONS:
        raise ReleaseError(f"a withdrawal reason is one of {', '.join(WITHDRAW_REASONS)}")
    release = ctx.releases().get(record_id)
    if release is None or record_id in ctx.withdrawn_records():
        raise ReleaseError("no live release of this report has that record id")
    _tombstone(ctx, runtime, record_id, int(release["version"]), reason)


def _tombstone(ctx: ReportContext, runtime: ReleaseRuntime, record_id: str, version: int,
               reason: str) -> None:
    release_key = load_release_key(runtime.settings)
    version = max(version, runtime.outbox.highest_version(record_id)) + 1
    signed = tombstone(org_id=release_key.org_id, record_id=record_id, version=version,
                       issued_at=utc_day(), reason=reason,
                       release_key=release_key.signing_key,
                       certificate=release_key.certificate)
    write_record("release_withdrawn", {"record_id": record_id, "version": version,
                                       "reason": reason}, report_id=ctx.report_id)
    runtime.outbox.enqueue_tombstone(signed, ctx.report_id)


def deliver(runtime: ReleaseRuntime) -> list[Delivery]:
    """Send what is due, re-checking each release's consent with this reviewer's key."""
    from reviewer.release.context import load_context
    from reviewer.vault_client import VaultApiError

    def consent_check(item: OutboxItem) -> bool | None:
        try:
            ctx = load_context(str(item.report_id))
        except (VaultApiError, ReleaseError):
            return None
        return _consent_holds(ctx, item.package["package"]["record"])

    return runtime.outbox.deliver_due(runtime.post, consent_check=consent_check)


def recheck_k(runtime: ReleaseRuntime) -> list[tuple[str, int]]:
    """Live released records whose class fell below k + margin (after a withdrawal)."""
    source, need, low = runtime.counts(), runtime.settings.required_class_size, []
    for released in runtime.outbox.released():
        if released.withdrawn or released.record.get("named"):
            continue
        # The steps are read off the record as published, so a release is re-counted the
        # way it went out, whatever the ladder's numbering was then.
        recoding = Recoding.of_published(released.record, released.qi, released.level)
        counts = source.counts(released.qi, recoding, released.record_id)
        scopes = ("public", "public_partner") if released.tier == "public" else (
            "public_partner",)
        smallest = min(counts[s].k + 1 for s in scopes)
        if smallest < need:
            low.append((released.record_id, smallest))
    return low


def draft_from_record(data: Mapping[str, Any]) -> DraftInput:
    return draft_from_content(data, int(utc_day()[:4]))


def _consent_holds(ctx: ReportContext, record: Mapping[str, Any]) -> bool:
    probe = ReleaseFacts(
        today=utc_day(), tier="public", record=record, consent=ctx.view.consent,
        verification=None, risk_flags=(), risk_override_by=frozenset(),
        risk_override_reason="", known=ctx.known(), language="en", anonymity=None,
        anonymity_error=None, suspect_set_estimate=None, previous_release=None,
        drafter=None, approver=None, latest_incident_day=None)
    reason = consent_rule(probe, _no_age_limit())
    return reason is None


def _no_age_limit():  # type: ignore[no-untyped-def]
    """Consent that aged after release does not withdraw it; only a withdrawal does."""
    from reviewer.release.settings import ReleaseSettings

    return ReleaseSettings(consent_max_age_days=10**6)


def _status(ctx: ReportContext, status: str, comment: str) -> None:
    """The report's workflow status (DESIGN.md §5); verification and reliability stay."""
    write_record("status", {"status": status, "verification": None, "reliability": None,
                            "comment": comment, "tell_reporter": False},
                 report_id=ctx.report_id)


def _previous(ctx: ReportContext) -> Mapping[str, Any] | None:
    live = [r for rid, r in ctx.releases().items() if rid not in ctx.withdrawn_records()]
    return max(live, key=lambda r: int(r["version"])) if live else None


def _assessment(checked: Checked) -> Assessment:
    if checked.facts.anonymity is None:
        raise ReleaseError("k-anonymity was not computed")
    return checked.facts.anonymity
