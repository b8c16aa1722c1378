"""Scrubbed attachments inside a release package (S15, DESIGN.md §5 rule 8).

Where the scrubbed bytes live: nowhere but in memory. The original stays sealed in the
vault (ciphertext only); approving an attachment for release (``release_support.
approve_attachment``) scrubs it in the sandbox and seals a ``release_attachment`` record
with the scrubbed copy's hash. Whenever a package is built (the drafter's signature, the
approver's), the reviewer app opens the original in memory and runs the same sandboxed
scrub again: the scrub is deterministic (pixels re-encoded by the same Pillow), so the copy
must hash to what was approved, and the builder refuses it otherwise. No scrubbed copy is
ever written to the vault, to a disk, or kept in a sealed record (records are read on every
page; a photo in each would make every page heavy and could exceed the record limit).

Each attachment goes into the record as ``{media_type, sha256, size, data, caption?}``
(casebase/SCHEMA.md): only images (PNG or JPEG — the case base serves nothing a viewer
could run), each checked again with ``metadata_found`` on the exact bytes that go in,
within ``release_attachment_max_bytes`` each and ``release_attachments_max_bytes`` in all.
The sealed draft and release records keep the entries without ``data``; the approver's
step puts the re-scrubbed bytes back, and the drafter's signature over the whole body holds
only if they are the very bytes the drafter signed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reviewer.release.draft import MAX_CAPTION
from reviewer.release.errors import AttachmentRefused
from reviewer.release.metadata import metadata_found
from reviewer.release.settings import ReleaseSettings
from vault.canonical import b64encode

RELEASE_MEDIA_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}


@dataclass(frozen=True)
class ScrubbedCopy:
    """A scrubbed copy made in the sandbox just now, held in memory only."""

    blob_id: str
    data: bytes
    media_type: str


@dataclass(frozen=True)
class Approval:
    """A sealed ``release_attachment`` record: who approved which scrubbed copy."""

    blob_id: str
    scrubbed_sha256: str
    metadata_free: bool
    approved_by: str | None


def package_attachment(copy: ScrubbedCopy, approvals: Iterable[Approval], caption: str,
                       settings: ReleaseSettings) -> dict[str, Any]:
    """The record entry for one attachment, or ``AttachmentRefused`` naming why not."""
    name = copy.blob_id[:12]
    approved = [a for a in approvals if a.blob_id == copy.blob_id and a.metadata_free
                and a.approved_by]
    if not approved:
        raise AttachmentRefused(f"attachment {name} was not approved on its own")
    digest = hashlib.sha256(copy.data).hexdigest()
    if digest not in {a.scrubbed_sha256 for a in approved}:
        raise AttachmentRefused(
            f"attachment {name}: the scrubbed copy made now ({digest[:12]}) is not the one "
            "that was approved; scrub and approve it again")
    magic = RELEASE_MEDIA_TYPES.get(copy.media_type)
    if magic is None or not copy.data.startswith(magic):
        raise AttachmentRefused(
            f"attachment {name}: only PNG and JPEG images go to the case base, not "
            f"{copy.media_type}")
    found = metadata_found(copy.data, copy.media_type)
    if found:
        raise AttachmentRefused(f"attachment {name} still carries metadata: {', '.join(found)}")
    if len(copy.data) > settings.attachment_max_bytes:
        raise AttachmentRefused(
            f"attachment {name} is {len(copy.data)} bytes, over the "
            f"{settings.attachment_max_bytes} bytes a released attachment may have")
    entry: dict[str, Any] = {"media_type": copy.media_type, "sha256": digest,
                             "size": len(copy.data), "data": b64encode(copy.data)}
    caption = caption.strip()
    if len(caption) > MAX_CAPTION:
        raise AttachmentRefused(f"attachment {name}: a caption has at most {MAX_CAPTION} "
                                "characters")
    if caption:
        entry["caption"] = caption
    return entry


def package_attachments(copies: Sequence[ScrubbedCopy], approvals: Iterable[Approval],
                        captions: Sequence[str],
                        settings: ReleaseSettings) -> list[dict[str, Any]]:
    """Every chosen attachment, in order, or ``AttachmentRefused`` for the first bad one."""
    approvals = tuple(approvals)
    if len({c.blob_id for c in copies}) != len(copies):
        raise AttachmentRefused("an attachment is chosen twice")
    entries = [package_attachment(copy, approvals, caption, settings)
               for copy, caption in zip(copies, _padded(captions, len(copies)), strict=True)]
    total = sum(e["size"] for e in entries)
    if total > settings.attachments_max_bytes:
        raise AttachmentRefused(
            f"the attachments come to {total} bytes, over the "
            f"{settings.attachments_max_bytes} bytes one package may carry")
    return entries


def build_entries(blob_ids: Sequence[str], captions: Sequence[str],
                  scrub_copy: Callable[[str], ScrubbedCopy], approvals: Iterable[Approval],
                  settings: ReleaseSettings) -> list[dict[str, Any]]:
    """Scrub each chosen attachment again (``scrub_copy``) and build its record entry."""
    return package_attachments([scrub_copy(b) for b in blob_ids], approvals, captions,
                               settings)


def without_data(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as the sealed reviewer records keep it: attachments without bytes."""
    out = dict(record)
    if "attachments" in out:
        out["attachments"] = [{k: v for k, v in a.items() if k != "data"}
                              for a in out["attachments"]]
    return out


def without_attachments(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "attachments"}


def with_data(record: Mapping[str, Any],
              entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Put freshly built entries (with bytes) back into a stored record; every entry must
    be what the stored one says (hash, size, type, caption) or nothing is released."""
    stored = list(record.get("attachments") or [])
    if [without_data({"attachments": [e]})["attachments"][0] for e in entries] != stored:
        raise AttachmentRefused("the attachments are not the ones the draft was signed with: "
                                "the drafter must draft again")
    out = dict(record)
    if entries:
        out["attachments"] = [dict(e) for e in entries]
    return out


def _padded(captions: Sequence[str], count: int) -> list[str]:
    return [str(c or "") for c in captions[:count]] + [""] * max(0, count - len(captions))
