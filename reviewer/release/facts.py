"""Everything the release gate decides on, gathered once into a frozen ``ReleaseFacts``.

The rules (reviewer/release/rules.py) are plain functions of these facts and the settings,
so each can be tested alone; ``reviewer/release/service.py`` gathers the facts from an
opened report, its sealed reviewer records and the case base.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reviewer.redact import KnownIdentifiers
from reviewer.release.anonymity import Assessment
from vault.events import ConsentState


@dataclass(frozen=True)
class AttachmentChoice:
    """An attachment the drafter wants released with the record."""

    blob_id: str
    scrubbed: bool  # a scrubbed copy was made in the sandbox (never the raw file)
    metadata_free: bool  # the scrubbed copy was checked: no EXIF/XMP/ICC/PDF metadata
    approved_by: str | None  # who looked at this one file and approved it


@dataclass(frozen=True)
class Person:
    key_id: str
    is_coordinator: bool


@dataclass(frozen=True)
class ReleaseFacts:
    today: str
    tier: str  # public | partner
    record: Mapping[str, Any]  # the reviewer-written record (before generalisation)
    consent: ConsentState
    verification: str | None
    risk_flags: tuple[str, ...]
    risk_override_by: frozenset[str]  # key ids of coordinators who approved an override
    risk_override_reason: str
    known: KnownIdentifiers
    language: str
    anonymity: Assessment | None
    anonymity_error: str | None
    suspect_set_estimate: int | None
    previous_release: Mapping[str, Any] | None  # the record as last released, if any
    drafter: Person | None
    approver: Person | None
    latest_incident_day: str | None
    attachments: tuple[AttachmentChoice, ...] = ()
    exact_dates_consented: bool = False
    extra_texts: Mapping[str, str] = field(default_factory=dict)
    original_texts: tuple[str, ...] = ()  # the reporter's own words (narrative), for S18

    @property
    def required_scope(self) -> str:
        return "casebase_named" if self.record.get("named") else "casebase_anonymized"

    def texts(self) -> dict[str, str]:
        """Every free text that would leave the vault, by where it sits in the record."""
        record = self.record
        texts = {"title": str(record.get("title") or ""),
                 "narrative": str(record.get("narrative") or "")}
        for index, event in enumerate(record.get("follow_up") or []):
            if event.get("note"):
                texts[f"follow_up[{index}].note"] = str(event["note"])
        for index, actor in enumerate(record.get("un_actors") or []):
            texts[f"un_actors[{index}]"] = str(actor)
        texts.update(self.extra_texts)
        return {where: text for where, text in texts.items() if text.strip()}
