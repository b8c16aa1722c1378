"""Reviewer records read back as a report's or case's working state.

Records are immutable and signed; the state is a fold over them in (day, arrival) order.
A record that fails to open or verify is never dropped silently: it becomes a named warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reviewer.errors import RecordInvalid
from reviewer.keyring import ReviewerKeys
from reviewer.records import OpenedRecord, Recipient, open_record
from reviewer.vault_types import Record

CHECKS = ("corroboration", "un_link", "timing", "identity")


@dataclass(frozen=True)
class Entry:
    """One opened record with its author's name for display."""

    kind: str
    day: str
    author: str
    content: Mapping[str, Any] = field(repr=False)  # decrypted: kept out of logs
    record_id: str = ""
    author_id: str = ""  # the account that signed it (names can repeat, ids cannot)
    supersedes: str | None = None


@dataclass
class Opened:
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def of(self, *kinds: str) -> list[Entry]:
        return [e for e in self.entries if e.kind in kinds]


def open_records(records: Iterable[Record], keys: ReviewerKeys,
                 authors: Mapping[str, Recipient], names: Mapping[str, str]) -> Opened:
    opened = Opened()
    for record in records:
        try:
            item: OpenedRecord = open_record(record, keys, authors)
        except RecordInvalid as exc:
            opened.warnings.append(f"record_invalid: {record.kind} {record.record_id}: {exc}")
            continue
        opened.entries.append(Entry(record.kind, record.day,
                                    names.get(record.author_account_id, "unknown reviewer"),
                                    item.content, record.record_id,
                                    record.author_account_id, record.supersedes))
    opened.entries = in_order(opened.entries)
    return opened


def in_order(entries: list[Entry]) -> list[Entry]:
    """Records carry a day, not a time; their order is the ``supersedes`` chain each new
    record of a kind extends (``service.write_record``): sort by day, then chain depth."""
    by_id = {e.record_id: e for e in entries}
    depth: dict[str, int] = {}

    def depth_of(entry: Entry) -> int:
        seen: list[Entry] = []
        current: Entry | None = entry
        while current is not None and current.record_id not in depth:
            if current in seen:  # a cycle cannot be made by honest authors: stop there
                break
            seen.append(current)
            current = by_id.get(current.supersedes or "")
        base = depth.get(current.record_id, -1) if current is not None else -1
        for offset, item in enumerate(reversed(seen), start=1):
            depth[item.record_id] = base + offset
        return depth[entry.record_id]

    return sorted(entries, key=lambda e: (e.day, depth_of(e)))


@dataclass(frozen=True)
class ReportState:
    status: str
    verification: str | None
    reliability: str | None
    labels: tuple[str, ...]
    checklist: Mapping[str, bool]
    country: str | None
    acts: tuple[str, ...]
    urgent: bool
    history: tuple[Entry, ...]
    notes: tuple[Entry, ...]
    consents: tuple[Entry, ...]
    approvals: tuple[Entry, ...]


def report_state(opened: Opened) -> ReportState:
    status, verification, reliability = "new", None, None
    for entry in opened.of("status"):
        status = str(entry.content.get("status", status))
        verification = entry.content.get("verification") or verification
        reliability = entry.content.get("reliability") or reliability
    labels: dict[str, bool] = {}
    for entry in opened.of("label"):
        labels[str(entry.content.get("label", ""))] = not entry.content.get("removed", False)
    checklist = {name: False for name in CHECKS}
    for entry in opened.of("checklist"):
        checklist.update({n: bool(entry.content.get(n)) for n in CHECKS})
    triage = opened.of("triage")
    latest: Mapping[str, Any] = triage[-1].content if triage else {}
    return ReportState(
        status=status, verification=verification, reliability=reliability,
        labels=tuple(sorted(name for name, on in labels.items() if on and name)),
        checklist=checklist, country=latest.get("country"),
        acts=tuple(latest.get("acts", ())), urgent=bool(latest.get("urgent")),
        history=tuple(opened.of("status", "checklist", "triage", "label")),
        notes=tuple(opened.of("note")), consents=tuple(opened.of("consent")),
        approvals=tuple(opened.of("approval")),
    )


def distinct_approvers(approvals: Iterable[Entry], action: str) -> set[str]:
    """Two coordinators, not one twice: count distinct signing accounts of an approval."""
    return {e.author_id or e.author for e in approvals if e.content.get("action") == action}


URGENT_APPEAL_LEVELS = frozenset({"confirmed", "likely", "possible"})
APPROVERS_NEEDED = 2


@dataclass(frozen=True)
class UrgentAppeal:
    approvers: int
    level_ok: bool

    @property
    def ready(self) -> bool:
        return self.level_ok and self.approvers >= APPROVERS_NEEDED


def urgent_appeal(state: ReportState) -> UrgentAppeal:
    """DESIGN.md §5: an urgent appeal may go at "Possible" with two coordinators' approval."""
    return UrgentAppeal(len(distinct_approvers(state.approvals, "urgent_appeal")),
                        state.verification in URGENT_APPEAL_LEVELS)


def acknowledge_by(report_day: str, within_days: int) -> str:
    day = dt.date.fromisoformat(report_day) + dt.timedelta(days=within_days)
    return day.isoformat()


@dataclass(frozen=True)
class CaseState:
    case_id: str
    title: str
    kind: str
    merged_into: str | None
    reports: tuple[str, ...]
    people: tuple[Entry, ...]
    sources: tuple[Entry, ...]
    evidence: tuple[Entry, ...]
    actions: tuple[Entry, ...]
    reminders: tuple[Entry, ...]


def case_states(opened_by_case: Mapping[str, Opened]) -> dict[str, CaseState]:
    """Fold each case's records; a merged case's records count for the case it joined."""
    merged_into: dict[str, str] = {}
    for case_id, opened in opened_by_case.items():
        for entry in opened.of("case_merge"):
            other = str(entry.content.get("merged_case_id", ""))
            if other and other != case_id:
                merged_into[other] = case_id
    states: dict[str, CaseState] = {}
    for case_id, opened in opened_by_case.items():
        entries = list(opened.entries)
        for other, target in merged_into.items():
            if target == case_id and other in opened_by_case:
                entries.extend(opened_by_case[other].entries)
        head = next((e for e in opened.entries if e.kind == "case"), None)
        if head is None:
            continue
        states[case_id] = _case_state(case_id, head, entries, merged_into.get(case_id))
    return states


def _case_state(case_id: str, head: Entry, entries: list[Entry],
                merged_into: str | None) -> CaseState:
    def of(kind: str) -> tuple[Entry, ...]:
        return tuple(e for e in entries if e.kind == kind)

    reports = tuple(dict.fromkeys(str(e.content.get("report_id")) for e in of("case_link")))
    return CaseState(
        case_id=case_id, title=str(head.content.get("title", "")),
        kind=str(head.content.get("kind", "individual")), merged_into=merged_into,
        reports=reports, people=of("person"), sources=of("source"), evidence=of("evidence"),
        actions=of("action_log"), reminders=of("reminder"),
    )
