"""The inbox: the API's plaintext index joined with decrypted reviewer records, filtered
and counted in this process (labels, statuses, countries and acts are sealed at rest).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from reviewer.vault_types import ReportSummary
from reviewer.workspace import Opened, ReportState, acknowledge_by, report_state

FILTERS = ("status", "label", "assignee", "country", "act")


@dataclass(frozen=True)
class InboxRow:
    report_id: str
    day: str
    state: ReportState
    assignees: tuple[str, ...]
    access: tuple[str, ...]
    event_count: int
    blob_count: int
    acknowledge_by: str
    overdue: bool
    withdrawn: bool
    from_reporter: int  # events on the reporter's chain (all events minus those we sent)


@dataclass(frozen=True)
class Inbox:
    rows: tuple[InboxRow, ...]
    counts: Mapping[str, int]
    urgent_count: int
    urgent_overdue: int  # urgent reports not acknowledged by their (short) deadline
    withdrawn_count: int
    total: int
    labels: tuple[str, ...]
    countries: tuple[str, ...]


def build_inbox(summaries: list[ReportSummary], opened: Mapping[str, Opened],
                names: Mapping[str, str], filters: Mapping[str, str], *, urgent_only: bool,
                ack_days: int, urgent_ack_days: int, today: str | None = None) -> Inbox:
    today = today or dt.datetime.now(dt.UTC).date().isoformat()
    rows = [_row(s, opened.get(s.report_id, Opened()), names,
                 due_days=(ack_days, urgent_ack_days), today=today) for s in summaries]
    counts = Counter(row.state.status for row in rows)
    labels = sorted({label for row in rows for label in row.state.labels})
    countries = sorted({row.state.country for row in rows if row.state.country})
    selected = [row for row in rows if _matches(row, filters)
                and (row.state.urgent or not urgent_only)]
    if urgent_only:
        selected.sort(key=lambda row: row.acknowledge_by)  # most pressing first
    selected.sort(key=lambda row: not row.withdrawn)  # withdrawals first: never missed
    return Inbox(tuple(selected), dict(counts), sum(r.state.urgent for r in rows),
                 sum(r.state.urgent and r.overdue for r in rows),
                 sum(r.withdrawn for r in rows), len(rows), tuple(labels), tuple(countries))


def _row(summary: ReportSummary, opened: Opened, names: Mapping[str, str], *,
         due_days: tuple[int, int], today: str) -> InboxRow:
    state = report_state(opened)
    due = acknowledge_by(summary.day, due_days[1] if state.urgent else due_days[0])
    return InboxRow(
        report_id=summary.report_id, day=summary.day, state=state,
        assignees=tuple(names.get(a, a) for a in summary.assignees), access=summary.access,
        event_count=summary.event_count, blob_count=summary.blob_count, acknowledge_by=due,
        overdue=state.status == "new" and due < today, withdrawn=summary.state == "withdrawn",
        from_reporter=max(0, summary.event_count - len(opened.of("reviewer_event"))),
    )


def _matches(row: InboxRow, filters: Mapping[str, str]) -> bool:
    checks = {
        "status": lambda v: row.state.status == v,
        "label": lambda v: v in row.state.labels,
        "assignee": lambda v: v in row.assignees,
        "country": lambda v: (row.state.country or "").upper() == v.upper(),
        "act": lambda v: v in row.state.acts,
    }
    return all(checks[name](value) for name, value in filters.items()
               if name in checks and value)
