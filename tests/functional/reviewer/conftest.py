"""The reviewer app against the REAL vault API served on a free port (never a mock).

``rv`` builds a vault-API instance (vault.api.testkit), serves its API with ``live_server``,
and a reviewer app pointed at it (``--vault`` mode). ``RvDriver`` signs in, unlocks, reads
CSRF tokens from pages and posts forms like a browser would.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest

from reviewer.app import create_app as create_reviewer_app
from vault import store
from vault.api.app import create_app as create_api_app
from vault.api.testkit import PASSPHRASE, PASSWORD, ApiInstance, build_api_instance
from vault.canonical import utc_day
from vault.db import transaction
from vault.format import parse_envelope
from vault.receipts import ReceiptKeys, keys_from_master
from vault.seal import seal_attachment_bytes, seal_report, seal_reporter_event
from vault.testkit import FreshTotpCodes

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')


@dataclass
class SubmittedReport:
    report_id: str
    receipt_keys: ReceiptKeys
    prev_hash: bytes = b"\x00" * 32
    seq: int = 0


@dataclass
class Rv:
    instance: ApiInstance
    api_url: str
    app: Any
    reports: dict[str, SubmittedReport] = field(default_factory=dict)
    codes: FreshTotpCodes = field(default_factory=FreshTotpCodes)

    def totp(self, username: str) -> str:
        """A fresh code per login: the API never accepts a TOTP step twice."""
        return self.codes.code(username, self.instance.people[username].totp_secret)

    def driver(self, username: str | None = None, *, unlock: bool = True) -> RvDriver:
        driver = RvDriver(self, self.app.test_client())
        if username:
            driver.login(username)
            if unlock:
                driver.unlock()
        return driver

    def submit(self, fields: dict[str, Any] | None = None, *,
               files: tuple[tuple[str, str, bytes], ...] = ()) -> SubmittedReport:
        """Seal and store a report as the intake does, keeping the receipt keys."""
        receipt_keys = keys_from_master(secrets.token_bytes(32))
        sealed_files = [seal_attachment_bytes(n, t, d) for n, t, d in files]
        sealed = seal_report(fields or {"narrative": "test report"},
                             [entry for _blob, entry in sealed_files],
                             self.instance.verified_bundle(), receipt_keys, day=utc_day(),
                             server_sealed=False)
        from vault.blobs import backend_for, write_blob

        info = parse_envelope(sealed.envelope)
        backend = backend_for(self.instance.config.blob_dir)
        with transaction(self.instance.sessions()) as session:
            for blob, entry in sealed_files:
                write_blob(session, backend, [blob], chunk_count=entry.chunk_count,
                           day=info.day)
            store.add_report(
                session, report_id=sealed.report_id, day=info.day, envelope=sealed.envelope,
                bundle_serial=self.instance.serial, server_sealed=False,
                lookup_hash=secrets.token_bytes(32),
                stanzas={s.key_id.hex(): s.sealed_key for s in info.stanzas},
                blob_ids=[entry.blob_id for _blob, entry in sealed_files])
        submitted = SubmittedReport(sealed.report_id, receipt_keys)
        self.reports[sealed.report_id] = submitted
        return submitted

    def reporter_event(self, report: SubmittedReport, type_name: str, payload: dict) -> None:
        """A signed reporter event (message, consent change, withdrawal), stored."""
        report.seq += 1
        sealed = seal_reporter_event(report.report_id, report.seq, report.prev_hash, type_name,
                                     payload, bundle=self.instance.verified_bundle(),
                                     receipt_keys=report.receipt_keys, day=utc_day())
        report.prev_hash = sealed.event_hash
        with transaction(self.instance.sessions()) as session:
            store.add_event(session, report.report_id, "from_reporter", report.seq,
                            sealed.envelope, utc_day())

    def reporter_adds_file(self, report: SubmittedReport, name: str, media_type: str,
                           data: bytes) -> str:
        """A signed file_added event with its uploaded blob, stored as the intake does."""
        from vault.blobs import backend_for, write_blob

        blob, entry = seal_attachment_bytes(name, media_type, data)
        report.seq += 1
        sealed = seal_reporter_event(report.report_id, report.seq, report.prev_hash,
                                     "file_added", {"attachments": [entry.to_manifest()]},
                                     bundle=self.instance.verified_bundle(),
                                     receipt_keys=report.receipt_keys, day=utc_day())
        report.prev_hash = sealed.event_hash
        backend = backend_for(self.instance.config.blob_dir)
        with transaction(self.instance.sessions()) as session:
            write_blob(session, backend, [blob], chunk_count=entry.chunk_count, day=utc_day())
            store.add_event(session, report.report_id, "from_reporter", report.seq,
                            sealed.envelope, utc_day(), blob_ids=[entry.blob_id])
        return entry.blob_id


    def admin_api(self):  # type: ignore[no-untyped-def]
        from reviewer.vault_client import VaultClient

        client = VaultClient(self.api_url)
        token = client.login("ada", PASSWORD, totp=self.totp("ada")).token
        return client.with_token(token)

    def republish(self, *, triage: tuple[str, ...], retire: tuple[str, ...] = ()) -> None:
        """What an admin does: set the triage set, sign the draft offline, publish it."""
        admin = self.admin_api()
        people = self.instance.people
        admin._request("PUT", "/triage", json={"members": [people[n].account_id
                                                           for n in triage]})
        payload = admin._request("GET", "/bundle/draft")["payload"]
        gone = {people[n].key_id for n in retire}
        payload["keys"] = [k for k in payload["keys"] if k["id"] not in gone]
        payload["triage"] = [k for k in payload["triage"] if k not in gone]
        payload["revoked"] = sorted(set(payload["revoked"]) | gone)
        doc = self.instance.sign_bundle(payload)
        admin._request("PUT", "/bundle", json=doc)
        self.instance.bundle_doc = doc
        self.instance.serial = payload["serial"]


class RvDriver:
    def __init__(self, rv: Rv, client) -> None:  # type: ignore[no-untyped-def]
        self.rv = rv
        self.client = client

    def csrf(self, path: str = "/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = CSRF.search(page)
        assert match, f"no CSRF token on {path}"
        return match.group(1) or match.group(2)

    def login(self, username: str, *, password: str = PASSWORD, totp: str | None = None):  # type: ignore[no-untyped-def]
        return self.client.post("/login", data={
            "csrf_token": self.csrf("/login"), "username": username, "password": password,
            "totp": totp or self.rv.totp(username)})

    def unlock(self, passphrase: str = PASSPHRASE):  # type: ignore[no-untyped-def]
        return self.client.post("/key/unlock", data={
            "csrf_token": self.csrf("/key/unlock"), "passphrase": passphrase})

    def post(self, path: str, data: dict[str, Any] | None = None, *,  # type: ignore[no-untyped-def]
             token_from: str | None = None):
        token = self.csrf(token_from or "/")
        return self.client.post(path, data={"csrf_token": token, **(data or {})})

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)


@pytest.fixture
def rv(tmp_path, database_url, live_server):
    directory = tmp_path / "instance"
    directory.mkdir()
    instance = build_api_instance(directory, database_url)
    keys_dir = instance.config.keys_dir
    (keys_dir / "session-secret.key").write_text(secrets.token_hex(32))
    with live_server(create_api_app(instance.config)) as api_url:
        app = create_reviewer_app(instance.config, vault_url=api_url)
        app.config["TESTING"] = True
        yield Rv(instance, api_url, app)
