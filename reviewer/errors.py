"""Errors of the reviewer app. Each has a stable ``code`` shown to the user and in tests."""

from __future__ import annotations

from haven.errors import HavenError


class ReviewerError(HavenError):
    """Base class of every error the reviewer app raises on purpose."""

    code = "reviewer_error"


class ReviewerConfigError(ReviewerError):
    code = "reviewer_config"


class KeyLocked(ReviewerError):
    """No unlocked private key for this session (never unlocked, idle auto-lock, logout)."""

    code = "key_locked"


class WrongPassphrase(ReviewerError):
    code = "wrong_passphrase"


class NotAuthorised(ReviewerError):
    code = "not_authorised"


class BundleUntrusted(ReviewerError):
    """The key bundle from the API does not verify against the organisation pin."""

    code = "bundle_untrusted"


class RecordInvalid(ReviewerError):
    """A reviewer record failed to open or its author signature does not verify."""

    code = "record_invalid"


class InvalidInput(ReviewerError):
    """A form value is missing or outside its vocabulary; the message names the field."""

    code = "invalid_input"


class ScrubError(ReviewerError):
    """The sandboxed scrubber refused or failed to convert a file."""

    code = "scrub_failed"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
