"""A small typed HTTP client for the vault API (vault/api/API.md), the reviewer app's only
way to the vault (S13). Every error answer becomes a specific ``VaultApiError`` subclass
carrying the API's stable code; answers are parsed into frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import requests

from reviewer import vault_types as t
from vault.action_signature import HEADER as ACTION_SIGNATURE_HEADER
from vault.action_signature import KEY_REQUEST
from vault.canonical import b64encode

MAX_PAGES = 1000  # 200 000 items: a server that never stops paging is refused

# (action, report id or None) -> the Haven-Action-Signature value (ReviewerKeys.sign_action)
ActionSigner = Callable[[str, str | None], str]


class VaultApiError(Exception):
    code = "vault_api_error"

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.api_code = code


class Unreachable(VaultApiError):
    code = "unreachable"


class Unauthenticated(VaultApiError):
    code = "unauthenticated"


class InvalidCredentials(VaultApiError):
    code = "invalid_credentials"


class Forbidden(VaultApiError):
    code = "forbidden"


class NoAccess(VaultApiError):
    code = "no_access"


class NotFound(VaultApiError):
    code = "not_found"


class Conflict(VaultApiError):
    code = "conflict"


class Locked(VaultApiError):
    code = "locked"

    def __init__(self, status: int, code: str, message: str, retry_after: int | None) -> None:
        super().__init__(status, code, message)
        self.retry_after = retry_after


class RateLimited(VaultApiError):
    code = "rate_limited"


class QuotaExceeded(VaultApiError):
    code = "quota_exceeded"


class Rejected(VaultApiError):
    """400/413/422: the API refused what we sent (bad_request, bad_signature, ...)."""

    code = "rejected"


class Unavailable(VaultApiError):
    code = "unavailable"


_BY_CODE: dict[str, type[VaultApiError]] = {
    "unauthenticated": Unauthenticated,
    "invalid_credentials": InvalidCredentials,
    "forbidden": Forbidden,
    "no_access": NoAccess,
    "not_found": NotFound,
    "conflict": Conflict,
    "sequence_conflict": Conflict,
    "stale_bundle": Conflict,
    "rate_limited": RateLimited,
    "quota_exceeded": QuotaExceeded,
    "unavailable": Unavailable,
}


class VaultClient:
    def __init__(self, base_url: str, timeout: float = 30, token: str | None = None,
                 http: requests.Session | None = None,
                 action_signer: ActionSigner | None = None) -> None:
        self.base_url = base_url.rstrip("/") + "/api/v1"
        self.timeout = timeout
        self.token = token
        self._http = http or requests.Session()
        self._action_signer = action_signer

    def with_token(self, token: str, action_signer: ActionSigner | None = None
                   ) -> VaultClient:
        """This client for one account; ``action_signer`` signs the key requests and
        client-reported actions the vault audits (S17), called only when one is sent."""
        return VaultClient(self.base_url[: -len("/api/v1")], self.timeout, token, self._http,
                           action_signer)

    def _signed(self, action: str, report_id: str | None) -> dict[str, str]:
        if self._action_signer is None:
            raise Rejected(0, "action_signature_missing",
                           "this request must be signed with the reviewer key: unlock it")
        return {ACTION_SIGNATURE_HEADER: self._action_signer(action, report_id)}

    # --- transport ---------------------------------------------------------------------

    def _request(self, method: str, path: str, *, json: Any = None,
                 params: dict[str, Any] | None = None, raw: bool = False,
                 extra_headers: dict[str, str] | None = None) -> Any:
        headers = {"Accept": "application/json", **(extra_headers or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, self.base_url + path, json=json,
                                          params=params, headers=headers,
                                          timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            reason = type(exc).__name__
            raise Unreachable(0, "unreachable",
                              f"the vault API is unreachable ({reason})") from None
        if not response.ok:
            raise _error(response)
        if raw:
            return response.content
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise t.BadResponse("the vault API answered something other than JSON") from None

    def _pages(self, path: str, key: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        cursor = None
        for _page in range(MAX_PAGES):
            query = {**(params or {}), "limit": 200}
            if cursor:
                query["cursor"] = cursor
            page = self._request("GET", path, params=query)
            yield from page.get(key, []) if isinstance(page, dict) else []
            cursor = page.get("next_cursor") if isinstance(page, dict) else None
            if not cursor:
                return
        raise t.BadResponse(f"the vault API kept paging past {MAX_PAGES} pages")

    # --- public and auth ---------------------------------------------------------------

    def organisation(self) -> dict[str, Any]:
        return self._request("GET", "/organisation")

    def bundle(self) -> dict[str, Any]:
        return self._request("GET", "/bundle")

    def bundle_by_sha256(self, sha256_hex: str) -> dict[str, Any] | None:
        """The earlier signed bundle whose payload hash an envelope names (unverified)."""
        answer = self._request("GET", "/bundles", params={"sha256": sha256_hex})
        listed = answer.get("bundles") if isinstance(answer, dict) else None
        if not isinstance(listed, list) or not listed or not isinstance(listed[0], dict):
            return None
        serial = listed[0].get("serial")
        if not isinstance(serial, int) or isinstance(serial, bool):
            raise t.BadResponse("the vault API listed a bundle without a serial")
        return self._request("GET", f"/bundles/{serial}")

    def login(self, username: str, password: str, *, totp: str | None = None,
              recovery_code: str | None = None) -> t.LoginResult:
        body: dict[str, Any] = {"username": username, "password": password}
        if recovery_code:
            body["recovery_code"] = recovery_code
        else:
            body["totp"] = totp or ""
        return t.LoginResult.from_json(self._request("POST", "/auth/login", json=body))

    def sign_in(self, username: str, password: str, *, totp: str | None = None,
                recovery_code: str | None = None) -> t.LoginResult | t.TotpEnrolmentNeeded:
        """Like ``login``, but with no code at all an account still to enrol its TOTP gets
        a fresh secret to scan (API.md §2); the next sign-in with a code confirms it."""
        body: dict[str, Any] = {"username": username, "password": password}
        if recovery_code:
            body["recovery_code"] = recovery_code
        elif totp:
            body["totp"] = totp
        answer = self._request("POST", "/auth/login", json=body)
        if isinstance(answer, dict) and answer.get("enrolment_required") is True:
            return t.TotpEnrolmentNeeded.from_json(answer)
        return t.LoginResult.from_json(answer)

    def logout(self) -> None:
        self._request("POST", "/auth/logout")

    def rotate(self) -> str:
        answer = self._request("POST", "/auth/rotate")
        if not isinstance(answer, dict) or not isinstance(answer.get("token"), str):
            raise t.BadResponse("rotate did not return a token")
        return answer["token"]

    def me(self) -> t.Account:
        return t.Account.from_json(self._request("GET", "/me"))

    def my_keys(self) -> list[t.WrappedKey]:
        return [t.WrappedKey.from_json(k) for k in self._request("GET", "/me/keys")["keys"]]

    def register_key(self, key_id: str, x25519_pk: bytes, ed25519_pk: bytes, *,
                     wrapped: bytes, salt: bytes, opslimit: int, memlimit: int) -> t.Key:
        """A new key, wrapped here; ``pending`` until an admin publishes a bundle with it."""
        body = {"key_id": key_id, "x25519_pk_b64": b64encode(x25519_pk),
                "ed25519_pk_b64": b64encode(ed25519_pk),
                "wrapped_secret_key_b64": b64encode(wrapped),
                "kdf": {"alg": "argon2id13", "salt_b64": b64encode(salt),
                        "opslimit": opslimit, "memlimit": memlimit}}
        return t.Key.from_json(self._request("POST", "/me/keys", json=body))

    def reviewers(self) -> list[t.Reviewer]:
        answer = self._request("GET", "/reviewers")
        return [t.Reviewer.from_json(r) for r in answer["reviewers"]]

    # --- reports -----------------------------------------------------------------------

    def reports(self) -> list[t.ReportSummary]:
        return [t.ReportSummary.from_json(r) for r in self._pages("/reports", "reports")]

    def report(self, report_id: str) -> t.ReportDetail:
        return t.ReportDetail.from_json(self._request("GET", f"/reports/{report_id}"))

    def stanza(self, report_id: str) -> t.Stanza:
        """The audited decrypt request, signed with the reviewer key (S17)."""
        return t.Stanza.from_json(self._request(
            "GET", f"/reports/{report_id}/stanza",
            extra_headers=self._signed(KEY_REQUEST, report_id)))

    def events(self, report_id: str, direction: str | None = None,
               after_seq: int | None = None) -> list[t.Event]:
        params: dict[str, Any] = {}
        if direction:
            params["direction"] = direction
        if after_seq is not None:
            params["after_seq"] = after_seq
        answer = self._request("GET", f"/reports/{report_id}/events", params=params)
        return [t.Event.from_json(e) for e in answer["events"]]

    def post_event(self, report_id: str, kind: str, seq: int, sealed: bytes) -> t.Event:
        body = {"kind": kind, "seq": seq, "sealed_b64": b64encode(sealed)}
        return t.Event.from_json(self._request("POST", f"/reports/{report_id}/events",
                                               json=body))

    def blob(self, report_id: str, blob_id: str) -> bytes:
        return self._request("GET", f"/reports/{report_id}/blobs/{blob_id}", raw=True)

    def grant(self, report_id: str, signed_grant: dict[str, Any]) -> t.Grant:
        """Upload a signed grant record (vault/SPEC.md §5) made by vault.open.grant_access."""
        return t.Grant.from_json(self._request("POST", f"/reports/{report_id}/grants",
                                               json=signed_grant))

    def reseal(self, report_id: str, envelope: bytes, events: list[dict[str, Any]]
               ) -> dict[str, Any]:
        """Key epoch: replace the report's (and its reporter events') envelopes with ones
        re-sealed to the current bundle; ``events`` = [{"seq", "sealed_b64"}]."""
        return self._request("POST", f"/reports/{report_id}/reseal", json={
            "envelope_b64": b64encode(envelope), "events": events})

    def revoke(self, report_id: str, key_id: str) -> None:
        self._request("DELETE", f"/reports/{report_id}/grants/{key_id}")

    # --- records and client audit ------------------------------------------------------

    def post_record(self, body: dict[str, Any]) -> t.Record:
        return t.Record.from_json(self._request("POST", "/records", json=body))

    def records(self, *, report_id: str | None = None, case_id: str | None = None,
                kind: str | None = None) -> list[t.Record]:
        params = {k: v for k, v in (("report_id", report_id), ("case_id", case_id),
                                    ("kind", kind)) if v}
        return [t.Record.from_json(r) for r in self._pages("/records", "records", params)]

    def audit_event(self, action: str, report_id: str | None = None) -> t.AuditEntry:
        body: dict[str, Any] = {"action": action}
        if report_id:
            body["report_id"] = report_id
        return t.AuditEntry.from_json(self._request(
            "POST", "/audit", json=body, extra_headers=self._signed(action, report_id or None)))

    # --- coordinators and admins -------------------------------------------------------

    def alerts(self) -> list[t.Alert]:
        return [t.Alert.from_json(a) for a in self._pages("/alerts", "alerts")]

    def audit_entries(self) -> list[t.AuditEntry]:
        return [t.AuditEntry.from_json(e) for e in self._pages("/audit", "entries")]

    def audit_verify(self) -> t.AuditVerification:
        return t.AuditVerification.from_json(self._request("GET", "/audit/verify"))

    def accounts(self) -> list[t.Account]:
        return [t.Account.from_json(a) for a in self._request("GET", "/accounts")["accounts"]]

    def create_account(self, username: str, roles: list[str], password: str) -> t.Enrolment:
        body = {"username": username, "roles": roles, "password": password}
        return t.Enrolment.from_json(self._request("POST", "/accounts", json=body))

    def reset_totp(self, account_id: str) -> t.Enrolment:
        return t.Enrolment.from_json(
            self._request("POST", f"/accounts/{account_id}/reset-totp"))

    def offboard(self, account_id: str) -> bool:
        """S6 offboarding; True when a new signed bundle must now be published."""
        answer = self._request("POST", f"/accounts/{account_id}/offboard")
        return bool(answer.get("bundle_republish_required")) if isinstance(answer, dict) else True

    def unlock_account(self, account_id: str) -> None:
        self._request("POST", f"/accounts/{account_id}/unlock")


def _error(response: requests.Response) -> VaultApiError:
    try:
        body = response.json()["error"]
        code, message = str(body["code"]), str(body["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "unknown", f"vault API error {response.status_code}"
    status = response.status_code
    if code == "locked" or status == 423:  # noqa: PLR2004
        retry = response.headers.get("Retry-After")
        return Locked(status, code, message, int(retry) if retry and retry.isdigit() else None)
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = Rejected if status in (400, 413, 422) else VaultApiError  # noqa: PLR2004
    return cls(status, code, message)
