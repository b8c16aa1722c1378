"""Errors of the release gate, package building and the outbox, each with a stable code."""

from __future__ import annotations

from reviewer.errors import ReviewerError


class ReleaseError(ReviewerError):
    code = "release_error"


class ReleaseConfigError(ReleaseError):
    """A ``release_*`` setting of ``[reviewer]`` is missing or out of range."""

    code = "release_config"


class ReleaseKeyMissing(ReleaseError):
    """The organisation's release subkey is not on this host (or does not load)."""

    code = "release_key_missing"


class DraftInvalid(ReleaseError):
    """A release draft field is missing or outside its vocabulary; the message names it."""

    code = "draft_invalid"


class AnonymityUnavailable(ReleaseError):
    """The case base could not answer the k-anonymity query: the gate refuses (fail closed).

    ``reason`` says why in a stable word (no_token, unreachable, refused, unknown_shape) and
    ``detail`` holds its values, so a page can name it in the reader's language; the message
    stays English for the gate's reasons and the logs."""

    code = "anonymity_unavailable"

    def __init__(self, message: str, *, reason: str, **detail: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail


class GateRefused(ReleaseError):
    """The gate refused; ``reasons`` carries every failing rule in words."""

    code = "gate_refused"

    def __init__(self, reasons: list, checked: object = None) -> None:  # type: ignore[type-arg]
        super().__init__("; ".join(r.message for r in reasons))
        self.reasons = reasons
        self.checked = checked  # the facts and result, to show the page again


class OutboxError(ReleaseError):
    code = "outbox_error"


class AttachmentRefused(ReleaseError):
    """An attachment cannot go into the package: not approved, not the approved copy, not
    an image, still carrying metadata, or over the size caps; the message names it."""

    code = "attachment_refused"
