from reviewer.inbox import build_inbox
from reviewer.vault_types import ReportSummary
from reviewer.workspace import Entry, Opened, case_states, distinct_approvers, report_state


def _e(kind, content, author="amira", day="2026-01-01"):
    return Entry(kind, day, author, content, f"id-{kind}-{len(str(content))}")


def test_report_state_folds_in_order():
    opened = Opened([
        _e("status", {"status": "triaged"}),
        _e("label", {"label": "detention"}),
        _e("label", {"label": "press"}),
        _e("label", {"label": "press", "removed": True}),
        _e("triage", {"country": "BH", "acts": ["travel_ban"], "urgent": True}),
        _e("status", {"status": "verified", "verification": "likely", "reliability": "high"},
           day="2026-01-02"),
        _e("checklist", {"corroboration": True, "timing": True}),
    ])
    state = report_state(opened)
    assert state.status == "verified"
    assert (state.verification, state.reliability) == ("likely", "high")
    assert state.labels == ("detention",)
    assert state.urgent
    assert state.country == "BH"
    assert state.acts == ("travel_ban",)
    assert state.checklist == {"corroboration": True, "un_link": False, "timing": True,
                               "identity": False}


def test_two_coordinators_not_one_twice():
    approvals = [_e("approval", {"action": "urgent_appeal"}, author="a"),
                 _e("approval", {"action": "urgent_appeal"}, author="a")]
    assert len(distinct_approvers(approvals, "urgent_appeal")) == 1
    approvals.append(_e("approval", {"action": "urgent_appeal"}, author="b"))
    assert len(distinct_approvers(approvals, "urgent_appeal")) == 2


def test_merged_case_records_join_the_target():
    opened = {
        "c1": Opened([_e("case", {"title": "A"}), _e("case_merge", {"merged_case_id": "c2"})]),
        "c2": Opened([_e("case", {"title": "B"}), _e("case_link", {"report_id": "r9"}),
                      _e("source", {"description": "s", "reliability": "high"})]),
    }
    states = case_states(opened)
    assert states["c1"].reports == ("r9",)
    assert len(states["c1"].sources) == 1
    assert states["c2"].merged_into == "c1"


def _summary(rid, day="2026-01-01", assignees=()):
    return ReportSummary(rid, day, 1, 0, 0, ("triage",), tuple(assignees), ("k",))


def test_inbox_filters_counts_and_reminders():
    opened = {
        "r1": Opened([_e("status", {"status": "triaged"}), _e("label", {"label": "x"}),
                      _e("triage", {"country": "cu", "acts": ["threats"], "urgent": True})]),
        "r2": Opened([]),
    }
    summaries = [_summary("r1", assignees=["acc1"]), _summary("r2")]
    names = {"acc1": "bo"}
    inbox = build_inbox(summaries, opened, names, {}, urgent_only=False, ack_days=7,
                        urgent_ack_days=1, today="2026-01-05")
    assert inbox.counts == {"triaged": 1, "new": 1}
    assert inbox.urgent_count == 1
    assert inbox.total == 2
    r2 = next(r for r in inbox.rows if r.report_id == "r2")
    assert r2.acknowledge_by == "2026-01-08"
    assert not r2.overdue
    for filters in ({"label": "x"}, {"country": "CU"}, {"act": "threats"}, {"assignee": "bo"},
                    {"status": "triaged"}):
        rows = build_inbox(summaries, opened, names, filters, urgent_only=False, ack_days=7,
                           urgent_ack_days=1).rows
        assert [r.report_id for r in rows] == ["r1"], filters
    urgent = build_inbox(summaries, opened, names, {}, urgent_only=True, ack_days=7,
                         urgent_ack_days=1, today="2026-01-05")
    assert [r.report_id for r in urgent.rows] == ["r1"]
    assert urgent.rows[0].acknowledge_by == "2026-01-02"
    late = build_inbox(summaries, opened, names, {}, urgent_only=False, ack_days=7,
                       urgent_ack_days=1, today="2026-01-20")
    assert next(r for r in late.rows if r.report_id == "r2").overdue
    assert late.urgent_overdue == 0  # r1 is urgent but already triaged
    opened["r1"] = Opened([_e("triage", {"urgent": True})])
    pressing = build_inbox(summaries, opened, names, {}, urgent_only=False, ack_days=7,
                           urgent_ack_days=1, today="2026-01-03")
    assert pressing.urgent_overdue == 1


def test_urgent_appeal_needs_two_accounts_and_possible_or_better():
    from reviewer.workspace import urgent_appeal

    def state(verification, *authors):
        entries = [Entry("approval", "d", "same name", {"action": "urgent_appeal"}, "r", a)
                   for a in authors]
        entries.append(Entry("status", "d", "x", {"status": "verified",
                                                   "verification": verification}, "s", "x"))
        return report_state(Opened(entries))

    assert not urgent_appeal(state("possible", "acc-1", "acc-1")).ready
    assert urgent_appeal(state("possible", "acc-1", "acc-2")).ready
    assert not urgent_appeal(state("unlikely", "acc-1", "acc-2")).ready


def test_supersedes_chain_orders_records_of_one_day():
    from reviewer.workspace import in_order

    first = Entry("status", "d", "a", {"status": "triaged"}, "r1", "a", None)
    second = Entry("status", "d", "a", {"status": "verified", "verification": "likely"},
                   "r2", "a", "r1")
    third = Entry("status", "d", "a", {"status": "held"}, "r3", "a", "r2")
    for shuffled in ([third, first, second], [second, third, first]):
        ordered = in_order(shuffled)
        assert [e.record_id for e in ordered] == ["r1", "r2", "r3"]
        assert report_state(Opened(ordered)).status == "held"
    loop = [Entry("label", "d", "a", {"label": "x"}, "x1", "a", "x2"),
            Entry("label", "d", "a", {"label": "y"}, "x2", "a", "x1")]
    assert len(in_order(loop)) == 2  # a forged cycle does not hang
