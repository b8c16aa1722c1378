"""The outbox keeps every package until the case base acknowledges it: back-off on failures,
permanent refusals kept with their code, consent re-checked for releases at send time,
tombstones never waiting. HTTP answers are ``requests.Response`` objects built here; the
real case base is exercised in tests/functional/reviewer/release/."""

from __future__ import annotations

import json
import stat

import pytest
import requests

from reviewer.release.outbox import Outbox


def answer(status: int, body: dict | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body or {}).encode()  # noqa: SLF001
    return response


def package(kind: str = "release", record_id: str = "a" * 32, version: int = 1) -> dict:
    body = {"type": kind, "record_id": record_id, "version": version, "tier": "public",
            "record": {"kind": "individual", "acts": ["threats"]}}
    return {"package": body, "signatures": {"release": "x"}}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(tmp_path, clock) -> Outbox:
    return Outbox(tmp_path / "state" / "outbox.sqlite3", retry_base=10, retry_max=60,
                  clock=clock)


def test_the_file_is_private(outbox):
    assert stat.S_IMODE(outbox.path.stat().st_mode) == 0o600


def test_acknowledged_release_is_sent_and_ledgered(outbox):
    outbox.enqueue_release(package(), "report-1", 1, {"country": "BH"})
    posted = []
    deliveries = outbox.deliver_due(lambda p: posted.append(p) or answer(201),
                                    consent_check=lambda item: True)
    assert [d.outcome for d in deliveries] == ["sent"]
    assert posted[0]["package"]["record_id"] == "a" * 32
    assert outbox.items()[0].status == "sent"
    ledger = outbox.released()
    assert [(r.record_id, r.level, r.qi) for r in ledger] == [("a" * 32, 1, {"country": "BH"})]


def test_failures_back_off_exponentially_up_to_the_cap(outbox, clock):
    outbox.enqueue_release(package(), "report-1", 0, {})
    consent = lambda item: True  # noqa: E731
    delays = []
    for _ in range(4):
        deliveries = outbox.deliver_due(lambda p: answer(503), consent_check=consent)
        assert [d.outcome for d in deliveries] == ["retry"]
        item = outbox.items()[0]
        delays.append(item.next_attempt - clock.now)
        assert outbox.deliver_due(lambda p: answer(201), consent_check=consent) == []  # not due
        clock.now = item.next_attempt
    assert delays == [10, 20, 40, 60]
    assert outbox.items()[0].attempts == 4  # noqa: PLR2004


def test_unreachable_is_retried_and_then_delivered(outbox, clock):
    outbox.enqueue_tombstone(package("tombstone", version=2), None)

    def down(p):  # type: ignore[no-untyped-def]
        raise requests.ConnectionError("refused")

    assert outbox.deliver_due(down)[0].detail == "unreachable (ConnectionError)"
    clock.now += 10
    assert outbox.deliver_due(lambda p: answer(200))[0].outcome == "sent"


def test_permanent_refusal_keeps_the_code(outbox):
    outbox.enqueue_release(package(), "report-1", 0, {})
    refused = outbox.deliver_due(lambda p: answer(409, {"error": "record_withdrawn"}),
                                 consent_check=lambda item: True)
    assert refused[0].outcome == "rejected"
    item = outbox.items()[0]
    assert (item.status, item.last_error) == ("rejected", "record_withdrawn")


def test_releases_wait_for_a_consent_check_and_are_cancelled_without_consent(outbox):
    outbox.enqueue_release(package(), "report-1", 0, {})
    never = lambda p: pytest.fail("must not be sent")  # noqa: E731
    assert outbox.deliver_due(never)[0].outcome == "waiting"
    assert outbox.deliver_due(never, consent_check=lambda item: None)[0].outcome == "waiting"
    assert outbox.items()[0].status == "pending"
    assert outbox.deliver_due(never, consent_check=lambda i: False)[0].outcome == "cancelled"
    assert outbox.items()[0].status == "cancelled"


def test_tombstones_go_without_a_consent_check_and_cancel_waiting_releases(outbox):
    outbox.enqueue_release(package(), "report-1", 0, {})
    outbox.enqueue_tombstone(package("tombstone", version=2), "report-1")
    deliveries = outbox.deliver_due(lambda p: answer(200))
    assert [d.outcome for d in deliveries] == ["sent"]
    statuses = [(i.kind, i.status) for i in outbox.items()]
    assert statuses == [("release", "cancelled"), ("tombstone", "sent")]
    assert outbox.released()[0].withdrawn
    assert outbox.highest_version("a" * 32) == 2  # noqa: PLR2004


def test_state_survives_a_restart(tmp_path, clock):
    path = tmp_path / "outbox.sqlite3"
    Outbox(path, clock=clock).enqueue_tombstone(package("tombstone"), None)
    again = Outbox(path, clock=clock)
    assert [i.kind for i in again.items("pending")] == ["tombstone"]


def test_retry_now_makes_everything_due(outbox, clock):
    outbox.enqueue_tombstone(package("tombstone"), None)
    outbox.deliver_due(lambda p: answer(502))
    assert outbox.deliver_due(lambda p: answer(200)) == []
    outbox.retry_now()
    assert outbox.deliver_due(lambda p: answer(200))[0].outcome == "sent"
