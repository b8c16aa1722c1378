"""The issue's demo path on an instance made by ``haven.instance.create_instance`` (what
``haven init``/``haven demo`` run): sign in with password + TOTP, unlock, open, verify,
reply; the reporter reads the reply with nothing but the receipt."""

from __future__ import annotations

import json
import re
import secrets

import pyotp

from haven.instance import AccountSpec, create_instance
from reviewer.app import create_app as create_reviewer_app
from vault import store
from vault.api.app import create_app as create_api_app
from vault.bundle import verify_bundle
from vault.canonical import utc_day
from vault.db import make_engine, session_factory, transaction
from vault.format import parse_envelope
from vault.receipts import derive_receipt_keys, new_receipt
from vault.reporter_open import open_reviewer_events
from vault.seal import seal_report

PASSWORD = "demo coordinator password"  # noqa: S105 - test account
PASSPHRASE = "demo coordinator passphrase"  # noqa: S105 - test key
FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _token(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def test_coordinator_verifies_and_replies_reporter_reads_with_receipt(tmp_path, database_url,
                                                                      live_server):
    created = create_instance(
        tmp_path / "instance", org_id="org-demo", database_url=database_url,
        password_settings=FAST,
        accounts_to_create=[AccountSpec("amira", "coordinator", PASSWORD, PASSPHRASE)])
    config = created.config
    bundle = verify_bundle(json.loads(config.bundle_path.read_text()),
                           created.fingerprint, today=utc_day(), min_serial=1)
    receipt = new_receipt()
    receipt_keys = derive_receipt_keys(receipt, config.instance_id)
    sealed = seal_report({"form_version": 1, "situation": {"narrative": "Demo narrative"}},
                         [], bundle, receipt_keys, day=utc_day(), server_sealed=False)
    info = parse_envelope(sealed.envelope)
    sessions = session_factory(make_engine(config.database_url))
    with transaction(sessions) as session:
        store.add_report(session, report_id=sealed.report_id, day=info.day,
                         envelope=sealed.envelope, bundle_serial=1, server_sealed=False,
                         lookup_hash=secrets.token_bytes(32),
                         stanzas={s.key_id.hex(): s.sealed_key for s in info.stanzas},
                         blob_ids=[])

    with live_server(create_api_app(config)) as api_url:
        client = create_reviewer_app(config, vault_url=api_url).test_client()
        totp = pyotp.TOTP(created.accounts[0].totp_secret).now()
        signed_in = client.post("/login", data={"csrf_token": _token(client, "/login"),
                                                "username": "amira", "password": PASSWORD,
                                                "totp": totp})
        assert signed_in.status_code == 302
        client.post("/key/unlock", data={"csrf_token": _token(client, "/key/unlock"),
                                         "passphrase": PASSPHRASE})
        path = f"/reports/{sealed.report_id}"
        assert "Demo narrative" in client.get(path).get_data(as_text=True)
        client.post(f"{path}/status", data={"csrf_token": _token(client, path),
                                            "status": "verified", "verification": "likely",
                                            "reliability": "high"})
        client.post(f"{path}/reply", data={"csrf_token": _token(client, path),
                                           "text": "Thank you; we verified your report."})
        assert "verified" in client.get(path).get_data(as_text=True)

    with transaction(sessions) as session:
        replies = [e.sealed for e in store.list_events(session, sealed.report_id,
                                                       "to_reporter")]
    reporter_keys = derive_receipt_keys(receipt, config.instance_id)
    events = open_reviewer_events(replies, reporter_keys, bundle, report_id=sealed.report_id)
    assert events[0].payload == {"text": "Thank you; we verified your report."}
