"""Transmission steps the views call: check, draft, approve (seal + export), log.

Records (sealed and signed like every reviewer record):

- ``transmission_draft`` ``{"transmission_id", "destination_id", "use", "cycle",
  "summary", "summary_lang", "approver_key_id", "prepared_on"}`` — its author is the drafter;
- ``transmission`` ``{"transmission_id", "draft_record_id", "destination_id",
  "destination_name", "recipient", "use", "cycle", "prepared_on", "approved_on",
  "package_sha256", "json_sha256", "pdf_sha256", "pdf_unrendered_scripts",
  "package_age_b64"}`` — its author is the
  approver; the package is age ciphertext for the destination (never plaintext at rest);
- ``action_log`` ``{"kind": "transmission", "step", "day", "channel", "reference",
  "text", "transmission_id"}`` — on the case's action log (case id when linked).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.release.context import ReportContext
from reviewer.service import write_record
from reviewer.unworkflow.destinations import Destination
from reviewer.unworkflow.errors import TransmissionInvalid, TransmissionRefused
from reviewer.unworkflow.followup import RECORD_KIND as FOLLOWUP_KIND
from reviewer.unworkflow.followup import citations
from reviewer.unworkflow.gate import Signer, TransmissionFacts, run_gate
from reviewer.unworkflow.package import SUMMARY_LANGUAGES, USES, PackageInput, build_package
from reviewer.unworkflow.sealing import SealedPackage, seal_package
from reviewer.web import api, keys
from reviewer.workspace import Entry, report_state
from vault.canonical import b64encode, utc_day

LOG_STEPS = ("sent", "acknowledged", "reference_received", "other")
MAX_LINE = 200


@dataclass(frozen=True)
class DraftRequest:
    destination_id: str
    use: str
    cycle: int | None
    summary: str
    summary_lang: str
    approver_key_id: str


def parse_draft(values: Mapping[str, Any], destinations: list[Destination]) -> DraftRequest:
    destination = str(values.get("destination") or "")
    if destination not in {d.id for d in destinations}:
        raise TransmissionInvalid("destination: choose a configured destination")
    use = str(values.get("use") or "")
    if use not in USES:
        raise TransmissionInvalid(f"use: one of {', '.join(USES)}")
    lang = str(values.get("summary_lang") or "")
    if lang not in SUMMARY_LANGUAGES:
        raise TransmissionInvalid("summary_lang: en, fr or es")
    cycle = str(values.get("cycle") or "").strip()
    if cycle and not (cycle.isdigit() and len(cycle) == 4):  # noqa: PLR2004
        raise TransmissionInvalid("cycle: the SG report year, or empty")
    approver = str(values.get("approver") or "")
    if not re.fullmatch(r"[0-9a-f]{32}", approver):
        raise TransmissionInvalid("approver: choose a coordinator")
    return DraftRequest(destination, use, int(cycle) if cycle else None,
                        str(values.get("summary") or "").strip(), lang, approver)


def _signer(ctx: ReportContext, key_id: str | None) -> Signer | None:
    person = ctx.person(key_id)
    return Signer(person.key_id, person.is_coordinator) if person else None


def facts_for(ctx: ReportContext, request: DraftRequest, destination: Destination | None, *,
              drafter_key_id: str) -> TransmissionFacts:
    fields = ctx.fields
    un_link = fields.get("un_link") if isinstance(fields.get("un_link"), Mapping) else {}
    mechanisms = un_link.get("mechanisms") if isinstance(un_link.get("mechanisms"), list) else []
    return TransmissionFacts(
        consent=ctx.view.consent, use=request.use,
        un_link_stated=un_link.get("linked") == "yes",
        un_link_mechanisms=tuple(m for m in mechanisms if isinstance(m, str)),
        un_link_checked=bool(report_state(ctx.records).checklist.get("un_link")),
        drafter=_signer(ctx, drafter_key_id), approver=_signer(ctx, request.approver_key_id),
        summary=request.summary, summary_lang=request.summary_lang,
        recipient_ok=destination is not None and destination.recipient_ok)


def _destination(destinations: list[Destination], destination_id: str) -> Destination | None:
    return next((d for d in destinations if d.id == destination_id), None)


def draft(ctx: ReportContext, request: DraftRequest, destinations: list[Destination]) -> str:
    """Run the gate as drafter; when it passes, seal the draft. Returns the transmission id."""
    me = keys()
    destination = _destination(destinations, request.destination_id)
    reasons = run_gate(facts_for(ctx, request, destination, drafter_key_id=me.key_id))
    if reasons:
        raise TransmissionRefused(reasons)
    transmission_id = str(uuid.uuid4())
    write_record("transmission_draft", {
        "transmission_id": transmission_id, "destination_id": request.destination_id,
        "use": request.use, "cycle": request.cycle, "summary": request.summary,
        "summary_lang": request.summary_lang, "approver_key_id": request.approver_key_id,
        "prepared_on": utc_day()}, report_id=ctx.report_id)
    return transmission_id


def request_from(content: Mapping[str, Any]) -> DraftRequest:
    cycle = content.get("cycle")
    return DraftRequest(str(content["destination_id"]), str(content["use"]),
                        cycle if isinstance(cycle, int) else None, str(content["summary"]),
                        str(content["summary_lang"]), str(content["approver_key_id"]))


def find_draft(ctx: ReportContext, transmission_id: str) -> Entry:
    entry = next((e for e in ctx.records.of("transmission_draft")
                  if e.content.get("transmission_id") == transmission_id), None)
    if entry is None:
        raise TransmissionInvalid("no such transmission draft for this report")
    return entry


def package_for(ctx: ReportContext, content: Mapping[str, Any], destination: Destination,
                organisation: str) -> dict[str, Any]:
    state = report_state(ctx.records)
    followups = ctx.records.of(FOLLOWUP_KIND)
    return build_package(PackageInput(
        transmission_id=str(content["transmission_id"]),
        destination={"id": destination.id, "name": destination.name},
        use=str(content["use"]), cycle=content.get("cycle"),
        prepared_on=str(content["prepared_on"]), organisation=organisation,
        summary=str(content["summary"]), summary_lang=str(content["summary_lang"]),
        fields=ctx.fields, consent=ctx.view.consent, verification=state.verification,
        reliability=state.reliability, citations=tuple(citations(followups))))


def approve(ctx: ReportContext, transmission_id: str, destinations: list[Destination],
            organisation: str) -> SealedPackage:
    """Second person: the gate again on today's consent, then build, encrypt, record."""
    entry = find_draft(ctx, transmission_id)
    if any(e.content.get("transmission_id") == transmission_id
           for e in ctx.records.of("transmission")):
        raise TransmissionInvalid("this transmission was already approved")
    me, request = keys(), request_from(entry.content)
    if request.approver_key_id != me.key_id:
        raise TransmissionInvalid("this draft names another coordinator as its approver")
    drafter = ctx.authors.get(entry.record_id, "")
    destination = _destination(destinations, request.destination_id)
    reasons = run_gate(facts_for(ctx, request, destination, drafter_key_id=drafter))
    if reasons or destination is None:
        raise TransmissionRefused(reasons or ["the destination is no longer configured"])
    package = package_for(ctx, entry.content, destination, organisation)
    sealed = seal_package(package, destination.recipient)
    write_record("transmission", {
        "transmission_id": transmission_id, "draft_record_id": entry.record_id,
        "destination_id": destination.id, "destination_name": destination.name,
        "recipient": destination.recipient, "use": request.use, "cycle": request.cycle,
        "prepared_on": entry.content["prepared_on"], "approved_on": utc_day(),
        "package_sha256": sealed.sha256, "json_sha256": sealed.json_sha256,
        "pdf_sha256": sealed.pdf_sha256,
        "pdf_unrendered_scripts": list(sealed.pdf_unrendered_scripts),
        "package_age_b64": b64encode(sealed.ciphertext)}, report_id=ctx.report_id)
    api().audit_event("export", ctx.report_id)
    return sealed


def parse_log(values: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    step = str(values.get("step") or "")
    if step not in LOG_STEPS:
        raise TransmissionInvalid(f"step: one of {', '.join(LOG_STEPS)}")
    raw = str(values.get("day") or "").strip()
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise TransmissionInvalid("day: YYYY-MM-DD") from None
    if day > today:
        raise TransmissionInvalid("day: cannot be in the future")
    channel = str(values.get("channel") or "").strip()[:MAX_LINE]
    reference = str(values.get("reference") or "").strip()[:MAX_LINE]
    if step == "reference_received" and not reference:
        raise TransmissionInvalid("reference: give the reference the UN sent back")
    if step == "sent" and not channel:
        raise TransmissionInvalid("channel: say how the package was sent")
    text = str(values.get("text") or "").strip()[:2000]
    return {"kind": "transmission", "step": step, "day": day.isoformat(),
            "channel": channel, "reference": reference,
            "text": text or f"Transmission {step.replace('_', ' ')}"}


def log_step(ctx: ReportContext, transmission_id: str, entry: Mapping[str, Any],
             case_id: str | None) -> None:
    if not any(e.content.get("transmission_id") == transmission_id
               for e in ctx.records.of("transmission")):
        raise TransmissionInvalid("log only a transmission that was approved and exported")
    write_record("action_log", {**entry, "transmission_id": transmission_id},
                 report_id=ctx.report_id, case_id=case_id)
