"""The watchdog's canary inbox (S10): look at the site the way a reporter with a receipt does.

A seized intake could serve altered answers only to people who open an inbox, where a plain
fetch of the pages never looks. The organisation files a canary report with ``haven submit``
and gives its receipt to the watchdogs (a file they keep: ``{"receipt": "...",
"instance_id": "..."}``). ``haven verify-site --canary FILE`` then opens that inbox as the
reporter's browser does — receipt → keys (argon2id), a proof of work, ``POST /api/v1/inbox``
— and checks that the answer is JSON data only (never HTML or script, S10), is not cached,
and that every reply still there opens with the receipt keys and is signed by a key of the
verified bundle, in an unbroken chain (S1). Replies the canary has read are deleted by the
site after its retention period, like anyone's (S6).

Public API: ``Canary.load(path)`` and ``check_canary_inbox(session, base_url, canary,
bundle) -> CanaryResult``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haven.errors import HavenError

HTTP_TIMEOUT = 60


class CanaryUnreadable(HavenError):
    """The canary file is missing or is not ``{"receipt", "instance_id"}``."""


@dataclass(frozen=True)
class Canary:
    receipt: str
    instance_id: str

    @classmethod
    def load(cls, path: Path) -> Canary:
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(str(data["receipt"]), str(data["instance_id"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CanaryUnreadable(f"{path}: not a canary file ({type(exc).__name__}); "
                                   'expected {"receipt": "...", "instance_id": "..."}') from None


@dataclass(frozen=True)
class CanaryResult:
    ok: bool
    problem: str = ""
    replies: int = 0
    state: str = ""


def check_canary_inbox(session: Any, base_url: str, canary: Canary, bundle: Any) -> CanaryResult:
    """Open the canary's inbox at ``base_url`` and check what comes back."""
    from vault.canonical import b64decode, b64encode
    from vault.errors import VaultError
    from vault.receipts import derive_receipt_keys

    try:
        keys = derive_receipt_keys(canary.receipt, canary.instance_id)
    except (ValueError, VaultError) as exc:
        return CanaryResult(False, f"the canary receipt is not a receipt ({exc})")
    binding = hashlib.sha256(keys.lookup_id).hexdigest()
    try:
        answer = session.post(f"{base_url}/api/v1/inbox", timeout=HTTP_TIMEOUT, json={
            "lookup_id": b64encode(keys.lookup_id),
            "pow": _proof_of_work(session, base_url, binding)})
    except (OSError, ValueError) as exc:
        return CanaryResult(False, f"the inbox could not be reached ({type(exc).__name__})")
    problem = _answer_problem(answer)
    if problem:
        return CanaryResult(False, problem)
    inbox = answer.json()
    try:
        sealed = [b64decode(reply["sealed"]) for reply in inbox["replies"]]
        opened = _open_replies(sealed, keys, bundle, inbox["report_id"])
    except (VaultError, KeyError, TypeError, ValueError) as exc:
        return CanaryResult(False, f"a reply to the canary does not open or verify "
                                   f"({type(exc).__name__}: {exc})")
    return CanaryResult(True, "", len(opened), str(inbox.get("state", "")))


STATUS_PROBLEMS = {404: "the canary receipt opens nothing (purged, burned, or the site lost it)"}


def _answer_problem(answer: Any) -> str:
    if answer.status_code != 200:  # noqa: PLR2004
        return STATUS_PROBLEMS.get(answer.status_code,
                                   f"the inbox answered HTTP {answer.status_code}")
    media_type = answer.headers.get("Content-Type", "").split(";")[0].strip()
    if media_type != "application/json":
        return f"the inbox answered {media_type or 'no media type'}, not JSON data only"
    if "no-store" not in answer.headers.get("Cache-Control", ""):
        return "the inbox answer may be cached (no Cache-Control: no-store)"
    try:
        body = answer.json()
    except ValueError:
        return "the inbox answer is not JSON"
    if not isinstance(body, dict) or not isinstance(body.get("replies"), list):
        return "the inbox answer is not an inbox"
    return ""


def _open_replies(sealed: list[bytes], keys: Any, bundle: Any, report_id: str) -> list[Any]:
    from vault.reporter_open import open_reviewer_events

    return open_reviewer_events(sealed, keys, bundle, report_id=report_id,
                                from_first_present=True)


def _proof_of_work(session: Any, base_url: str, binding: str) -> dict[str, str]:
    from intake.pow import solve

    response = session.get(f"{base_url}/api/v1/pow", params={"scope": "receipt"},
                           timeout=HTTP_TIMEOUT)
    response.raise_for_status()
    challenge = response.json()
    return {"challenge": challenge["challenge"],
            "counter": solve(challenge["challenge"], binding, int(challenge["difficulty"]))}
