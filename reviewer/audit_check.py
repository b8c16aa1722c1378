"""The admin's audit view: the API's own chain check plus this app's memory of the last head.

The vault API verifies its hash chain (``/audit/verify``); that alone proves little if the
server rewrote the whole chain. The reviewer app therefore remembers the last head it saw
(entry count and hash, in its state directory) and checks that the current log still
contains that exact entry at that position (S17: the log only grows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reviewer.vault_types import AuditEntry, AuditVerification

HEAD_FILE = "audit-head.json"


@dataclass(frozen=True)
class AuditCheck:
    chain: AuditVerification
    previous_head: dict | None
    consistent: bool | None  # None when there was no remembered head
    problem: str | None


def check_audit(chain: AuditVerification, entries: list[AuditEntry],
                state_dir: Path) -> AuditCheck:
    previous = _load_head(state_dir)
    consistent, problem = None, None
    if previous is not None:
        count, head = previous["entries"], previous["head"]
        at = next((e for e in entries if e.seq == count), None)
        consistent = len(entries) >= count and at is not None and at.entry_hash == head
        if not consistent:
            problem = "the log no longer contains the head this app saw before"
    if not chain.ok:
        problem = chain.error or "the vault API reports a broken chain"
    if chain.ok and consistent is not False and entries:
        _store_head(state_dir, entries[-1])
    return AuditCheck(chain, previous, consistent, problem)


def _load_head(state_dir: Path) -> dict | None:
    try:
        data = json.loads((state_dir / HEAD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data.get("entries"), int) and isinstance(data.get("head"), str):
        return data
    return None


def _store_head(state_dir: Path, last: AuditEntry) -> None:
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        tmp = state_dir / (HEAD_FILE + ".tmp")
        tmp.write_text(json.dumps({"entries": last.seq, "head": last.entry_hash}), "utf-8")
        tmp.replace(state_dir / HEAD_FILE)
    except OSError:
        pass  # a read-only state dir only loses the cross-run check
