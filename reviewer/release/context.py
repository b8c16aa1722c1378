"""What the gate needs from one report, read in one go: the opened report, its sealed
reviewer records (with their authors' key ids), the verified bundle and the drafts,
releases and approvals among those records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reviewer.errors import ScrubError
from reviewer.opening import ReportView, open_for_review
from reviewer.redact import KnownIdentifiers
from reviewer.release.attachments import Approval, ScrubbedCopy
from reviewer.release.errors import AttachmentRefused, ReleaseError
from reviewer.release.facts import AttachmentChoice, Person
from reviewer.report_fields import known_identifiers, language, narrative, risk_flags
from reviewer.scrub import ScrubbedFile, scrub_for_release
from reviewer.service import reviewer_names
from reviewer.state import reviewer_state
from reviewer.web import api, keys
from reviewer.workspace import Entry, Opened, open_records, report_state
from vault.bundle import VerifiedBundle
from vault.open import open_attachment

RELEASE_KINDS = ("release_draft", "release", "release_withdrawn", "release_attachment")


@dataclass(frozen=True)
class ReportContext:
    report_id: str
    view: ReportView
    records: Opened
    authors: Mapping[str, str]  # record id -> author key id
    bundle: VerifiedBundle

    @property
    def fields(self) -> Mapping[str, Any]:
        return self.view.report.fields

    def person(self, key_id: str | None) -> Person | None:
        if not key_id:
            return None
        key = self.bundle.key(key_id)
        return Person(key_id, key is not None and key.role == "coordinator")

    def verification(self) -> str | None:
        return report_state(self.records).verification

    def risk_flags(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in risk_flags(self.fields))

    def risk_override(self) -> tuple[frozenset[str], str]:
        """Coordinators (by key id, per the verified bundle) who approved an override."""
        entries = [e for e in self.records.of("approval")
                   if e.content.get("action") == "risk_override"]
        by = {self.authors.get(e.record_id) for e in entries}
        coordinators = frozenset(k for k in by if k and (p := self.person(k)) is not None
                                 and p.is_coordinator)
        reasons = " / ".join(str(e.content.get("reason", "")).strip() for e in entries)
        return coordinators, reasons

    def known(self) -> KnownIdentifiers:
        return KnownIdentifiers.from_mapping(known_identifiers(self.fields))

    def original_texts(self) -> tuple[str, ...]:
        """The reporter's own free texts a release must not copy (S18)."""
        un_link = self.fields.get("un_link")
        reason = un_link.get("reason") if isinstance(un_link, Mapping) else None
        texts = (narrative(self.fields), reason if isinstance(reason, str) else "")
        return tuple(t for t in texts if t.strip())

    def language(self) -> str:
        return language(self.fields)

    def latest_draft(self) -> Entry | None:
        """The head of the drafts' ``supersedes`` chain (the API does not promise arrival
        order); on a fork, the later day wins."""
        drafts = {e.record_id: e for e in self.records.of("release_draft")}

        def depth(entry: Entry) -> int:
            seen, count = {entry.record_id}, 0
            while entry.supersedes in drafts and entry.supersedes not in seen:
                entry = drafts[entry.supersedes]
                seen.add(entry.record_id)
                count += 1
            return count

        return max(drafts.values(), key=lambda e: (depth(e), e.day), default=None)

    def releases(self) -> dict[str, Mapping[str, Any]]:
        """record id -> the latest sealed ``release`` record content (highest version)."""
        latest: dict[str, Mapping[str, Any]] = {}
        for entry in self.records.of("release"):
            content = entry.content
            rid = str(content.get("record_id"))
            if rid not in latest or int(content["version"]) > int(latest[rid]["version"]):
                latest[rid] = content
        return latest

    def withdrawn_records(self) -> set[str]:
        return {str(e.content.get("record_id")) for e in self.records.of("release_withdrawn")}

    def attachment_choices(self, blob_ids: tuple[str, ...]) -> tuple[AttachmentChoice, ...]:
        approvals = {str(e.content.get("blob_id")): e for e in
                     self.records.of("release_attachment")}
        choices = []
        for blob_id in blob_ids:
            entry = approvals.get(blob_id)
            choices.append(AttachmentChoice(
                blob_id, scrubbed=entry is not None,
                metadata_free=bool(entry and entry.content.get("metadata_free")),
                approved_by=self.authors.get(entry.record_id) if entry else None))
        return tuple(choices)

    def attachment_approvals(self) -> tuple[Approval, ...]:
        """Every sealed ``release_attachment`` record of this report, with its author."""
        return tuple(
            Approval(str(e.content.get("blob_id")), str(e.content.get("scrubbed_sha256")),
                     e.content.get("metadata_free") is True, self.authors.get(e.record_id))
            for e in self.records.of("release_attachment"))

    def scrubbed(self, blob_id: str) -> ScrubbedFile:
        """Open one attachment of this report in memory and scrub it in the sandbox as the
        case base takes it (a PDF becomes one PNG of its pages)."""
        entry = next((a for a in self.view.report.attachments if a.blob_id == blob_id), None)
        if entry is None:
            raise ReleaseError("no such attachment in this report")
        client = api()
        data = b"".join(open_attachment(entry, lambda bid: client.blob(self.report_id, bid)))
        return scrub_for_release(data, reviewer_state().scrub_limits)

    def scrubbed_copy(self, blob_id: str) -> ScrubbedCopy:
        try:
            clean = self.scrubbed(blob_id)
        except ScrubError as exc:
            raise AttachmentRefused(f"attachment {blob_id[:12]}: {exc}") from None
        return ScrubbedCopy(blob_id, clean.data, clean.media_type)


def load_context(report_id: str) -> ReportContext:
    state = reviewer_state()
    client = api()
    view = open_for_review(client, report_id, keys(), state.bundles)
    raw = client.records(report_id=report_id)
    trusted = state.bundles.current()
    opened = open_records(raw, keys(), trusted.authors(), reviewer_names())
    authors = {r.record_id: r.author_key_id for r in raw}
    return ReportContext(report_id, view, opened, authors, trusted.bundle)
