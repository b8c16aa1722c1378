"""Consented follow-up events flow to the case base as a new package version.

The update is an ordinary release draft (the release gate decides: consent for the case-base
tier, verification, risk, redaction, k-anonymity with the follow-up dates as
quasi-identifiers, two people): the last released draft's record, with ``follow_up`` and
``sg_citations`` replaced by the events a coordinator marked ``share_with_casebase`` — month
precision, event, stance, citation; never the summary text (S19).
"""

from __future__ import annotations

import dataclasses
import re

from haven.taxonomy import load_taxonomy
from reviewer.release.context import ReportContext
from reviewer.release.runtime import release_runtime
from reviewer.release.service import draft_from_record, save_draft
from reviewer.unworkflow.errors import UnWorkflowError
from reviewer.unworkflow.followup import RECORD_KIND, casebase_follow_up


def propose_update(ctx: ReportContext, approver_key_id: str, outcome: str = "") -> int:
    """Sign a new release draft with the follow-up (and, when given, the case's new
    outcome: released, charges dropped -> resolved; worsened); returns how many events."""
    if not re.fullmatch(r"[0-9a-f]{32}", approver_key_id or ""):
        raise UnWorkflowError("approver: choose a coordinator")
    if outcome and outcome not in load_taxonomy().ids("case_outcomes"):
        raise UnWorkflowError(f"outcome: {outcome!r} is not a case outcome")
    live = [r for rid, r in ctx.releases().items() if rid not in ctx.withdrawn_records()]
    if not live:
        raise UnWorkflowError("this case is not in the case base (or was withdrawn): "
                              "release it first through the release gate")
    released = max(live, key=lambda r: int(r["version"]))
    # The draft that became that release (by version, not by listing order: records carry
    # only their day, and the API lists a day's records by id).
    source = next((e for e in ctx.records.of("release_draft")
                   if e.content.get("body", {}).get("record_id") == released["record_id"]
                   and e.content.get("body", {}).get("version") == released["version"]), None)
    if source is None:
        raise UnWorkflowError("the draft of the released version is not readable")
    previous = draft_from_record(source.content["draft"])
    events, cited = casebase_follow_up(ctx.records.of(RECORD_KIND))
    if not events and not cited:
        raise UnWorkflowError("no follow-up event is marked for the case base")
    record = {**previous.record, "follow_up": events, "sg_citations": cited}
    if outcome:
        record["outcome"] = outcome
    draft = dataclasses.replace(previous, record=record, approver_key_id=approver_key_id)
    save_draft(ctx, draft, release_runtime())
    return len(events)
