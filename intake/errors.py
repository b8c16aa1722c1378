"""Errors of the intake app. Each has a stable ``code`` used in JSON bodies and page messages."""

from __future__ import annotations

from haven.errors import HavenError


class IntakeError(HavenError):
    """Base class: a request the intake refuses on purpose, with an HTTP status."""

    code = "intake_error"
    status = 400


class IntakeConfigError(IntakeError):
    """The ``[intake]`` section, the keys or the bundle are wrong: the app fails closed."""

    code = "intake_misconfigured"
    status = 503


class TooLarge(IntakeError):
    code = "too_large"
    status = 413


class BadRequestBody(IntakeError):
    code = "bad_request"
    status = 400


class ProofOfWorkError(IntakeError):
    """The proof-of-work solution is missing, wrong, expired or already used."""

    code = "bad_proof_of_work"
    status = 403


class UnknownReceipt(IntakeError):
    """No report for this receipt (the same answer whatever the reason)."""

    code = "unknown_receipt"
    status = 404


class UploadError(IntakeError):
    code = "bad_upload"
    status = 422


class FormError(IntakeError):
    """A no-JS form value is not acceptable; ``field`` names the form field."""

    code = "bad_form"
    status = 400

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def vault_error_status(exc: Exception) -> int:
    """The HTTP status for a vault error met while accepting data (body: its ``code``).

    A rejected envelope, chunk or declaration is 422 (the spec's named error tells what is
    wrong); the rest follows what happened to the upload or the report.
    """
    from vault import errors as v

    statuses: tuple[tuple[type, int], ...] = (
        (v.DiskFull, 503),
        (v.UploadTooLarge, 413),
        (v.UnknownUpload, 404),
        (v.UploadExpired, 410),
        ((v.ChunkOutOfOrder, v.ChunkMismatch, v.DuplicateReport, v.DuplicateLookup,
          v.EventConflict, v.BlobAlreadyAttached), 409),
    )
    for kinds, status in statuses:
        if isinstance(exc, kinds):
            return status
    return 422
