"""The outbox against the real case base app: nothing is lost while the case base is down;
once it is up the package is acknowledged and visible, and a tombstone removes it. The
background sender retries tombstones on its own."""

from __future__ import annotations

import logging
import secrets
import time

import pytest
import requests
from nacl.signing import SigningKey

from casebase.app import create_app as create_casebase_app
from casebase.bootstrap import change_trust
from casebase.config import CasebaseConfig
from casebase.keyfiles import public_key_text
from casebase.trust import add_admin
from reviewer.release.outbox import Outbox, http_poster
from reviewer.release.package import finish_release, release_body, sign_as, tombstone
from reviewer.release.runtime import ReleaseRuntime
from reviewer.release.settings import ReleaseSettings
from vault.canonical import b64encode, utc_day

RECORD = {
    "kind": "individual", "title": "Travel ban after cooperation with the Council",
    "name": None, "country": "BH", "year": 2023, "year_to": None, "gender": "woman",
    "role": "hrd", "acts": ["travel_ban"], "perpetrators": ["immigration"],
    "mechanisms": ["hrc"], "engagement": "actual", "verification": "likely",
    "anonymity_requested": True, "named": False, "detained": False,
    "narrative": "A defender was prevented from travelling to a Council session.",
    "un_actors": [], "follow_up": [], "outcome": "ongoing", "sg_citations": [],
}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def casebase(tmp_path, database_url):
    release_key = SigningKey.generate()
    config = CasebaseConfig(database_url=database_url, keys_dir=tmp_path / "cb-keys",
                            secret_key="s" * 64, publication_delay_days=0)
    app = create_casebase_app(config)
    sessions = app.extensions["casebase"]["sessions"]
    with sessions() as session:
        admins = []
        for n in (1, 2):
            key = SigningKey.generate()
            add_admin(session, f"admin-{n}", public_key_text(key), utc_day())
            admins.append((f"admin-{n}", key))
        change_trust(session, {"action": "add", "org_id": "org-test",
                               "release_pk": b64encode(bytes(release_key.verify_key)),
                               "not_before": utc_day(), "day": utc_day()}, admins, utc_day())
        session.commit()
    yield app, release_key
    app.extensions["casebase"]["engine"].dispose()


def signed_release(release_key: SigningKey, record_id: str) -> dict:
    drafter, approver = SigningKey.generate(), SigningKey.generate()
    body = release_body(
        org_id="org-test", record_id=record_id, version=1, issued_at=utc_day(), tier="public",
        snapshot={"scopes": ["casebase_anonymized"], "given_by": "victim",
                  "confirmed": utc_day()[:7]},
        record=RECORD, release_pk=bytes(release_key.verify_key),
        drafter={"id": "d" * 32, "pk": b64encode(bytes(drafter.verify_key))},
        approver={"id": "e" * 32, "pk": b64encode(bytes(approver.verify_key))},
        certificate=None)
    return finish_release(body, sign_as("drafter", body, drafter),
                          sign_as("approver", body, approver), release_key)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_casebase_down_then_up(tmp_path, casebase, live_server):
    app, release_key = casebase
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    clock = Clock()
    outbox = Outbox(tmp_path / "outbox.sqlite3", retry_base=30, retry_max=600, clock=clock)
    record_id = secrets.token_hex(16)
    outbox.enqueue_release(signed_release(release_key, record_id), "report-x", 0, {})
    post = http_poster(url, timeout=5)
    consent = lambda item: True  # noqa: E731 - consent holds at send time here

    first = outbox.deliver_due(post, consent_check=consent)
    assert [d.outcome for d in first] == ["retry"]
    assert outbox.items()[0].status == "pending"

    with live_server(app, port):
        assert outbox.deliver_due(post, consent_check=consent) == []  # backing off
        clock.now += 30
        second = outbox.deliver_due(post, consent_check=consent)
        assert [d.outcome for d in second] == ["sent"]
        case = requests.get(f"{url}/api/v1/cases/{record_id}", timeout=5)
        assert case.status_code == 200
        assert case.json()["narrative"] == RECORD["narrative"]

        grave = tombstone(org_id="org-test", record_id=record_id, version=2,
                          issued_at=utc_day(), reason="consent_withdrawn",
                          release_key=release_key, certificate=None)
        outbox.enqueue_tombstone(grave, "report-x")
        assert [d.outcome for d in outbox.deliver_due(post)] == ["sent"]
        assert requests.get(f"{url}/api/v1/cases/{record_id}", timeout=5).status_code == 404


def test_background_sender_delivers_a_tombstone_once_the_casebase_is_up(
        tmp_path, casebase, live_server, caplog):
    caplog.set_level(logging.INFO, logger="haven.reviewer.release")
    app, release_key = casebase
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    outbox = Outbox(tmp_path / "outbox.sqlite3", retry_base=1, retry_max=1)
    record_id = secrets.token_hex(16)
    grave = tombstone(org_id="org-test", record_id=record_id, version=1, issued_at=utc_day(),
                      reason="safety", release_key=release_key, certificate=None)
    outbox.enqueue_tombstone(grave, None)
    runtime = ReleaseRuntime(ReleaseSettings(), outbox, http_poster(url, timeout=5),
                             counts=lambda: pytest.fail("no k query here"))
    runtime.start_sender(0.2)
    try:
        deadline = time.monotonic() + 20
        while outbox.items()[0].attempts == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert outbox.items()[0].status == "pending"  # the case base is down: kept
        with live_server(app, port):
            while outbox.items()[0].status == "pending" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert outbox.items()[0].status == "sent"
            feed = requests.get(f"{url}/api/v1/tombstones", timeout=5).json()
            assert [t["record_id"] for t in feed["tombstones"]] == [record_id]
    finally:
        runtime.stop.set()
    logged = [r.getMessage() for r in caplog.records if r.name == "haven.reviewer.release"]
    assert "outbox: a package was sent" in logged
    assert not [m for m in logged if record_id in m or "127.0.0.1" in m]
