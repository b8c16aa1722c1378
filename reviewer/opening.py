"""Open a report for review: decrypt in this process, run every check, name every failure.

The envelope, the reporter's events and the attachments are checked as vault/SPEC.md
§4.4, §4.6, §6.2 say (header MAC, stanza set, manifest and blobs, event signatures and
sequence). The report itself must open, or nothing is shown (``ReportUnreadable`` names
why). Failures that leave the report readable — a blob missing or altered, a broken event
chain — become named warnings on the page, and the events that still verify on their own
are shown, marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import lazy_gettext as _l

from reviewer.errors import ReviewerError
from reviewer.keyring import ReviewerKeys
from reviewer.trust import BundleCache
from reviewer.vault_client import VaultClient
from reviewer.vault_types import ReportDetail, Stanza
from vault.attachments import SealedAttachment
from vault.bundle import VerifiedBundle
from vault.crypto import decrypt_body
from vault.errors import VaultError
from vault.events import ConsentState, OpenedEvent, consent_state, parse_signed_event
from vault.format import parse_envelope
from vault.open import OpenedReport, open_report, open_reporter_events
from vault.unwrap import unwrap_report_key


class ReportUnreadable(ReviewerError):
    code = "report_unreadable"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Warning:
    code: str
    message: Any  # text, or a lazy translation


@dataclass
class ReportView:
    detail: ReportDetail
    report: OpenedReport
    bundle: VerifiedBundle
    key_id: str
    grant: dict[str, Any] | None
    event_grants: dict[str, dict[str, Any]] = field(default_factory=dict)  # by header hash
    events: list[OpenedEvent] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    consent: ConsentState = field(default_factory=ConsentState)

    @property
    def withdrawals(self) -> list[OpenedEvent]:
        return [e for e in self.events if e.type == "withdrawal"]

    @property
    def receipt_burned(self) -> OpenedEvent | None:
        """The reporter's signed ``receipt_burned`` event: they can no longer read replies."""
        return next((e for e in self.events if e.type == "receipt_burned"), None)


def open_for_review(client: VaultClient, report_id: str, keys: ReviewerKeys,
                    bundles: BundleCache) -> ReportView:
    detail = client.report(report_id)
    stanza = client.stanza(report_id)  # the audited decrypt request (and the grant, if any)
    view = _open_envelope(detail, stanza, keys, bundles)
    _open_events(view, keys, bundles)
    _add_event_files(view)
    _check_blob_index(view)
    view.consent = consent_state(view.events, view.report.reporter_signing_pk,
                                 initial=view.report.initial_consent)
    if view.report.server_sealed:
        view.warnings.append(Warning("server_sealed", _l(
            "Sealed by the server on the no-JS path: the intake server saw this report in "
            "plaintext.")))
    return view


def _open_envelope(detail: ReportDetail, stanza: Stanza, keys: ReviewerKeys,
                   bundles: BundleCache) -> ReportView:
    try:
        info = parse_envelope(detail.envelope)
        bundle = bundles.for_envelope(info.bundle_sha256)
        grant = dict(stanza.grant) if stanza.grant else None
        report = open_report(detail.envelope, stanza.key_id,
                             bytes(keys.private_key(stanza.key_id)), bundle, grant=grant,
                             grant_bundle=bundles.current().bundle if grant else None)
    except VaultError as exc:
        raise ReportUnreadable(exc.code, str(exc)) from None
    event_grants = {}
    for signed in stanza.event_grants:
        header_hash = signed.get("grant", {}).get("header_hash")
        if isinstance(header_hash, str):
            event_grants[header_hash] = dict(signed)
    return ReportView(detail, report, bundle, stanza.key_id, grant, event_grants)


def _add_event_files(view: ReportView) -> None:
    """Files a reporter added later (``file_added`` events) join the envelope's attachments.

    Each entry comes from a signed event whose signature and chain were verified, so the
    blob is bound to this report by the reporter (SPEC §4.2, S1/S2); downloads then run every
    check of ``open_attachment`` on it, as for the envelope's files.
    """
    entries = list(view.report.attachments)
    known = {e.blob_id for e in entries}
    for event in view.events:
        if event.type != "file_added":
            continue
        for raw in event.payload.get("attachments", []):
            try:
                entry = SealedAttachment.from_manifest(raw)
                entry.check_layout()
            except VaultError as exc:
                view.warnings.append(Warning(exc.code, _l(
                    "a file added in reporter event %(n)s is malformed", n=event.seq)))
                continue
            if entry.blob_id in known:
                view.warnings.append(Warning("manifest_mismatch", _l(
                    "reporter event %(n)s names a file listed before", n=event.seq)))
                continue
            known.add(entry.blob_id)
            entries.append(entry)
    view.report = replace(view.report, attachments=tuple(entries))


def _check_blob_index(view: ReportView) -> None:
    """Cheap checks against the API's blob index; the hash is checked on every download."""
    stored = {b.blob_id: b.ct_len for b in view.detail.blobs}
    for entry in view.report.attachments:
        if entry.blob_id not in stored:
            view.warnings.append(Warning("manifest_mismatch", _l(
                "attachment %(blob)s is missing from the vault", blob=entry.blob_id[:12])))
        elif stored[entry.blob_id] != entry.ct_len:
            view.warnings.append(Warning("manifest_mismatch", _l(
                "attachment %(blob)s has the wrong stored length", blob=entry.blob_id[:12])))
    named = {e.blob_id for e in view.report.attachments}
    extra = [blob_id for blob_id in stored if blob_id not in named]
    if extra:
        # Stored for this report but named by nothing this key could open and verify (an
        # event not yet granted, or a blob that does not belong): never offered for download.
        view.warnings.append(Warning("manifest_mismatch", _l(
            "%(n)s stored file(s) are named by no report or reporter event you could verify",
            n=len(extra))))


def _open_events(view: ReportView, keys: ReviewerKeys, bundles: BundleCache) -> None:
    stored = sorted((e for e in view.detail.events if e.direction == "from_reporter"),
                    key=lambda e: e.seq)
    if not stored:
        return
    sk = bytes(keys.private_key(view.key_id))
    not_granted = [e for e in stored if not _reachable(e.sealed, view)]
    if not_granted:
        # Sealed to the triage set after this key's assignment: a coordinator re-grants
        # them by opening the report (reviewer/README.md, "Assignees and reporter events").
        view.warnings.append(Warning("event_not_granted", _l(
            "%(n)s reporter message(s) arrived after your assignment and are not yet granted "
            "to your key: a coordinator grants them by opening this report.",
            n=len(not_granted))))
        view.events = _events_one_by_one(
            [e.sealed for e in stored if e not in not_granted], view, sk, bundles)
        return
    try:
        table = {view.bundle.sha256: view.bundle}
        for event in stored:
            sha = parse_envelope(event.sealed).bundle_sha256
            table.setdefault(sha, bundles.for_envelope(sha))
        view.events = open_reporter_events(
            [e.sealed for e in stored], view.key_id, sk, table,
            view.report.reporter_signing_pk, report_id=view.report.report_id,
            grants=view.event_grants)
        return
    except VaultError as exc:
        view.warnings.append(Warning(exc.code, f"reporter events: {exc}"))
    view.events = _events_one_by_one([e.sealed for e in stored], view, sk, bundles)


def _reachable(envelope: bytes, view: ReportView) -> bool:
    """This key has a stanza in the event's header or a grant naming it."""
    try:
        info = parse_envelope(envelope)
    except VaultError:
        return True  # malformed: let the opening name the failure
    return (view.key_id in {s.key_id.hex() for s in info.stanzas}
            or info.header_hash.hex() in view.event_grants)


def _events_one_by_one(envelopes: list[bytes], view: ReportView, sk: bytes,
                       bundles: BundleCache) -> list[OpenedEvent]:
    """After a chain failure: every event that opens and verifies alone, each failure named."""
    from nacl.signing import VerifyKey

    reporter_vk = VerifyKey(view.report.reporter_signing_pk)
    events = []
    for index, envelope in enumerate(envelopes, start=1):
        try:
            info = parse_envelope(envelope)
            bundle = bundles.for_envelope(info.bundle_sha256)
            grant = view.event_grants.get(info.header_hash.hex())
            key = unwrap_report_key(info, view.key_id, sk, bundle, grant=grant,
                                    grant_bundle=bundles.current().bundle if grant else None)
            event = parse_signed_event(decrypt_body(key, info.nonce, info.body, info.header),
                                       reporter_vk)
            if event.report_id != view.report.report_id:
                view.warnings.append(Warning("event_replay", _l(
                    "stored event %(n)s belongs to another report", n=index)))
                continue
            events.append(event)
        except VaultError as exc:
            view.warnings.append(Warning(exc.code, f"stored event {index}: {exc}"))
    return events
