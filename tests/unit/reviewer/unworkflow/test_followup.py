from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from reviewer.unworkflow.errors import FollowUpInvalid
from reviewer.unworkflow.followup import (
    casebase_follow_up,
    citations,
    in_period,
    parse_event,
    timeline,
)

TODAY = dt.date(2026, 11, 23)


@dataclass
class FakeEntry:  # the shape of reviewer.workspace.Entry the functions read
    content: dict[str, Any]
    day: str = "2026-11-23"
    author: str = "coord"
    kind: str = "followup_event"
    record_id: str = field(default="r")


def test_citation_government_response_and_statement_are_checked():
    cited = parse_event({"event": "cited_sg_report_new", "date": "2026-09",
                         "symbol": "A/HRC/63/30", "year": "2026", "annex": "annex_1",
                         "paragraph": "12(b)", "share_with_casebase": "1"}, TODAY)
    assert cited == {"event": "cited_sg_report_new", "date": "2026-09", "summary": "",
                     "share_with_casebase": True, "symbol": "A/HRC/63/30", "year": 2026,
                     "annex": "annex_1", "paragraph": "12(b)"}
    response = parse_event({"event": "government_response", "date": "2026-10-02",
                            "stance": "denies", "summary": "Denied any link."}, TODAY)
    assert response["stance"] == "denies"
    statement = parse_event({"event": "raised_by_states", "date": "2026",
                             "state": "no", "body": "HRC 63 item 5"}, TODAY)
    assert statement["state"] == "NO"


@pytest.mark.parametrize(("values", "field_name"), [
    ({"event": "tweeted", "date": "2026"}, "event"),
    ({"event": "other", "date": "2026-13"}, "date"),
    ({"event": "other", "date": "2026-02-30"}, "date"),
    ({"event": "other", "date": "2026-12-01"}, "date"),  # future
    ({"event": "other", "date": "2027"}, "date"),
    ({"event": "government_response", "date": "2026"}, "stance"),
    ({"event": "other", "date": "2026", "stance": "denies"}, "stance"),
    ({"event": "cited_sg_report_new", "date": "2026", "symbol": "x", "year": "2026",
      "annex": "annex_1"}, "symbol"),
    ({"event": "cited_sg_report_new", "date": "2026", "symbol": "A/HRC/63/30",
      "year": "26", "annex": "annex_1"}, "year"),
    ({"event": "cited_sg_report_new", "date": "2026", "symbol": "A/HRC/63/30",
      "year": "2026", "annex": "annex_2"}, "annex"),
    ({"event": "cited_sg_report_follow_up", "date": "2026", "symbol": "A/HRC/63/30",
      "year": "2026", "annex": "annex_1"}, "annex"),
    ({"event": "cited_sg_report_new", "date": "2026", "symbol": "A/HRC/63/30",
      "year": "2026", "annex": "annex_1", "paragraph": "§ 12"}, "paragraph"),
    ({"event": "raised_by_states", "date": "2026", "state": "Norway"}, "state"),
    ({"event": "other", "date": "2026", "summary": "x" * 2001}, "summary"),
])
def test_bad_events_are_refused_naming_the_field(values, field_name):
    with pytest.raises(FollowUpInvalid, match=f"^{field_name}"):
        parse_event(values, TODAY)


def test_only_marked_events_reach_the_case_base_at_month_precision_without_text():
    entries = [
        FakeEntry({"event": "government_response", "date": "2026-10-02", "stance": "denies",
                   "summary": "secret detail", "share_with_casebase": True}),
        FakeEntry({"event": "cited_sg_report_new", "date": "2026-09", "symbol": "A/HRC/63/30",
                   "year": 2026, "annex": "annex_1", "summary": "",
                   "share_with_casebase": True}),
        FakeEntry({"event": "other", "date": "2026-08", "summary": "kept",
                   "share_with_casebase": False}),
    ]
    events, cited = casebase_follow_up(entries)
    assert events == [{"date": "2026-09", "event": "cited_sg_report_new"},
                      {"date": "2026-10", "event": "government_response", "stance": "denies"}]
    assert cited == [{"symbol": "A/HRC/63/30", "year": 2026, "annex": "annex_1"}]
    assert "secret detail" not in str(events)
    assert len(citations(entries)) == 1


def test_timeline_orders_everything_by_date(cycles_2026_2027):
    follow = [FakeEntry({"event": "government_response", "date": "2026-10-02"})]
    sent = [FakeEntry({"prepared_on": "2026-06-01"}, kind="transmission")]
    logs = [FakeEntry({"day": "2026-06-03", "step": "acknowledged"}, kind="action_log")]
    items = timeline(follow, sent, logs)
    assert [i.event for i in items] == ["transmission_approved", "transmission_acknowledged",
                                        "government_response"]
    _first, second = cycles_2026_2027
    assert in_period("2026-05", second)
    assert in_period("2027", second)
    assert not in_period("2026-04", second)
    assert not in_period("2027-05-01", second)


def test_same_day_transmission_steps_keep_their_natural_order():
    logs = [FakeEntry({"day": "2026-06-01", "step": s}, kind="action_log")
            for s in ("reference_received", "acknowledged", "sent")]
    sent = [FakeEntry({"prepared_on": "2026-06-01"}, kind=k)
            for k in ("transmission", "transmission_draft")]
    assert [i.event for i in timeline([], sent, logs)] == [
        "transmission_drafted", "transmission_approved", "transmission_sent",
        "transmission_acknowledged", "transmission_reference_received"]
