"""Helpers of the release pages: form defaults, the approver choice, attachment approval."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from haven.taxonomy import load_taxonomy
from reviewer.redaction import latest_version, preview
from reviewer.release.attachments import RELEASE_MEDIA_TYPES
from reviewer.release.context import ReportContext, load_context
from reviewer.release.draft import citation_line, follow_up_line
from reviewer.release.errors import ReleaseError
from reviewer.release.generalise import LEVELS
from reviewer.release.metadata import metadata_found
from reviewer.release.runtime import release_runtime
from reviewer.report_fields import incident_acts, narrative, triage_defaults
from reviewer.service import write_record
from reviewer.web import api
from reviewer.workspace import report_state
from vault.canonical import utc_day

RECORD_FIELDS = ("kind", "title", "name", "country", "year", "gender", "role", "acts",
                 "perpetrators", "mechanisms", "engagement", "anonymity_requested", "named",
                 "detained", "narrative", "un_actors", "outcome")


# The generalisation ladder's levels (reviewer/release/generalise.py LEVELS) in words.
LEVEL_WORDS = {
    "exact": _l("exact values (nothing generalised)"),
    "year_band": _l("year in a two-year band"),
    "role_group": _l("year band and role group"),
    "act_category": _l("year band, role group and acts by category"),
    "gender_suppressed": _l("year band, role group, acts by category and gender suppressed"),
}


def level_words(level: Any) -> str:
    """A ladder level (its number as sealed in a draft, or its name) in the reader's words."""
    if isinstance(level, int) and not isinstance(level, bool) and 0 <= level < len(LEVELS):
        level = LEVELS[level]
    return str(LEVEL_WORDS[level]) if level in LEVEL_WORDS else str(level)


def published_acts(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The acts as a record will be published: act labels, or, when the gate generalised
    them, category labels (``generalised`` true)."""
    if not isinstance(record, Mapping):
        return None
    t = load_taxonomy()
    categories = record.get("act_categories") or []
    if categories:
        return {"generalised": True, "labels": [gettext(t.label("act_categories", c))
                                                for c in categories]}
    return {"generalised": False, "labels": [gettext(t.label("acts", a))
                                             for a in record.get("acts") or []]}


def coordinators(ctx: ReportContext) -> list[tuple[str, str]]:
    """(key id, name) of every coordinator key in the verified bundle (never the directory)."""
    names = {}
    for reviewer in api().reviewers():
        for key_id in reviewer.key_ids:
            names[key_id] = reviewer.username
    return [(k.id, names.get(k.id, k.id[:12])) for k in ctx.bundle.keys
            if k.role == "coordinator" and k.id not in ctx.bundle.revoked]


def _section(fields: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = fields.get(name)
    return value if isinstance(value, Mapping) else {}


def default_form(ctx: ReportContext) -> dict[str, Any]:
    """The reporter's answers and the triage, as a starting point the reviewer checks."""
    t, fields = load_taxonomy(), ctx.fields
    person, un_link = _section(fields, "person"), _section(fields, "un_link")
    state = report_state(ctx.records)
    roles = [r for r in person.get("roles") or [] if r in t.ids("roles")]
    incidents = fields.get("incidents") if isinstance(fields.get("incidents"), list) else []
    perpetrators = sorted({p for i in incidents if isinstance(i, Mapping)
                           for p in i.get("perpetrators") or [] if p in t.ids("perpetrators")})
    return {
        "tier": "public", "kind": "group" if person.get("kind") in ("group", "organisation")
        else "individual", "title": "", "name": "", "named": False,
        "country": state.country or triage_defaults(fields)["country"],
        "year": ctx.view.report.day[:4], "gender": person.get("gender") if person.get(
            "gender") in t.ids("genders") else "",
        "role": roles[0] if roles else "", "acts": list(state.acts) or incident_acts(fields),
        "perpetrators": perpetrators,
        "mechanisms": [m for m in un_link.get("mechanisms") or [] if m in t.ids("mechanisms")],
        "engagement": un_link.get("engagement") or "actual", "anonymity_requested": True,
        "detained": _section(fields, "risk").get("detained") == "yes", "narrative": "",
        "un_actors": "", "follow_up": "", "sg_citations": "", "outcome": "ongoing",
        "suspect_set_estimate": "", "suspect_set_reason": "", "approver": "",
        "attachments": [],
    }


def form_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A draft record (nested) or raw form values, flattened for the template."""
    flat = dict(values)
    record = values.get("record")
    if isinstance(record, Mapping):
        flat.update({k: record.get(k) for k in RECORD_FIELDS})
        flat["un_actors"] = "\n".join(record.get("un_actors") or [])
        flat["follow_up"] = "\n".join(follow_up_line(e) for e in record.get("follow_up") or [])
        flat["sg_citations"] = "\n".join(citation_line(c) for c in
                                          record.get("sg_citations") or [])
        flat["approver"] = values.get("approver_key_id", "")
    for name in ("acts", "perpetrators", "mechanisms", "attachments"):
        value = flat.get(name)
        flat[name] = list(value) if isinstance(value, list | tuple) else (
            [value] if value else [])
    captions = values.get("captions")
    flat["caption_of"] = {
        **dict(zip(flat["attachments"], captions if isinstance(captions, list | tuple)
                   else [], strict=False)),
        **{k[len("caption-"):]: v for k, v in values.items() if k.startswith("caption-")}}
    return flat


def redacted_reference(ctx: ReportContext) -> str:
    """The latest redaction version of the narrative, shown beside the draft for reference
    only: the released narrative is written by the reviewer (S18)."""
    return preview(narrative(ctx.fields), latest_version(ctx.records))


def approve_attachment(report_id: str, blob_id: str) -> list[str]:
    """Scrub one attachment in the sandbox, check the copy, and approve it if clean.

    Returns the metadata found (empty when approved). The approval is a sealed
    ``release_attachment`` record naming the scrubbed copy's hash and transform (S8); the
    copy itself is not kept: the package builder scrubs the original again and must get
    the same bytes (reviewer/release/attachments.py). Only images within the size cap can
    go to the case base, so anything else is refused here already, in words.
    """
    ctx = load_context(report_id)
    clean = ctx.scrubbed(blob_id)
    if clean.media_type not in RELEASE_MEDIA_TYPES:
        raise ReleaseError("only images (PNG, JPEG) go to the case base")
    limit = release_runtime().settings.attachment_max_bytes
    if len(clean.data) > limit:
        raise ReleaseError(f"the scrubbed copy is {len(clean.data)} bytes, over the "
                           f"{limit} bytes a released attachment may have")
    found = metadata_found(clean.data, clean.media_type)
    if not found:
        write_record("release_attachment", {
            "blob_id": blob_id, "scrubbed_sha256": clean.sha256, "transform": clean.transform,
            "parent_sha256": clean.parent_sha256, "metadata_free": True, "day": utc_day()},
            report_id=report_id)
    return found


def released_report_ids() -> list[str]:
    """Reports with a sealed ``release`` record this reviewer can read."""
    return sorted({r.report_id for r in api().records(kind="release") if r.report_id})
