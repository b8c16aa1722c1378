"""Three real apps for the release tests: the vault API, the reviewer app and the case base,
each served on a free loopback port, on an instance made by ``haven.instance.create_instance``.

``release_world`` gives a ``World``: submit reports (sealed as the intake does, with the
receipt keys kept to sign reporter events), drive reviewers over HTTP (CSRF tokens read
from pages), seed the case base with other organisations' records, read the case base API.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from casebase.accounts import create_partner, issue_token
from casebase.app import create_app as create_casebase_app
from casebase.bootstrap import bootstrap_admins, change_trust
from casebase.ingest import ingest
from casebase.synthetic import SigningOrganisation, synthetic_record
from haven.instance import AccountSpec, CreatedInstance, create_instance
from reviewer.app import create_app as create_reviewer_app
from reviewer.release.runtime import EXTENSION
from vault import store
from vault.api.app import create_app as create_api_app
from vault.bundle import VerifiedBundle, verify_bundle
from vault.canonical import b64encode, utc_day
from vault.db import make_engine, session_factory, transaction
from vault.format import parse_envelope
from vault.keys import load_signing_key
from vault.receipts import ReceiptKeys, keys_from_master
from vault.seal import seal_attachment_bytes, seal_report, seal_reporter_event
from vault.testkit import FreshTotpCodes

PASSWORD = "release test password"  # noqa: S105 - test accounts
PASSPHRASE = "release test passphrase"  # noqa: S105 - test keys
FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@dataclass
class Reported:
    report_id: str
    receipt_keys: ReceiptKeys
    prev_hash: bytes = b"\x00" * 32
    seq: int = 0


class Reviewer:
    """One person's browser session in the reviewer app."""

    def __init__(self, world: World, username: str) -> None:
        self.world = world
        self.client = world.reviewer_app.test_client()
        account = next(a for a in world.created.accounts if a.username == username)
        code = world.totp.code(username, account.totp_secret)
        answer = self.client.post("/login", data={
            "csrf_token": self.csrf("/login"), "username": username, "password": PASSWORD,
            "totp": code})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
        answer = self.client.post("/key/unlock", data={
            "csrf_token": self.csrf("/key/unlock"), "passphrase": PASSPHRASE})
        assert answer.status_code == 302
        self.key_id = account.key_id

    def csrf(self, path: str = "/") -> str:
        match = CSRF.search(self.client.get(path).get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post(self, path: str, data: dict[str, Any], token_from: str):  # type: ignore[no-untyped-def]
        return self.client.post(path, data={"csrf_token": self.csrf(token_from), **data})

    def page(self, path: str) -> str:
        answer = self.client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.get_data(as_text=True)


@dataclass
class World:
    created: CreatedInstance
    bundle: VerifiedBundle
    reviewer_app: Any
    casebase_app: Any
    casebase_url: str
    org_b: SigningOrganisation = field(default_factory=lambda: SigningOrganisation("org-b"))
    reviewer_url: str = ""
    api_url: str = ""
    totp: FreshTotpCodes = field(default_factory=FreshTotpCodes)

    @property
    def runtime(self):  # type: ignore[no-untyped-def]
        return self.reviewer_app.extensions[EXTENSION]

    def write_record_as(self, username: str, kind: str, content: dict[str, Any],
                        report_id: str) -> None:
        """What a reviewer's own client could write straight to the vault API, bypassing
        the reviewer app's checks: a sealed record signed with that reviewer's key."""
        from reviewer.keyring import KeyHolder
        from reviewer.records import Recipient, seal_record
        from reviewer.vault_client import VaultClient

        pair = self.created.reviewer_keys[username]
        holder = KeyHolder(60)
        holder.unlock("forge", reviewer_id=username, key_id=pair.key_id,
                      secrets={pair.key_id: (pair.x25519_sk, pair.ed25519_seed)})
        recipients = [Recipient(k.id, k.x25519_pk, k.ed25519_pk) for k in self.bundle.keys]
        body = seal_record(kind=kind, content=content, keys=holder.keys("forge"),
                           recipients=recipients, report_id=report_id)
        account = next(a for a in self.created.accounts if a.username == username)
        client = VaultClient(self.api_url)
        token = client.login(username, PASSWORD,
                             totp=self.totp.code(username, account.totp_secret)).token
        client.with_token(token).post_record(body)

    def reviewer(self, username: str) -> Reviewer:
        return Reviewer(self, username)

    def browser_reviewer(self, browser, username: str, *, downloads: bool = False):  # type: ignore[no-untyped-def]
        """The same person in Chromium against the served reviewer app: signed in (password
        and a fresh TOTP code) with the key unlocked; returns the page."""
        page = browser.new_context(accept_downloads=downloads).new_page()
        account = next(a for a in self.created.accounts if a.username == username)
        page.goto(f"{self.reviewer_url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=totp]", self.totp.code(username, account.totp_secret))
        page.click("button[type=submit]")
        page.goto(f"{self.reviewer_url}/key/unlock")
        page.fill("input[name=passphrase]", PASSPHRASE)
        page.click("main button[type=submit]")
        return page

    def submit(self, fields: dict[str, Any], *,
               files: tuple[tuple[str, str, bytes], ...] = ()) -> Reported:
        """Seal and store a report (and its attachments) as the intake does."""
        from vault.blobs import backend_for, write_blob

        keys = keys_from_master(secrets.token_bytes(32))
        sealed_files = [seal_attachment_bytes(n, t, d) for n, t, d in files]
        sealed = seal_report(fields, [entry for _blob, entry in sealed_files], self.bundle,
                             keys, day=utc_day(), server_sealed=False)
        info = parse_envelope(sealed.envelope)
        backend = backend_for(self.created.config.blob_dir)
        with transaction(self._sessions()) as session:
            for blob, entry in sealed_files:
                write_blob(session, backend, [blob], chunk_count=entry.chunk_count,
                           day=info.day)
            store.add_report(session, report_id=sealed.report_id, day=info.day,
                             envelope=sealed.envelope, bundle_serial=1, server_sealed=False,
                             lookup_hash=secrets.token_bytes(32),
                             stanzas={s.key_id.hex(): s.sealed_key for s in info.stanzas},
                             blob_ids=[entry.blob_id for _blob, entry in sealed_files])
        return Reported(sealed.report_id, keys)

    def audit_actions(self) -> list[tuple[str, str]]:
        """(account username, action) of every audit entry, oldest first."""
        from vault.audit import entries

        names = {}
        with transaction(self._sessions()) as session:
            from vault.reviewer_models import Account

            for account in session.query(Account):
                names[account.id] = account.username
            return [(names.get(e.actor, str(e.actor)), e.action) for e in entries(session)]

    def reporter_event(self, report: Reported, type_name: str, payload: dict) -> None:
        """A reporter event signed with the receipt's key, sealed, stored (S1)."""
        report.seq += 1
        sealed = seal_reporter_event(report.report_id, report.seq, report.prev_hash,
                                     type_name, payload, bundle=self.bundle,
                                     receipt_keys=report.receipt_keys, day=utc_day())
        report.prev_hash = sealed.event_hash
        with transaction(self._sessions()) as session:
            store.add_event(session, report.report_id, "from_reporter", report.seq,
                            sealed.envelope, utc_day())

    def seed_casebase(self, records: list[dict[str, Any]]) -> None:
        """Records of another organisation: k is computed over the merged case base."""
        with self._casebase_session() as session:
            for record in records:
                ingest(session, self.org_b.release(record, issued_at=utc_day()),
                       today=utc_day(), publication_delay_days=0)
            session.commit()

    def seed_matching(self, count: int, rng: random.Random, **changes: Any) -> None:
        self.seed_casebase([matching_record(rng, **changes) for _ in range(count)])

    def casebase_case(self, record_id: str) -> requests.Response:
        return requests.get(f"{self.casebase_url}/api/v1/cases/{record_id}", timeout=10)

    def _sessions(self):  # type: ignore[no-untyped-def]
        return session_factory(make_engine(self.created.config.database_url))

    def _casebase_session(self):  # type: ignore[no-untyped-def]
        return self.casebase_app.extensions["casebase"]["sessions"]()


def matching_record(rng: random.Random, **changes: Any) -> dict[str, Any]:
    """A record of another organisation sharing the quasi-identifiers used in the tests."""
    record = synthetic_record(rng, year=2023)
    record.update({"kind": "individual", "country": "BH", "year": 2023, "year_to": None,
                   "gender": "woman", "role": "hrd", "acts": ["travel_ban"],
                   "perpetrators": ["immigration"], "mechanisms": ["hrc"], "detained": False,
                   **changes})
    return record


def _setup_casebase(created: CreatedInstance, org_id: str) -> None:
    """Two case base admins trust the organisation's release key; a partner API token for
    the k-anonymity query is stored where the reviewer app reads it."""
    config = created.config
    app = create_casebase_app(config)
    sessions = app.extensions["casebase"]["sessions"]
    release_key = load_signing_key(config.keys_dir / "release.key", purpose="release")
    with sessions() as session:
        paths = [p for _, p in bootstrap_admins(session, config.keys_dir, utc_day())]
        from casebase.bootstrap import admin_signers

        signers = admin_signers(session, paths)
        change_trust(session, {"action": "add", "org_id": org_id,
                               "release_pk": b64encode(bytes(release_key.verify_key)),
                               "not_before": utc_day(), "day": utc_day()}, signers, utc_day())
        change_trust(session, {"action": "add", "org_id": "org-b",
                               "release_pk": _ORG_B.release_pk,
                               "not_before": "2020-01-01", "day": utc_day()}, signers,
                     utc_day())
        partner = create_partner(session, "org-test-gate", org_id, secrets.token_hex(16),
                                 utc_day())
        token = issue_token(session, partner, "release gate", utc_day())
        session.commit()
    (config.keys_dir / "casebase-token.key").write_text(token)
    app.extensions["casebase"]["engine"].dispose()


_ORG_B = SigningOrganisation("org-b")


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def build_world(tmp_path: Path, database_url: str, serve, *, serve_reviewer: bool = False):  # type: ignore[no-untyped-def]
    """An instance, its case base trusting it, and the three apps; ``serve`` is
    ``live_server``. The browser tests load this module by path to reuse it."""
    port = unused_port()
    casebase_url = f"http://127.0.0.1:{port}"
    extra = (
        "\n[vault_api]\nargon2_time_cost = 1\nargon2_memory_kib = 8192\n"
        "argon2_parallelism = 1\n"
        "\n[casebase]\npublication_delay_days = 0\n"
        f"\n[reviewer]\nrelease_casebase_url = \"{casebase_url}\"\n"
        "release_sender_seconds = 0\n"
    )
    created = create_instance(
        tmp_path / "instance", org_id="org-test", database_url=database_url,
        password_settings=FAST, extra_config=extra,
        accounts_to_create=[AccountSpec("coord", "coordinator", PASSWORD, PASSPHRASE),
                            AccountSpec("cora", "coordinator", PASSWORD, PASSPHRASE),
                            AccountSpec("vera", "verifier", PASSWORD, PASSPHRASE)])
    _setup_casebase(created, "org-test")
    config = created.config
    bundle = verify_bundle(json.loads(config.bundle_path.read_text()), created.fingerprint,
                           today=utc_day(), min_serial=1)
    casebase_app = create_casebase_app(config)
    with contextlib.ExitStack() as stack:
        api_url = stack.enter_context(serve(create_api_app(config)))
        stack.enter_context(serve(casebase_app, port))
        reviewer_app = create_reviewer_app(config, vault_url=api_url)
        world = World(created, bundle, reviewer_app, casebase_app, casebase_url, _ORG_B,
                      api_url=api_url)
        if serve_reviewer:
            world.reviewer_url = stack.enter_context(serve(reviewer_app))
        try:
            yield world
        finally:
            casebase_app.extensions["casebase"]["engine"].dispose()


@pytest.fixture
def release_world(tmp_path: Path, database_url: str, live_server):
    with build_world(tmp_path, database_url, live_server) as world:
        yield world
