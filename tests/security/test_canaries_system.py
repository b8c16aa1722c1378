"""The canary test over the whole system (S23, DESIGN §8): every app runs as its own process
(`haven serve APP --dev`), logs captured, and canaries travel every path a reporter's data
takes. Afterwards:

- no canary, receipt, passphrase or client address is in any app's log;
- the vault database and blob store hold ciphertext only (no canary bytes);
- the case base's database and its exports hold what was released (the released canary)
  and nothing that was not (the report's canaries, the search terms typed by visitors);
- positive controls: the reviewer's key really opens the canaries (so their absence
  elsewhere means something), and the released canary really is in the exports.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest
import requests

HAVEN = str(Path(sys.executable).with_name("haven"))
SECRET = f"CANARY-SECRET-{secrets.token_hex(6)}"  # in the report only: never released
RELEASED = f"CANARY-RELEASED-{secrets.token_hex(6)}"  # written by a reviewer and released
SEARCHED = f"CANARY-SEARCH-{secrets.token_hex(6)}"  # typed by a visitor of the case base
PASSWORD = "a long password for rita"
PASSPHRASE = f"passphrase {secrets.token_hex(4)}"
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
APPS = ("intake", "vault-api", "casebase", "reviewer")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PortTaken(Exception):
    """Another process on this machine took a port between choosing it and binding it."""


def _start_system(directory: Path, logs: Path):
    """Make the instance and start the four apps; returns (instance, urls, processes)."""
    from haven.instance import AccountSpec, create_instance

    ports = {app: _free_port() for app in APPS}
    urls = {app: f"http://127.0.0.1:{port}" for app, port in ports.items()}
    extra = f"""
[urls]
intake = "{urls['intake']}"
reviewer = "{urls['reviewer']}"
casebase = "{urls['casebase']}"
vault_api = "{urls['vault-api']}"

[intake]
pow_difficulty = 2
min_free_disk_bytes = 0
nojs_delay_seconds = 0

[casebase]
publication_delay_days = 0
"""
    created = create_instance(
        directory, org_id="org-canary", extra_config=extra, password_settings=FAST_ARGON2,
        accounts_to_create=[AccountSpec("rita", "coordinator", PASSWORD, PASSPHRASE)])
    subprocess.run([HAVEN, "casebase", "init", "--instance", str(directory)], check=True,
                   capture_output=True)
    processes = []
    for app in APPS:
        with (logs / f"{app}.log").open("ab") as log:
            processes.append(subprocess.Popen(
                [HAVEN, "serve", app, "--dev", "--port", str(ports[app]), "--instance",
                 str(directory)], stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
    try:
        for app in APPS:
            _wait(urls[app])
        served = requests.get(f"{urls['intake']}/bundle.json", timeout=10).content
        if any(p.poll() is not None for p in processes) or (
                served != created.config.bundle_path.read_bytes()):
            raise PortTaken("an app could not bind its port")
    except BaseException:
        _stop(processes)
        raise
    return created, urls, processes


def _stop(processes) -> None:
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture
def system(tmp_path):
    """An instance with a case base, and all four apps as processes; yields (instance, urls).
    Logs go to tmp_path/<app>.log. Ports are re-chosen if another process took one."""
    for attempt in range(3):
        try:
            created, urls, processes = _start_system(tmp_path / f"instance-{attempt}", tmp_path)
            break
        except PortTaken:
            continue
    else:
        pytest.fail("could not find four free ports for the apps")
    try:
        yield created, urls
    finally:
        _stop(processes)


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            requests.get(url, timeout=2)
            return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def _pow(session, url: str, scope: str, binding: str) -> dict:
    from intake.pow import solve as solve_pow

    challenge = session.get(f"{url}/api/v1/pow", params={"scope": scope}, timeout=30).json()
    return {"challenge": challenge["challenge"],
            "counter": solve_pow(challenge["challenge"], binding, challenge["difficulty"])}


def _report_paths(created, intake: str, workdir: Path) -> tuple[str, object]:
    """The JS path (sealed here, as `haven submit` does), the no-JS path, both inboxes, a
    wrong receipt and bad input that carries the canary. Returns (receipt, prepared)."""
    from haven.commands.submit import prepare_submission, send
    from vault.canonical import b64encode, utc_day

    fields = {"situation": {"narrative": f"{SECRET} was detained"},
              "identity": {"real_name": f"{SECRET} name", "contact": f"{SECRET}@example.org"}}
    attachment = workdir / f"{SECRET}.txt"
    attachment.write_text(f"evidence {SECRET}")
    with requests.Session() as session:
        prepared = prepare_submission(
            fields, [attachment], json.loads(created.config.bundle_path.read_text()),
            fingerprint=created.fingerprint, instance_id=created.config.instance_id,
            today=utc_day(), min_serial=1, workdir=workdir)
        send(prepared, intake, session)
        lookup = prepared.lookup_id
        inbox = session.post(f"{intake}/api/v1/inbox", json={
            "lookup_id": b64encode(lookup),
            "pow": _pow(session, intake, "receipt", hashlib.sha256(lookup).hexdigest())})
        assert inbox.status_code == 200, ("JSON inbox", inbox.text)
        nojs = session.post(f"{intake}/report/nojs", data={
            "un_link.linked": "yes", "situation.narrative": f"{SECRET} no-JS narrative",
            "identity.real_name": f"{SECRET} nojs", "consent.giver": "victim"},
            files={"evidence.files": (f"{SECRET}.pdf", f"{SECRET} pdf".encode(),
                                      "application/pdf")})
        assert nojs.status_code == 201, ("no-JS report", nojs.text[:500])
        for receipt in (prepared.receipt, f"{SECRET} wrong receipt"):
            session.post(f"{intake}/inbox/nojs", data={"receipt": receipt})
        bad = session.post(f"{intake}/api/v1/submissions", data=f'{{"envelope": "{SECRET}"',
                           headers={"Content-Type": "application/json"})
        assert 400 <= bad.status_code < 500
    return prepared.receipt, prepared


def _reviewer_reads(created, vault_api: str, reviewer: str) -> None:
    """Over the vault API, as the reviewer app does: log in, fetch, open locally."""
    from vault import open as vault_open
    from vault.bundle import verify_bundle
    from vault.canonical import b64decode, utc_day

    info = created.accounts[0]
    with requests.Session() as session:
        login = session.post(f"{vault_api}/api/v1/auth/login", json={
            "username": "rita", "password": PASSWORD,
            "totp": pyotp.TOTP(info.totp_secret).now()})
        assert login.status_code == 200, ("vault API login", login.text)
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        listed = session.get(f"{vault_api}/api/v1/reports", headers=headers).json()
        bundle = verify_bundle(json.loads(created.config.bundle_path.read_text()),
                               created.fingerprint, today=utc_day(), min_serial=1)
        pair = created.reviewer_keys["rita"]
        opened_text = []
        for summary in listed["reports"]:
            detail = session.get(f"{vault_api}/api/v1/reports/{summary['report_id']}",
                                 headers=headers).json()
            report = vault_open.open_report(b64decode(detail["envelope_b64"]), pair.key_id,
                                            pair.x25519_sk, bundle)
            opened_text.append(json.dumps(report.fields))
        assert len(opened_text) == 2
        assert all(SECRET in text for text in opened_text), "positive control: key opens it"
    _reviewer_app_reads(created, reviewer, [s["report_id"] for s in listed["reports"]])


def _csrf(page: str) -> str:
    for tag in re.findall(r"<input[^>]*>", page):
        if 'name="csrf_token"' in tag:
            value = re.search(r'value="([^"]+)"', tag)
            assert value, tag
            return value.group(1)
    raise AssertionError("no CSRF token on the page")


def _reviewer_app_reads(created, reviewer: str, report_ids: list[str]) -> None:
    """The reviewer web app: a failed login with canaries, a real login, key unlock, then
    each report page (the reviewer process decrypts the canaries in its memory)."""
    info = created.accounts[0]
    with requests.Session() as browser:
        page = browser.get(f"{reviewer}/login").text
        failed = browser.post(f"{reviewer}/login", data={
            "csrf_token": _csrf(page), "username": SECRET, "password": SECRET, "totp": "123456"})
        assert failed.status_code == 401
        page = browser.get(f"{reviewer}/login").text
        # A recovery code: this time step's TOTP was spent by the vault API login above.
        login = browser.post(f"{reviewer}/login", data={
            "csrf_token": _csrf(page), "username": "rita", "password": PASSWORD,
            "recovery_code": info.recovery_codes[0]})
        assert login.status_code == 200, ("reviewer login", login.text[:300])
        page = browser.get(f"{reviewer}/key/unlock").text
        unlocked = browser.post(f"{reviewer}/key/unlock", data={"csrf_token": _csrf(page),
                                                            "passphrase": PASSPHRASE})
        assert unlocked.status_code == 200, unlocked.text[:300]
        shown = [browser.get(f"{reviewer}/reports/{report_id}").text for report_id in report_ids]
        assert any(SECRET in html for html in shown), "positive control: the app shows it"


def _release(created, casebase: str) -> None:
    """A release signed by a trusted organisation, its narrative written by the reviewer."""
    from casebase.synthetic import SigningOrganisation, synthetic_record

    org = SigningOrganisation("org-canary")
    directory = created.config.instance_dir
    subprocess.run([HAVEN, "casebase", "trust", "org-canary", org.release_pk, "--not-before",
                    "2020-01-01", "--instance", str(directory)], check=True, capture_output=True)
    record = synthetic_record(random.Random(5), year=2023)
    record["narrative"] = f"A defender was detained after testifying. {RELEASED}"
    response = requests.post(f"{casebase}/api/v1/ingest", data=json.dumps(org.release(record)),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code in (200, 201), ("case base ingest", response.text)
    requests.get(f"{casebase}/", params={"q": SEARCHED}, timeout=30)
    requests.get(f"{casebase}/api/v1/cases", params={"q": SEARCHED}, timeout=30)


def _files_under(path: Path):
    return (p for p in path.rglob("*") if p.is_file())


@pytest.mark.reliability
def test_canaries_stay_where_they_belong_across_the_system(system, tmp_path):
    created, urls = system
    workdir = tmp_path / "reporter"
    workdir.mkdir()
    receipt, _ = _report_paths(created, urls["intake"], workdir)
    _reviewer_reads(created, urls["vault-api"], urls["reviewer"])
    _release(created, urls["casebase"])
    exports = {fmt: requests.get(f"{urls['casebase']}/export.{fmt}", timeout=30).text
               for fmt in ("csv", "json")}

    forbidden_in_logs = [SECRET, RELEASED, SEARCHED, receipt, PASSWORD, PASSPHRASE,
                         "127.0.0.1 -", "127.0.0.1:"]
    for app in APPS:
        log = (tmp_path / f"{app}.log").read_text(errors="replace")
        for canary in forbidden_in_logs:
            assert canary not in log, f"{canary[:20]}… in the {app} log"
    instance_dir = created.config.instance_dir
    vault_files = [instance_dir / "vault.db", *(_files_under(created.config.blob_dir))]
    for path in vault_files + list(instance_dir.glob("vault.db-*")):
        data = path.read_bytes()
        assert SECRET.encode() not in data, f"plaintext canary in {path.name}"
        assert receipt.encode() not in data
    casebase_bytes = b"".join(p.read_bytes() for p in instance_dir.glob("casebase.db*"))
    assert RELEASED.encode() in casebase_bytes, "positive control: the release is stored"
    for canary in (SECRET, SEARCHED, receipt):
        assert canary.encode() not in casebase_bytes
    for fmt, text in exports.items():
        assert RELEASED in text, f"positive control: the released record is in {fmt}"
        assert SECRET not in text
        assert SEARCHED not in text
