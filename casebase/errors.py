"""Errors of the case base. Each has a stable ``code`` (API error bodies) and an HTTP status."""

from __future__ import annotations


class CasebaseError(Exception):
    code = "casebase_error"
    status = 400


class InvalidPackage(CasebaseError):
    """The package is not JSON, or breaks the schema or a semantic rule of SCHEMA.md."""

    code = "invalid_package"
    status = 422

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class UntrustedKey(CasebaseError):
    code = "untrusted_key"
    status = 403


class OrgMismatch(CasebaseError):
    code = "org_mismatch"
    status = 403


class VersionConflict(CasebaseError):
    code = "version_conflict"
    status = 409


class RecordWithdrawn(CasebaseError):
    code = "record_withdrawn"
    status = 409


class TrustChangeRejected(CasebaseError):
    """A trust-list change lacks two valid administrator signatures or is inconsistent."""

    code = "trust_change_rejected"
    status = 403


class BadQuery(CasebaseError):
    """A search, filter, sort or page parameter is not acceptable."""

    code = "bad_query"
    status = 400


class NotFound(CasebaseError):
    """Unknown and withdrawn records give this same answer (S20)."""

    code = "not_found"
    status = 404


class Unauthorized(CasebaseError):
    code = "unauthorized"
    status = 401


class AccountError(CasebaseError):
    code = "account_error"
    status = 400
