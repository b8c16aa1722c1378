"""`seed_demo_reports`: the demo vault holds real sealed reports reviewers can open, with the
reporter's signed consent, and each receipt finds its report as the intake inbox does."""

import datetime as dt
from pathlib import Path

from haven.demo_reports import INBOX_CONSENT_SCOPES, seed_demo_reports
from haven.instance import AccountSpec, create_instance
from intake.inbox import FROM_REPORTER
from intake.services import PEPPER_FILE, load_bundle, load_pepper
from reviewer.report_fields import narrative, risk_flags, triage_defaults
from vault import store
from vault.canonical import utc_day
from vault.db import make_engine, session_factory, transaction
from vault.events import consent_state
from vault.open import open_report, open_reporter_events
from vault.receipts import derive_receipt_keys, lookup_hash
from vault.reply_store import reporter_head

FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}


def _instance(directory: Path, database_url: str):
    return create_instance(
        directory, org_id="org-demo", database_url=database_url, password_settings=FAST,
        accounts_to_create=[AccountSpec("vera", "verifier", "pw-vera-long-enough-1",
                                        passphrase="vera unlock phrase")],
    )


def test_seeded_reports_open_with_fields_and_consent_and_receipts_find_them(
    tmp_path, database_url
):
    created = _instance(tmp_path / "instance", database_url)
    config = created.config
    receipts = seed_demo_reports(config)
    assert len(receipts) == 3
    assert len(set(receipts)) == 3
    pair = created.reviewer_keys["vera"]
    bundle = load_bundle(config).parsed
    pepper = load_pepper(config.keys_dir / PEPPER_FILE)
    opened_reports = []
    with transaction(session_factory(make_engine(config.database_url))) as session:
        assert len(store.list_reports(session)) == 3
        for receipt in receipts:
            keys = derive_receipt_keys(receipt, config.instance_id)
            lookup = lookup_hash(pepper, keys.lookup_id)
            record = store.find_report_by_lookup(session, lookup)
            assert record is not None
            # The reporter can send the next event: their sealed chain head is in the vault.
            assert reporter_head(session, record.id) is not None
            opened = open_report(record.envelope, pair.key_id, pair.x25519_sk, bundle)
            assert opened.report_id == record.id
            assert opened.reporter_signing_pk == keys.signing_pk
            events = store.list_events(session, record.id, FROM_REPORTER)
            assert [e.seq for e in events] == [1]
            consent_events = open_reporter_events(
                [e.sealed for e in events], pair.key_id, pair.x25519_sk, bundle,
                opened.reporter_signing_pk, report_id=record.id)
            state = consent_state(consent_events, opened.reporter_signing_pk,
                                  initial=opened.initial_consent)
            assert state.granted >= set(INBOX_CONSENT_SCOPES)
            assert state.given_by == "victim"
            assert state.risks_explained
            assert "fictional" in narrative(opened.fields)
            opened_reports.append(opened.fields)
    countries = [triage_defaults(f)["country"] for f in opened_reports]
    assert countries == ["BH", "NI", "EG"]
    assert {flag.code for flag in risk_flags(opened_reports[2])} >= {
        "danger_now", "detained", "urgent_appeal_wanted"}
    assert opened_reports[1]["situation"]["travel_ban"] == "yes"
    assert opened_reports[0]["un_link"]["mechanisms"] == ["hrc"]
    # Incidents are dated just before the seeding day, inside the current reporting period.
    seeded = dt.date.fromisoformat(utc_day())
    for fields in opened_reports:
        incident = dt.date.fromisoformat(fields["incidents"][0]["date"])
        assert seeded - dt.timedelta(days=60) < incident < seeded


def test_a_demo_receipt_opens_the_intake_inbox_and_the_reporter_can_go_on(
    tmp_path, database_url
):
    from intake.app import create_app

    created = _instance(tmp_path / "instance", database_url)
    receipt = seed_demo_reports(created.config)[0]
    client = create_app(created.config).test_client()
    page = client.post("/inbox/nojs", data={"receipt": receipt})
    assert page.status_code == 200
    # The second event chains on the seeded consent event through the kept chain head.
    sent = client.post("/inbox/nojs/act", data={
        "receipt": receipt, "action": "message", "message": "A new detail."})
    assert "Sent, signed with your receipt." in sent.get_data(as_text=True)
    pair = created.reviewer_keys["vera"]
    with transaction(session_factory(make_engine(created.config.database_url))) as session:
        keys = derive_receipt_keys(receipt, created.config.instance_id)
        pepper = load_pepper(created.config.keys_dir / PEPPER_FILE)
        record = store.find_report_by_lookup(session, lookup_hash(pepper, keys.lookup_id))
        assert record is not None
        events = store.list_events(session, record.id, FROM_REPORTER)
    opened = open_reporter_events(
        [e.sealed for e in events], pair.key_id, pair.x25519_sk,
        load_bundle(created.config).parsed, keys.signing_pk, report_id=record.id)
    assert [e.type for e in opened] == ["consent_change", "message"]


def _csrf(client, path: str) -> str:
    import re

    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_the_coordinator_sees_the_demo_reports_in_the_inbox_and_on_the_cycle_board(
    tmp_path, database_url, live_server
):
    import pyotp

    from haven.commands.demo import _demo_config
    from reviewer.app import create_app as create_reviewer_app
    from vault.api.app import create_app as create_api_app

    created = create_instance(
        tmp_path / "instance", org_id="org-demo", database_url=database_url,
        password_settings=FAST, extra_config=_demo_config(),
        accounts_to_create=[AccountSpec("coord", "coordinator", "pw-coord-long-enough-1",
                                        passphrase="coord unlock phrase")])
    seed_demo_reports(created.config)
    with live_server(create_api_app(created.config)) as api_url:
        client = create_reviewer_app(created.config, vault_url=api_url).test_client()
        signed_in = client.post("/login", data={
            "csrf_token": _csrf(client, "/login"), "username": "coord",
            "password": "pw-coord-long-enough-1",
            "totp": pyotp.TOTP(created.accounts[0].totp_secret).now()})
        assert signed_in.status_code == 302
        client.post("/key/unlock", data={"csrf_token": _csrf(client, "/key/unlock"),
                                         "passphrase": "coord unlock phrase"})
        inbox = client.get("/inbox/").get_data(as_text=True)
        board = client.get("/cycle/").get_data(as_text=True)
    with transaction(session_factory(make_engine(created.config.database_url))) as session:
        report_ids = [r.id for r in store.list_reports(session)]
    assert len(report_ids) == 3
    for report_id in report_ids:
        assert report_id[:8] in inbox
        assert report_id[:8] in board
    for country in ("BH", "NI", "EG"):
        assert country in board
