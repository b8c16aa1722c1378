"""Plain functions the views call: write and read sealed records through the API.

They use the request's session (token, unlocked key) through ``reviewer.web`` and the
verified bundle; nothing here renders HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g

from reviewer.records import seal_record
from reviewer.state import reviewer_state
from reviewer.vault_client import VaultApiError
from reviewer.vault_types import Record
from reviewer.web import api, keys
from reviewer.workspace import Opened, open_records

# Kinds whose latest record is the current state: each new one names the one before it.
CHAINED_KINDS = frozenset({"status", "label", "checklist", "triage", "redaction"})


def write_record(kind: str, content: Mapping[str, Any], *, report_id: str | None = None,
                 case_id: str | None = None, supersedes: str | None = None) -> Record:
    """Seal ``content`` to the verified bundle's reviewer keys, sign it, store it."""
    if supersedes is None and report_id and kind in CHAINED_KINDS:
        previous = read_records(report_id=report_id, kind=kind).entries
        supersedes = previous[-1].record_id if previous else None
    trusted = reviewer_state().bundles.current()
    body = seal_record(kind=kind, content=content, keys=keys(),
                       recipients=trusted.recipients(), report_id=report_id, case_id=case_id,
                       supersedes=supersedes)
    return api().post_record(body)


def reviewer_names() -> dict[str, str]:
    """account id -> username, for showing who wrote what (names are not secret here).

    Asked once per request: several parts of a page need it."""
    if "reviewer_names" not in g:
        try:
            g.reviewer_names = {r.account_id: r.username for r in api().reviewers()}
        except VaultApiError:
            g.reviewer_names = {}
    return g.reviewer_names


def read_records(*, report_id: str | None = None, case_id: str | None = None,
                 kind: str | None = None, names: Mapping[str, str] | None = None) -> Opened:
    records = api().records(report_id=report_id, case_id=case_id, kind=kind)
    trusted = reviewer_state().bundles.current()
    return open_records(records, keys(), trusted.authors(),
                        names if names is not None else reviewer_names())


def records_by_report(kinds: tuple[str, ...], names: Mapping[str, str]) -> dict[str, Opened]:
    """Every record of ``kinds`` this reviewer can read, opened, grouped by report."""
    trusted = reviewer_state().bundles.current()
    grouped: dict[str, list[Record]] = {}
    for kind in kinds:
        for record in api().records(kind=kind):
            if record.report_id:
                grouped.setdefault(record.report_id, []).append(record)
    return {rid: open_records(recs, keys(), trusted.authors(), names)
            for rid, recs in grouped.items()}


def records_by_case(names: Mapping[str, str]) -> dict[str, Opened]:
    trusted = reviewer_state().bundles.current()
    grouped: dict[str, list[Record]] = {}
    for kind in ("case", "case_link", "case_merge", "person", "source", "evidence",
                 "action_log", "reminder"):
        for record in api().records(kind=kind):
            if record.case_id:
                grouped.setdefault(record.case_id, []).append(record)
    return {cid: open_records(recs, keys(), trusted.authors(), names)
            for cid, recs in grouped.items()}
