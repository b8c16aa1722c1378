"""A bounded load test on loopback: the intake under gunicorn (2 workers) with its rate limits
in Redis, eight client threads, more submissions than the submit limit allows.

Pass: every answer is 201 or a deliberate 429 (the limit, counted exactly because Redis is
shared by the workers), and every acknowledged report is stored byte for byte and opens.
Throughput and p95 latency are reported (recorded as test properties), never asserted.
"""

from __future__ import annotations

import queue
import statistics
import threading
import time

import pytest
import requests

CONCURRENCY = 8
SUBMISSIONS = 96
SUBMIT_LIMIT = 80


def _worker(rkit, url: str, jobs: queue.Queue, results: list, lock: threading.Lock) -> None:
    with requests.Session() as session:
        while True:
            try:
                prepared = jobs.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            response = rkit.post_submission(session, url, prepared)
            elapsed = time.perf_counter() - started
            report_id = response.json().get("report_id") if response.status_code == 201 else None
            with lock:
                results.append((response.status_code, elapsed, report_id, prepared.envelope))


@pytest.mark.reliability
def test_load_no_errors_but_deliberate_429s(  # noqa: PLR0917 - pytest fixtures
    rkit, intake_processes, redis_url, tmp_path, database_url, record_property
):
    extra = f'\n[ratelimit]\nstorage_url = "{redis_url}"\n'
    instance = rkit.make_instance(tmp_path / "instance", database_url, extra_config=extra)
    # The instance's [intake] section comes from the kit; only the submit limit is tight.
    config_path = instance.directory / "haven.toml"
    text = config_path.read_text().replace('limit_submit = "100000 per hour"',
                                           f'limit_submit = "{SUBMIT_LIMIT} per hour"')
    config_path.write_text(text)
    server = intake_processes(instance.directory, rkit.free_port(),
                              server_args=("--workers", "2"))
    workdir = tmp_path / "client"
    workdir.mkdir()
    jobs: queue.Queue = queue.Queue()
    for _ in range(SUBMISSIONS):
        jobs.put(rkit.prepare(instance, workdir))
    results: list = []
    lock = threading.Lock()
    threads = [threading.Thread(target=_worker, args=(rkit, server.url, jobs, results, lock))
               for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    wall = time.perf_counter() - started

    statuses = [status for status, *_ in results]
    assert len(results) == SUBMISSIONS
    assert set(statuses) <= {201, 429}, f"unexpected answers: {sorted(set(statuses))}"
    assert statuses.count(201) == SUBMIT_LIMIT
    assert statuses.count(429) == SUBMISSIONS - SUBMIT_LIMIT
    stored = rkit.stored_reports(instance)
    for status, _, report_id, envelope in results:
        if status == 201:
            assert stored[report_id] == envelope
            rkit.open_stored(instance, envelope)

    latencies = sorted(elapsed for status, elapsed, *_ in results if status == 201)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    record_property("throughput_per_second", round(statuses.count(201) / wall, 1))
    record_property("p95_seconds", round(p95, 3))
    print(f"\nload: {statuses.count(201)} accepted, {statuses.count(429)} limited in "
          f"{wall:.1f} s at concurrency {CONCURRENCY}: {statuses.count(201) / wall:.1f}/s, "
          f"p95 {p95 * 1000:.0f} ms (includes fetching and solving a proof of work)")
