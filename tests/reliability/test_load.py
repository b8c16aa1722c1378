"""A bounded load test on loopback: the intake as production runs it (gunicorn with
deploy/gunicorn/intake.conf.py: 2 workers x 4 threads, `haven.wsgi:intake()`) with its rate
limits in Redis, eight client threads, more submissions than the submit limit allows.

Pass: every answer is 201 or a deliberate 429, and every acknowledged report is stored byte
for byte and opens. The submit limit holds per process: each gunicorn worker keys its
counters with its own in-memory HMAC key (intake/ratelimit.py, S12), so with Redis shared
the accepted count lies between the limit and workers x the limit (docs/reliability.md).
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
SUBMIT_LIMIT = 20
WORKERS = 2  # deploy/gunicorn/intake.conf.py


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
    server = intake_processes(instance.directory, rkit.free_port(), production=True)
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
    assert SUBMIT_LIMIT <= statuses.count(201) <= SUBMIT_LIMIT * WORKERS
    assert statuses.count(429) == SUBMISSIONS - statuses.count(201)
    stored = rkit.stored_reports(instance)
    for status, _, report_id, envelope in results:
        if status == 201:
            assert stored[report_id] == envelope
            rkit.open_stored(instance, envelope)

    accepted = sorted(elapsed for status, elapsed, *_ in results if status == 201)
    every = sorted(elapsed for _, elapsed, *_ in results)
    p95_accepted = statistics.quantiles(accepted, n=20)[-1]
    p95_all = statistics.quantiles(every, n=20)[-1]
    record_property("requests_per_second", round(SUBMISSIONS / wall, 1))
    record_property("p95_accepted_seconds", round(p95_accepted, 3))
    record_property("p95_all_seconds", round(p95_all, 3))
    print(f"\nload: {SUBMISSIONS} submissions at concurrency {CONCURRENCY} in {wall:.1f} s "
          f"({SUBMISSIONS / wall:.1f}/s answered): {len(accepted)} accepted (p95 "
          f"{p95_accepted * 1000:.0f} ms), {statuses.count(429)} limited; p95 of all "
          f"{p95_all * 1000:.0f} ms (each includes fetching and solving a proof of work)")
